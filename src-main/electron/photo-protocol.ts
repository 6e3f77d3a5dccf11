/**
 * photo://thumb/<id>?size=<px> and photo://full/<id>: how the window shows
 * photos without ever holding a file path. The URL names a photo by id; the
 * engine resolves ids it indexed itself, and anything else is refused.
 */
import { errorMessage } from '../core/api/errors.ts';
import { DEFAULT_THUMB_SIZE, PHOTO_SCHEME } from './photo-urls.ts';
import { shellErrorBody } from './shell-errors.ts';

export const MIN_THUMB_SIZE = 16;
export const MAX_THUMB_SIZE = 1024;

export type PhotoRequest = { kind: 'thumb'; id: number; size: number } | { kind: 'full'; id: number };

export type PhotoUrlCheck = { ok: true; request: PhotoRequest } | { ok: false; status: 400 | 404; reason: string };

const idPath = /^\/([1-9][0-9]{0,15})$/;
const sizeValue = /^[1-9][0-9]{0,3}$/;

/** Checks a photo:// URL against the only two shapes it may have. Pure: no engine, no files. */
export function parsePhotoUrl(raw: string): PhotoUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${PHOTO_SCHEME}:`) return { ok: false, status: 400, reason: `not a ${PHOTO_SCHEME}: URL` };
  if (url.username || url.password || url.port) return { ok: false, status: 400, reason: 'credentials and ports are not part of a photo URL' };
  if (url.host !== 'thumb' && url.host !== 'full') return { ok: false, status: 404, reason: `unknown photo URL kind "${url.host}"` };
  // The parser already resolved dot segments; the raw text is checked too so an
  // encoded or backslashed traversal is refused rather than silently rewritten.
  const rawPath = raw.split(/[?#]/)[0] ?? '';
  if (/%|\\/.test(raw) || /\/\.\.?(\/|$)/.test(rawPath)) return { ok: false, status: 400, reason: 'the path must be a photo id' };
  const match = idPath.exec(url.pathname);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id)) return { ok: false, status: 400, reason: 'the path must be a photo id' };
  const params = [...url.searchParams.keys()];
  if (url.host === 'full') {
    if (params.length > 0) return { ok: false, status: 400, reason: 'a full photo URL takes no parameters' };
    return { ok: true, request: { kind: 'full', id } };
  }
  if (params.some((name) => name !== 'size') || url.searchParams.getAll('size').length > 1) {
    return { ok: false, status: 400, reason: 'a thumbnail URL takes one parameter, size' };
  }
  const sizeText = url.searchParams.get('size');
  if (sizeText === null) return { ok: true, request: { kind: 'thumb', id, size: DEFAULT_THUMB_SIZE } };
  const size = sizeValue.test(sizeText) ? Number(sizeText) : NaN;
  if (!(size >= MIN_THUMB_SIZE && size <= MAX_THUMB_SIZE)) {
    return { ok: false, status: 400, reason: `size must be a whole number of pixels from ${MIN_THUMB_SIZE} to ${MAX_THUMB_SIZE}` };
  }
  return { ok: true, request: { kind: 'thumb', id, size } };
}

export interface PhotoSource {
  /** The cached thumbnail file; rejects with a not-found error body for an unknown id. */
  thumbnailFile(id: number, size: number): Promise<string>;
  photoPath(id: number): Promise<string | null>;
  /** Streams a file the engine named (Electron: net.fetch of its file: URL). */
  serveFile(file: string): Promise<Response>;
  log(message: string): void;
}

const textHeaders = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };

/** The protocol handler: parse, resolve by id through the engine, serve the file. */
export function createPhotoHandler(source: PhotoSource): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: textHeaders });
    const check = parsePhotoUrl(request.url);
    if (!check.ok) {
      source.log(`Refused ${request.url}: ${check.reason}`);
      return new Response(check.reason, { status: check.status, headers: textHeaders });
    }
    const { request: wanted } = check;
    try {
      const file = wanted.kind === 'thumb' ? await source.thumbnailFile(wanted.id, wanted.size) : await source.photoPath(wanted.id);
      if (!file) return new Response(`Photo ${wanted.id} is not in the library`, { status: 404, headers: textHeaders });
      return await source.serveFile(file);
    } catch (err) {
      if (shellErrorBody(err).code === 'not-found') return new Response(`Photo ${wanted.id} is not in the library`, { status: 404, headers: textHeaders });
      source.log(`Serving ${request.url} failed: ${errorMessage(err)}`);
      return new Response('The photo could not be read', { status: 500, headers: textHeaders });
    }
  };
}
