import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { z } from 'zod';
import { LibraryError, errorMessage } from '../errors.ts';
import { commitTempFile, removeAbandonedTempFiles, tempPathFor } from './atomic-file.ts';
import { addDigest } from './digest.ts';
import { HalfMatrix } from './half-matrix.ts';
import type { IndexStamp } from './hnsw-index.ts';

/**
 * A model's vectors as the scan kernel holds them (half-matrix.ts), saved next to its
 * HNSW index so that a new process can score the library as soon as it has read one
 * file: `<index>.vectors`. Like the index it is a cache of the store, trusted only
 * when its stamp says it holds exactly the store's vectors.
 *
 * Layout: "PSVEC\0\0\x01", the byte length of a JSON header (uint32 LE), the header
 * ({ format, stamp, count, crc32 }) padded with spaces to a multiple of 8 bytes, the
 * ids (float64 LE, row order), each row's pair digest (float64 LE, digest.ts: what the
 * index must know of each vector to catch up with the store, so that opening reads no
 * row of SQLite), then the rows (float16 LE, `dim` rounded up to a multiple of 8 per
 * row). The CRC-32 covers the ids, the digests and the rows.
 */
export const VECTOR_FILE_FORMAT = 2;
const MAGIC = Buffer.from('PSVEC\0\0\x01', 'latin1');
const HEAD_BYTES = MAGIC.length + 4;
const CHUNK_BYTES = 8 << 20;

const headerSchema = z.object({
  format: z.literal(VECTOR_FILE_FORMAT),
  stamp: z.object({
    library: z.string(),
    modelId: z.string(),
    dim: z.number().int().positive(),
    count: z.number().int().nonnegative(),
    generation: z.number().int().nonnegative(),
    digest: z.number().int().nonnegative(),
  }),
  count: z.number().int().nonnegative(),
  crc32: z.number().int().nonnegative(),
});

export function vectorFilePath(indexFile: string): string {
  return `${indexFile.replace(/\.hnsw$/, '')}.vectors`;
}

function sameStamp(a: IndexStamp, b: IndexStamp): boolean {
  return a.library === b.library && a.modelId === b.modelId && a.dim === b.dim && a.count === b.count && a.generation === b.generation && a.digest === b.digest;
}

/**
 * Writes `matrix` atomically (temp file, fsync, rename) with the stamp of what it
 * holds and each vector's pair digest (`digests`, by id).
 * @throws LibraryError when the file cannot be written
 */
