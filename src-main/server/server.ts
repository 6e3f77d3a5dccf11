import fs from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../core/api/errors.ts';
import type { ServedEngine } from './engine.ts';
import { createRequestHandler } from './request-handler.ts';
import { allowedHosts, allowedOrigins, isLoopbackHost, mediaKey, newToken } from './security.ts';

export interface ServerOptions {
  service: ServedEngine;
  /** 0 picks a free port. */
  port: number;
  /** When `port` is in use, take any free one instead of failing (a remembered port, not one the user asked for). */
  anyPortIfBusy?: boolean;
  /** A loopback address; defaults to 127.0.0.1. */
  host?: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Defaults to a fresh random token; `serve` passes the library's own (browser-session.ts). */
  token?: string;
}

export interface RunningServer {
  /** The address to open, the token in its fragment: the browser keeps a fragment to itself, the page reads it. */
  url: string;
  /** The address without the token. */
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/**
 * Serves the renderer and the contract over HTTP to this machine only, behind an
 * access token (sent in a header; image addresses carry the derived media key).
 * Throws InputError for a host that is not loopback, a missing build, or a port in use.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new InputError(host, `Browser mode only listens on this machine (127.0.0.1, ::1 or localhost), not on ${host}.`);
  }
  const token = opts.token ?? newToken();
  const rendererRoot = await fs.promises.realpath(opts.rendererDir).catch(() => {
    throw new InputError(opts.rendererDir, `The interface is not built: ${opts.rendererDir} is missing. In the project folder, \`npm run build\` builds it.`);
  });

  const server = http.createServer();
  try {
    await listen(server, opts.port, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (!opts.anyPortIfBusy) throw new InputError(String(opts.port), `Port ${opts.port} is in use. Pick another with --port, or 0 for any free port.`);
    await listen(server, 0, host);
  }
  // The allowed Host names include the port, known only now; no request is read before this handler is attached.
  const port = (server.address() as AddressInfo).port;
  const hosts = allowedHosts(host, port);
  const eventStreams = new Set<ServerResponse>();
  server.on(
    'request',
    createRequestHandler({ engine: opts.service, rendererRoot, token, mediaKey: mediaKey(token), hosts, origins: allowedOrigins(hosts), eventStreams }),
  );
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}/`;

  return {
    url: `${origin}#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of eventStreams) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
