import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { statusFor, toErrorBody } from '../core/api/dispatch.ts';
import { contentTypeFor } from './content-types.ts';
import type { ServedEngine } from './engine.ts';
import { openIndexedFile, pathOfOpenFile } from './indexed-file.ts';
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

const CHANGED =
  'is not the file that was indexed any more (it was changed, moved, replaced or is outside the library folders). Update the index to show it again.';

/**
 * Streams an open file and closes it when the response ends, fails or the client
 * goes away: an abandoned download must not hold the file open until garbage collection.
 */
async function sendHandle(res: ServerResponse, handle: FileHandle, contentType: string, cacheControl: string): Promise<void> {
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': size,
    'Cache-Control': cacheControl,
    // A copy cached for a request with the token must never answer one without it.
    Vary: 'X-Photo-Search-Token',
    'Content-Disposition': 'inline',
  });
  // pipeline destroys the file stream (autoClose closes the handle) when `res` closes early.
  await pipeline(handle.createReadStream({ autoClose: true }), res).catch(() => res.destroy());
}

export async function serveThumbnail(engine: ServedEngine, res: ServerResponse, idSegment: string, sizeParam: string | null): Promise<void> {
  const id = parsePhotoId(idSegment);
  if (id === null) return notFound(res, idSegment, 'Photos are addressed by a numeric id.');
  const size = parseThumbnailSize(sizeParam);
  if (size === null) {
    sendError(res, 400, { code: 'invalid-input', message: `Thumbnail size must be one of ${THUMBNAIL_SIZES.join(', ')}.`, subject: sizeParam ?? '' });
    return;
  }
  const indexed = engine.indexedFile(id);
  if (!indexed) return notFound(res, String(id), `Photo ${id} is not in the library.`);
  const photo = await openIndexedFile(indexed);
  if (!photo) return notFound(res, String(id), `Photo ${id} ${CHANGED}`);
  let thumbnail: string;
  try {
    // The thumbnail is made from the checked, open file, never from a name that may point elsewhere by now.
    thumbnail = await engine.thumbnailFile(id, size, (await pathOfOpenFile(photo)) ?? undefined);
  } catch (err) {
    const body = toErrorBody(err);
    sendError(res, statusFor(body), body);
    return;
  } finally {
    await photo.close();
  }
  const handle = await fs.promises.open(thumbnail, 'r').catch(() => null);
  if (!handle) return notFound(res, String(id), `The thumbnail of photo ${id} is missing from the cache; ask again to make it anew.`);
  // The thumbnail of an id changes only when its photo does, and then the id's cache key changes too.
  await sendHandle(res, handle, 'image/jpeg', 'private, max-age=3600');
}

export async function servePhoto(engine: ServedEngine, res: ServerResponse, idSegment: string): Promise<void> {
  const id = parsePhotoId(idSegment);
  if (id === null) return notFound(res, idSegment, 'Photos are addressed by a numeric id.');
  const indexed = engine.indexedFile(id);
  if (!indexed) return notFound(res, String(id), `Photo ${id} is not in the library.`);
  const handle = await openIndexedFile(indexed);
  if (!handle) return notFound(res, String(id), `Photo ${id} ${CHANGED}`);
  await sendHandle(res, handle, contentTypeFor(indexed.path), 'private, no-cache');
}
