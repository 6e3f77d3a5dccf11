import { createHash } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import { InputError, MediaError } from '../errors.ts';
import { fsReason } from './fs-reason.ts';

const HEAD_BYTES = 1 << 20;
const TAIL_BYTES = 64 << 10;

async function readExactly(handle: FileHandle, file: string, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, filled, length - filled, position + filled));
    } catch (err) {
      throw new MediaError('file-unreadable', file, fsReason(err), { cause: err });
    }
    if (bytesRead === 0) throw new MediaError('file-unreadable', file, 'file changed while reading (shorter than its recorded size)');
    filled += bytesRead;
  }
  return buffer;
}

/**
 * Identifies a file's content cheaply enough to run on every new or changed file:
 * sha256 over the size, the first 1 MiB and the last 64 KiB (the whole file when it
 * is not larger than that). A photo moved or renamed keeps its hash, so its
 * embedding can be kept instead of recomputed.
 */
export async function contentHash(file: string, size: number): Promise<string> {
  if (!Number.isSafeInteger(size) || size < 0) throw new InputError(String(size), 'file size must be a non-negative integer');
  const hash = createHash('sha256');
  const sizeField = Buffer.alloc(8);
  sizeField.writeBigUInt64LE(BigInt(size));
  hash.update(sizeField);

  let handle: FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    throw new MediaError('file-unreadable', file, fsReason(err), { cause: err });
  }
  try {
    if (size <= HEAD_BYTES + TAIL_BYTES) {
      hash.update(await readExactly(handle, file, 0, size));
    } else {
      hash.update(await readExactly(handle, file, 0, HEAD_BYTES));
      hash.update(await readExactly(handle, file, size - TAIL_BYTES, TAIL_BYTES));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
