import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../core/api/errors.ts';
import { serveOperation } from './api-route.ts';
import { contentTypeFor } from './content-types.ts';
import type { ServedEngine } from './engine.ts';
import { serveEvents } from './events-route.ts';
import { servePhoto, serveThumbnail } from './media-routes.ts';
import { sendError, sendText } from './respond.ts';
import { MEDIA_KEY_PARAM, requestToken, setSecurityHeaders, tokensEqual } from './security.ts';
import { resolveStaticFile } from './static-files.ts';

export interface HandlerContext {
  engine: ServedEngine;
  /** Real path of the built renderer. */
  rendererRoot: string;
  token: string;
  /** Opens photos and thumbnails only (see mediaKey). */
  mediaKey: string;
  /** Host header values this server answers to. */
  hosts: Set<string>;
  /** Origins allowed to POST. */
  origins: Set<string>;
  /** Open event streams, ended when the server stops. */
  eventStreams: Set<ServerResponse>;
}

const FORBIDDEN =
  'This request does not carry the access token of this photo-search server. Open the page that `photo-search serve` printed, or start it with --open.';

const API_PATH = /^\/api\/([^/]+)(?:\/([^/]+))?$/;
/** What an <img> asks for: these take the media key instead of the token header. */
const MEDIA_PATH = /^\/api\/(?:thumb|photo)\/[^/]+$/;

export function createRequestHandler(ctx: HandlerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((err: unknown) => sendError(res, 500, { code: 'internal', message: errorMessage(err) }));
  };
}

async function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  setSecurityHeaders(res);
  const url = addressedHere(ctx, req, res);
  if (!url) return;
  const method = req.method ?? 'GET';
  if (url.pathname.startsWith('/api/')) {
    if (!authorised(ctx, req, url, method)) {
      sendError(res, 403, { code: 'forbidden', message: FORBIDDEN });
      return;
    }
    return routeApi(ctx, req, res, url, method);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed.\n', { Allow: 'GET, HEAD' });
    return;
  }
  // The page and its assets hold no library data: they are served without the token,
  // which the page then reads from its own address fragment (never sent to a server).
  return serveStatic(ctx, res, url, method);
}

/**
 * Lets a request through only when it is addressed to this server by a loopback
 * name (DNS rebinding). Returns the parsed URL, or null when the response has been sent.
 */
function addressedHere(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): URL | null {
  if (!ctx.hosts.has(req.headers.host ?? '')) {
    sendText(res, 403, 'This server only answers requests addressed to 127.0.0.1 or localhost.\n');
    return null;
  }
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host}`);
  } catch {
    sendText(res, 400, 'Bad request.\n');
    return null;
  }
}

/** The token header for everything; for images, alternatively the media key in the query. Cookies never count. */
function authorised(ctx: HandlerContext, req: IncomingMessage, url: URL, method: string): boolean {
  if (tokensEqual(requestToken(req), ctx.token)) return true;
  return method === 'GET' && MEDIA_PATH.test(url.pathname) && tokensEqual(url.searchParams.get(MEDIA_KEY_PARAM), ctx.mediaKey);
}

async function routeApi(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
  const [, first, second] = API_PATH.exec(url.pathname) ?? [];
  if (method === 'POST' && first !== undefined && second === undefined) {
    const origin = req.headers.origin;
    if ((origin !== undefined && !ctx.origins.has(origin)) || req.headers['sec-fetch-site'] === 'cross-site') {
      sendError(res, 403, { code: 'forbidden', message: 'Requests from other sites are refused.', subject: origin ?? '' });
      return;
    }
    return serveOperation(ctx.engine, req, res, first);
  }
  if (method === 'GET' && first === 'events' && second === undefined) return serveEvents(ctx.engine, res, ctx.eventStreams);
  if (method === 'GET' && first === 'thumb' && second !== undefined) return serveThumbnail(ctx.engine, res, second, url.searchParams.get('size'));
  if (method === 'GET' && first === 'photo' && second !== undefined) return servePhoto(ctx.engine, res, second);
  sendError(res, 404, { code: 'not-found', message: `No ${method} ${url.pathname} here.`, subject: url.pathname });
}

async function serveStatic(ctx: HandlerContext, res: ServerResponse, url: URL, method: string): Promise<void> {
  const file = await resolveStaticFile(ctx.rendererRoot, url.pathname);
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
}
