import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Sharp } from 'sharp';
import { InputError } from '../errors.ts';
import { asMediaError } from './decode-errors.ts';
import { openImage } from './decode.ts';

const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const MIN_SIZE = 16;
const MAX_SIZE = 4096;
const QUALITY = 82;

/**
 * The size of a grid cell's thumbnail (longest side, px): what the interface asks
 * for by default (server/media-routes.ts DEFAULT_THUMBNAIL_SIZE, electron/photo-urls.ts
 * DEFAULT_THUMB_SIZE), so the indexer makes this one while it has the photo decoded.
 */
export const GRID_THUMBNAIL_SIZE = 256;

/** The cache key of a photo's thumbnail: its content (hash) and size, so a moved photo keeps it and a changed one gets a new one. */
export function thumbnailKey(contentHash: string, size: number): string {
  return `${contentHash.slice(0, 16)}-${size}`;
}

function checkKeyAndSize(key: string, size: number): void {
  if (!KEY_PATTERN.test(key)) throw new InputError(key, 'a thumbnail key is 1 to 128 letters, digits, "-" or "_"');
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE)
    throw new InputError(String(size), `a thumbnail size is a whole number from ${MIN_SIZE} to ${MAX_SIZE}`);
}

/** Where the thumbnail of `key` at `size` lives under `cacheDir`, sharded so that no folder holds more than a few thousand files. */
export function thumbnailPath(cacheDir: string, key: string, size: number): string {
  checkKeyAndSize(key, size);
  return path.join(path.resolve(cacheDir), String(size), key.slice(0, 2), `${key}.jpg`);
}

/** The JPEG of `image` (oriented, 8-bit sRGB) with its longest side at `size` px, never enlarged. */
export function encodeThumbnail(image: Sharp, size: number): Promise<Buffer> {
  return image.resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: QUALITY }).toBuffer();
}

/**
 * Stores an encoded thumbnail under its key (atomically; kept when one is there
 * already) and returns its path.
 * @throws InputError for a bad key or size; the file system's error when it cannot be written
 */
export async function storeThumbnail(cacheDir: string, key: string, size: number, jpeg: Buffer): Promise<string> {
  const target = thumbnailPath(cacheDir, key, size);
  if (await exists(target)) return target;
  await fs.mkdir(path.dirname(target), { recursive: true });
  await writeAtomically(target, jpeg);
  return target;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Temp file, fsync, rename: a crash leaves either no thumbnail or a whole one, never a torn JPEG served forever. */
async function writeAtomically(target: string, bytes: Buffer): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/**
 * The path of a JPEG thumbnail of `file` (longest side `size`, never enlarged,
 * orientation applied) under `cacheDir`, made on first request and reused after.
 * `key` names the content (e.g. its hash), so a moved photo keeps its thumbnail
 * and a changed one gets a new key. Nothing is written next to the photo.
 */
export async function makeThumbnail(file: string, cacheDir: string, key: string, size: number): Promise<string> {
  const target = thumbnailPath(cacheDir, key, size);
  if (await exists(target)) return target;
  const opened = await openImage(file);
  let jpeg: Buffer;
  try {
    jpeg = await encodeThumbnail(opened.image, size);
  } catch (err) {
    throw asMediaError(file, err);
  }
  return storeThumbnail(cacheDir, key, size, jpeg);
}
