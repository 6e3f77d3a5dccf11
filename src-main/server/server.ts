import fs from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../core/api/errors.ts';
import type { ServedEngine } from './engine.ts';
import { createRequestHandler } from './request-handler.ts';
import { allowedHosts, allowedOrigins, isLoopbackHost, newToken } from './security.ts';

export interface ServerOptions {
  service: ServedEngine;
  /** 0 picks a free port. */
  port: number;
  /** A loopback address; defaults to 127.0.0.1. */
  host?: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Defaults to a fresh random token per run. */
  token?: string;
}

export interface RunningServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Serves the renderer and the contract over HTTP to this machine only, behind a per-run token. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new InputError(host, `Browser mode only listens on this machine (127.0.0.1, ::1 or localhost), not on ${host}.`);
  }
  const token = opts.token ?? newToken();
  const rendererRoot = await fs.promises.realpath(opts.rendererDir).catch(() => {
    throw new InputError(opts.rendererDir, `The interface is not built: ${opts.rendererDir} is missing. Build it with \`npx electron-vite build\`.`);
  });

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE' ? new InputError(String(opts.port), `Port ${opts.port} is in use. Pick another with --port, or 0 for any free port.`) : err,
      );
    });
    server.listen(opts.port, host, () => resolve());
  });
  // The allowed Host names include the port, known only now; no request is read before this handler is attached.
  const port = (server.address() as AddressInfo).port;
  const hosts = allowedHosts(host, port);
  const eventStreams = new Set<ServerResponse>();
  server.on('request', createRequestHandler({ engine: opts.service, rendererRoot, token, port, hosts, origins: allowedOrigins(hosts), eventStreams }));

  return {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}/?token=${token}`,
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
