import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { asMediaError } from './decode-errors.ts';
import { openImage } from './decode.ts';

const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const MIN_SIZE = 16;
const MAX_SIZE = 4096;
const QUALITY = 82;

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
  if (!KEY_PATTERN.test(key)) throw new InputError(key, 'a thumbnail key is 1 to 128 letters, digits, "-" or "_"');
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE)
    throw new InputError(String(size), `a thumbnail size is a whole number from ${MIN_SIZE} to ${MAX_SIZE}`);
  // Sharded so that no cache folder holds more than a few thousand files in a large library.
  const dir = path.join(path.resolve(cacheDir), String(size), key.slice(0, 2));
  const target = path.join(dir, `${key}.jpg`);
  if (await exists(target)) return target;

  const opened = await openImage(file);
  let jpeg: Buffer;
  try {
    jpeg = await opened.image.resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: QUALITY }).toBuffer();
  } catch (err) {
    throw asMediaError(file, err);
  }
  await fs.mkdir(dir, { recursive: true });
  await writeAtomically(target, jpeg);
  return target;
}