export function saveVectorFile(file: string, matrix: HalfMatrix, stamp: IndexStamp, digests: ReadonlyMap<number, number>): void {
  const ids = matrix.idsView();
  const rows = matrix.rowBytesView();
  const idBytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  const pairs = Float64Array.from(ids, (id) => digests.get(id) ?? Number.NaN);
  const digestBytes = new Uint8Array(pairs.buffer);
  const crc32 = zlib.crc32(rows, zlib.crc32(digestBytes, zlib.crc32(idBytes))) >>> 0;
  let json = JSON.stringify({ format: VECTOR_FILE_FORMAT, stamp, count: matrix.size, crc32 });
  json = json.padEnd(Math.ceil((json.length + HEAD_BYTES) / 8) * 8 - HEAD_BYTES, ' ');
  const head = Buffer.alloc(HEAD_BYTES);
  MAGIC.copy(head);
  head.writeUInt32LE(Buffer.byteLength(json), MAGIC.length);
  const tmp = tempPathFor(file);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const part of [head, Buffer.from(json, 'latin1'), idBytes, digestBytes, rows]) {
        for (let done = 0; done < part.byteLength;) done += fs.writeSync(fd, part, done, part.byteLength - done);
      }
    } finally {
      fs.closeSync(fd);
    }
    commitTempFile(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new LibraryError('library-invalid', file, `Cannot save the vectors ${file}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The saved vectors and their pair digests by id, or why they cannot be used ('missing', 'stale: ...', 'unreadable: ...'). */
export type LoadedVectors = { matrix: HalfMatrix; digests: Map<number, number> } | { reason: string };

/** Where the parts of a file whose head checked out lie, and the matrix to read its rows into. */
interface Plan {
  header: z.infer<typeof headerSchema>;
  matrix: HalfMatrix;
  ids: Float64Array;
  digests: Float64Array;
  idsAt: number;
  digestsAt: number;
  rowsAt: number;
}

/** The JSON header's length from the first bytes, or why the file is not ours. */
function headerLength(head: Buffer, size: number): number | { reason: string } {
  if (!head.subarray(0, MAGIC.length).equals(MAGIC)) return { reason: 'unreadable: not a vector file of this format' };
  const jsonBytes = head.readUInt32LE(MAGIC.length);
  if (jsonBytes > 4096 || HEAD_BYTES + jsonBytes > size) return { reason: 'unreadable: implausible header' };
  return jsonBytes;
}

function plan(json: Buffer, size: number, expected: IndexStamp): Plan | { reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json.toString('latin1'));
  } catch {
    return { reason: 'unreadable: header is not JSON' };
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) return { reason: `unreadable: header: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const header = parsed.data;
  if (!sameStamp(header.stamp, expected)) return { reason: 'stale: saved for another state of the library' };
  const matrix = new HalfMatrix(expected.dim, Math.max(1, header.count));
  const idsAt = HEAD_BYTES + json.length;
  const digestsAt = idsAt + header.count * 8;
  const rowsAt = digestsAt + header.count * 8;
  const end = rowsAt + header.count * matrix.rowBytes;
  if (size !== end) return { reason: `unreadable: ${size} bytes where ${end} were expected` };
  return { header, matrix, ids: new Float64Array(header.count), digests: new Float64Array(header.count), idsAt, digestsAt, rowsAt };
}

/** The CRC-32 of the ids, digests and rows, fed chunk by chunk in file order as they are read. */
class RunningCrc {
  value = 0;
  readonly add = (chunk: Uint8Array): void => {
    this.value = zlib.crc32(chunk, this.value);
  };
}

function finish(p: Plan, crc: RunningCrc): LoadedVectors {
  if (crc.value >>> 0 !== p.header.crc32) return { reason: 'unreadable: checksum differs' };
  let sum = 0;
  const digests = new Map<number, number>();
  for (let i = 0; i < p.ids.length; i++) {
    sum = addDigest(sum, p.digests[i]);
    digests.set(p.ids[i], p.digests[i]);
  }
  // The digests are trusted only when they add up to what the store says the vectors hold.
  if (sum !== p.header.stamp.digest) return { reason: "stale: its vector digests do not add up to the library's" };
  p.matrix.commit(p.ids);
  return { matrix: p.matrix, digests };
}

function openError(err: unknown): LoadedVectors {
  return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable: ${errorMessage(err)}` };
}

/**
 * Reads the vectors saved at `file` if their stamp is `expected` and their checksum
 * holds, in chunks read straight into the matrix's memory, without blocking the event
 * loop. Never throws for a bad or missing file: it says why instead.
 */
export async function loadVectorFile(file: string, expected: IndexStamp): Promise<LoadedVectors> {
  removeAbandonedTempFiles(file);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    return openError(err);
  }
  try {
    const size = (await handle.stat()).size;
    // Each chunk is checksummed while the next one is read: at 1,000,000 photos the two took 0.5 s and 0.3 s one after the other.
    const read = async (target: Uint8Array, position: number, onChunk?: (chunk: Uint8Array) => void): Promise<void> => {
      let previous: Uint8Array | null = null;
      for (let done = 0; done < target.byteLength;) {
        const reading = handle.read(target, done, Math.min(CHUNK_BYTES, target.byteLength - done), position + done);
        if (previous) onChunk?.(previous);
        const { bytesRead } = await reading;
        if (bytesRead === 0) throw new Error('the file ended early');
        previous = target.subarray(done, done + bytesRead);
        done += bytesRead;
      }
      if (previous) onChunk?.(previous);
    };
    if (size < HEAD_BYTES) return { reason: `unreadable: only ${size} bytes` };
    const head = Buffer.alloc(HEAD_BYTES);
    await read(head, 0);
    const jsonBytes = headerLength(head, size);
    if (typeof jsonBytes !== 'number') return jsonBytes;
    const json = Buffer.alloc(jsonBytes);
    await read(json, HEAD_BYTES);
    const p = plan(json, size, expected);
    if ('reason' in p) return p;
    const crc = new RunningCrc();
    await read(new Uint8Array(p.ids.buffer), p.idsAt, crc.add);
    await read(new Uint8Array(p.digests.buffer), p.digestsAt, crc.add);
    await read(p.matrix.reserve(p.header.count), p.rowsAt, crc.add);
    return finish(p, crc);
  } catch (err) {
    return { reason: `unreadable: ${errorMessage(err)}` };
  } finally {
    await handle.close();
  }
}

/** loadVectorFile, blocking: for callers that need the vectors before they return. */
export function loadVectorFileSync(file: string, expected: IndexStamp): LoadedVectors {
  removeAbandonedTempFiles(file);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    return openError(err);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const read = (target: Uint8Array, position: number, onChunk?: (chunk: Uint8Array) => void): void => {
      for (let done = 0; done < target.byteLength;) {
        const n = fs.readSync(fd, target, done, Math.min(CHUNK_BYTES, target.byteLength - done), position + done);
        if (n === 0) throw new Error('the file ended early');
        onChunk?.(target.subarray(done, done + n));
        done += n;
      }
    };
    if (size < HEAD_BYTES) return { reason: `unreadable: only ${size} bytes` };
    const head = Buffer.alloc(HEAD_BYTES);
    read(head, 0);
    const jsonBytes = headerLength(head, size);
    if (typeof jsonBytes !== 'number') return jsonBytes;
    const json = Buffer.alloc(jsonBytes);
    read(json, HEAD_BYTES);
    const p = plan(json, size, expected);
    if ('reason' in p) return p;
    const crc = new RunningCrc();
    read(new Uint8Array(p.ids.buffer), p.idsAt, crc.add);
    read(new Uint8Array(p.digests.buffer), p.digestsAt, crc.add);
    read(p.matrix.reserve(p.header.count), p.rowsAt, crc.add);
    return finish(p, crc);
  } catch (err) {
    return { reason: `unreadable: ${errorMessage(err)}` };
  } finally {
    fs.closeSync(fd);
  }
}
