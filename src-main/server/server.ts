import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, errorMessage } from '../core/errors.ts';
import { serveOperation } from './api-route.ts';
import { contentTypeFor } from './content-types.ts';
import type { ServedEngine } from './engine.ts';
import { serveEvents } from './events-route.ts';
import { servePhoto, serveThumbnail } from './media-routes.ts';
import { sendError, sendText } from './respond.ts';
import {
  allowedHosts,
  allowedOrigins,
  isLoopbackHost,
  newToken,
  requestToken,
  sessionCookie,
  setSecurityHeaders,
  tokensEqual,
} from './security.ts';
import { resolveStaticFile } from './static-files.ts';

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

const FORBIDDEN_PAGE =
  'This photo-search server needs its access token. Open the address that `photo-search serve` printed (it ends in ?token=...).\n';

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

  const events = new Set<ServerResponse>();
  let hosts = new Set<string>();
  let origins = new Set<string>();
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    if (!hosts.has(req.headers.host ?? '')) {
      sendText(res, 403, 'This server only answers requests addressed to 127.0.0.1 or localhost.\n');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      sendText(res, 400, 'Bad request.\n');
      return;
    }
    const method = req.method ?? 'GET';

    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && method === 'GET' && !url.pathname.startsWith('/api/')) {
      if (!tokensEqual(queryToken, token)) {
        sendText(res, 403, FORBIDDEN_PAGE);
        return;
      }
      // The token moves into an HttpOnly cookie and out of the address bar and history.
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search, 'Set-Cookie': sessionCookie(port, token), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (!tokensEqual(requestToken(req, port), token)) {
      if (url.pathname.startsWith('/api/')) sendError(res, 403, { code: 'forbidden', message: FORBIDDEN_PAGE.trim() });
      else sendText(res, 403, FORBIDDEN_PAGE);
      return;
    }

    const api = /^\/api\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (api) {
      const [, first, second] = api;
      if (method === 'POST' && second === undefined) {
        const origin = req.headers.origin;
        if ((origin !== undefined && !origins.has(origin)) || req.headers['sec-fetch-site'] === 'cross-site') {
          sendError(res, 403, { code: 'forbidden', message: 'Requests from other sites are refused.', subject: origin ?? '' });
          return;
        }
        return serveOperation(opts.service, req, res, first);
      }
      if (method === 'GET' && first === 'events' && second === undefined) return serveEvents(opts.service, res, events);
      if (method === 'GET' && first === 'thumb' && second !== undefined) return serveThumbnail(opts.service, res, second, url.searchParams.get('size'));
      if (method === 'GET' && first === 'photo' && second !== undefined) return servePhoto(opts.service, res, second);
    }
    if (url.pathname.startsWith('/api/')) {
      sendError(res, 404, { code: 'not-found', message: `No ${method} ${url.pathname} here.`, subject: url.pathname });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed.\n', { Allow: 'GET, HEAD' });
      return;
    }
    const file = await resolveStaticFile(rendererRoot, url.pathname);
    if (!file) {
      sendText(res, 404, 'Not found.\n');
      return;
    }
    const body = await fs.promises.readFile(file);
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file),
      'Content-Length': body.length,
      // Vite names built assets by content hash; only the page itself must be fetched fresh.
      'Cache-Control': url.pathname.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : body);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, 500, { code: 'internal', message: errorMessage(err) }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new InputError(String(opts.port), `Port ${opts.port} is in use. Pick another with --port, or 0 for any free port.`) : err);
    });
    server.listen(opts.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  origins = allowedOrigins(hosts);
  const shownHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of events) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
