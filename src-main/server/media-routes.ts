import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { statusFor, toErrorBody } from '../core/api/dispatch.ts';
import { contentTypeFor } from './content-types.ts';
import type { ServedEngine } from './engine.ts';
import { sendError } from './respond.ts';

/** Sizes the interface asks for: grid cells, high-density cells, and the lightbox preview. */
export const THUMBNAIL_SIZES: readonly number[] = [128, 256, 512, 1024];
export const DEFAULT_THUMBNAIL_SIZE = 256;

/** A photo id as it appears in a URL: a positive decimal integer, nothing else. */
export function parsePhotoId(segment: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(segment)) return null;
  const id = Number(segment);
  return Number.isSafeInteger(id) ? id : null;
}

export function parseThumbnailSize(raw: string | null): number | null {
  if (raw === null) return DEFAULT_THUMBNAIL_SIZE;
  const size = Number(raw);
  return /^\d+$/.test(raw) && THUMBNAIL_SIZES.includes(size) ? size : null;
}

function notFound(res: ServerResponse, subject: string, message: string): void {
  sendError(res, 404, { code: 'not-found', message, subject });
}

/** Streams a file the engine named; the request only ever supplied an id. */
async function sendFile(res: ServerResponse, file: string, contentType: string, cacheControl: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r').catch(() => null);
  if (!handle) {
    notFound(res, file, 'The file is no longer there. Re-index its folder to update the library.');
    return;
  }
  const stat = await handle.stat();
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': stat.size,
    'Cache-Control': cacheControl,
    'Content-Disposition': 'inline',
  });
  const stream = handle.createReadStream();
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export async function serveThumbnail(engine: ServedEngine, res: ServerResponse, idSegment: string, sizeParam: string | null): Promise<void> {
  const id = parsePhotoId(idSegment);
  if (id === null) return notFound(res, idSegment, 'Photos are addressed by a numeric id.');
  const size = parseThumbnailSize(sizeParam);
  if (size === null) {
    sendError(res, 400, { code: 'invalid-input', message: `Thumbnail size must be one of ${THUMBNAIL_SIZES.join(', ')}.`, subject: sizeParam ?? '' });
    return;
  }
  let file: string;
  try {
    file = await engine.thumbnailFile(id, size);
  } catch (err) {
    const body = toErrorBody(err);
    sendError(res, statusFor(body), body);
    return;
  }
  // The thumbnail of an id changes only when its photo does, and then the id's cache key changes too.
  await sendFile(res, file, 'image/jpeg', 'private, max-age=3600');
}

export async function servePhoto(engine: ServedEngine, res: ServerResponse, idSegment: string): Promise<void> {
  const id = parsePhotoId(idSegment);
  if (id === null) return notFound(res, idSegment, 'Photos are addressed by a numeric id.');
  const file = engine.photoPath(id);
  if (!file) return notFound(res, String(id), `Photo ${id} is not in the library.`);
  await sendFile(res, file, contentTypeFor(file), 'private, no-cache');
}
