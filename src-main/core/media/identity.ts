import { createHash, type Hash, webcrypto as crypto } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import { InputError, MediaError } from '../errors.ts';
import { fsReason } from './fs-reason.ts';
import { fsPath } from './path-key.ts';

const HEAD_BYTES = 1 << 20;
const TAIL_BYTES = 64 << 10;
const CHUNK_BYTES = 1 << 20;

/**
 * What identifies a file's content:
 * - `hash`: sha256 of every byte (hex), the identity. Two files share it only when
 *   their content is the same, so an embedding is reused on it alone.
 * - `quickHash`: sha256 over the size, the first 1 MiB and the last 64 KiB (the
 *   whole file when it is not larger), as rclip does. Cheap, and only a hint:
 *   scans with the same margins share it. It finds the candidates for a move or a
 *   copy, which the full hash then confirms.
 */
export interface ContentIdentity {
  hash: string;
  quickHash: string;
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new InputError(String(size), 'file size must be a non-negative integer');
}

function sizeField(size: number): Buffer {
  const field = Buffer.alloc(8);
  field.writeBigUInt64LE(BigInt(size));
  return field;
}

function hex(digest: ArrayBuffer): string {
  return Buffer.from(digest).toString('hex');
}

/**
 * Both hashes of bytes already in memory (a photo read whole for decoding). WebCrypto
 * hashes on libuv's thread pool, so hashing a large photo does not hold up the
 * JavaScript thread that feeds the model.
 */
export async function identityOfBytes(bytes: Uint8Array): Promise<ContentIdentity> {
  const sampled =
    bytes.length <= HEAD_BYTES + TAIL_BYTES
      ? Buffer.concat([sizeField(bytes.length), bytes])
      : Buffer.concat([sizeField(bytes.length), bytes.subarray(0, HEAD_BYTES), bytes.subarray(bytes.length - TAIL_BYTES)]);
  const [hash, quickHash] = await Promise.all([crypto.subtle.digest('SHA-256', bytes), crypto.subtle.digest('SHA-256', sampled)]);
  return { hash: hex(hash), quickHash: hex(quickHash) };
}

async function openForHash(file: string): Promise<FileHandle> {
  try {
    return await fs.open(fsPath(file), 'r');
  } catch (err) {
    throw new MediaError('file-unreadable', file, fsReason(err), { cause: err });
  }
}

async function readInto(handle: FileHandle, file: string, buffer: Buffer, length: number, position: number): Promise<number> {
  try {
    return (await handle.read(buffer, 0, length, position)).bytesRead;
  } catch (err) {
    throw new MediaError('file-unreadable', file, fsReason(err), { cause: err });
  }
}

async function readExactly(handle: FileHandle, file: string, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = await readInto(handle, file, buffer.subarray(filled), length - filled, position + filled);
    if (bytesRead === 0) throw new MediaError('file-unreadable', file, 'file changed while reading (shorter than its recorded size)');
    filled += bytesRead;
  }
  return buffer;
}

/** Feeds `size` bytes from `position` to every hash, in chunks, so a large file never sits in memory. */
async function streamInto(handle: FileHandle, file: string, position: number, size: number, hashes: Hash[]): Promise<void> {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, size)));
  for (let done = 0; done < size;) {
    const bytesRead = await readInto(handle, file, chunk, Math.min(chunk.length, size - done), position + done);
    if (bytesRead === 0) throw new MediaError('file-unreadable', file, 'file changed while reading (shorter than its recorded size)');
    for (const h of hashes) h.update(chunk.subarray(0, bytesRead));
    done += bytesRead;
  }
}

/**
 * The quick hash of the file whose key is `file` (see ContentIdentity), reading at
 * most 1 MiB + 64 KiB. Throws MediaError 'file-unreadable' when the file cannot be
 * opened or is shorter than `size` bytes.
 */
export async function quickHash(file: string, size: number): Promise<string> {
  checkSize(size);
  const hash = createHash('sha256').update(sizeField(size));
  const handle = await openForHash(file);
  try {
    if (size <= HEAD_BYTES + TAIL_BYTES) hash.update(await readExactly(handle, file, 0, size));
    else {
      hash.update(await readExactly(handle, file, 0, HEAD_BYTES));
      hash.update(await readExactly(handle, file, size - TAIL_BYTES, TAIL_BYTES));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/**
 * Both hashes of the first `size` bytes of the file whose key is `file`, reading
 * it once in 1 MiB chunks. Throws MediaError 'file-unreadable' when the file cannot
 * be opened or read, is shorter than `size`, or has grown past it (it is being
 * written: its identity is not settled yet).
 */
export async function contentIdentity(file: string, size: number): Promise<ContentIdentity> {
  checkSize(size);
  const full = createHash('sha256');
  const quick = createHash('sha256').update(sizeField(size));
  const handle = await openForHash(file);
  try {
    if (size <= HEAD_BYTES + TAIL_BYTES) await streamInto(handle, file, 0, size, [full, quick]);
    else {
      await streamInto(handle, file, 0, HEAD_BYTES, [full, quick]);
      await streamInto(handle, file, HEAD_BYTES, size - HEAD_BYTES - TAIL_BYTES, [full]);
      await streamInto(handle, file, size - TAIL_BYTES, TAIL_BYTES, [full, quick]);
    }
    if ((await readInto(handle, file, Buffer.allocUnsafe(1), 1, size)) !== 0)
      throw new MediaError('file-unreadable', file, 'file changed while reading (longer than its recorded size)');
  } finally {
    await handle.close();
  }
  return { hash: full.digest('hex'), quickHash: quick.digest('hex') };
}

/** The full-content hash of a file (see ContentIdentity); throws like contentIdentity. */
export async function contentHash(file: string, size: number): Promise<string> {
  return (await contentIdentity(file, size)).hash;
}
