import fs from 'node:fs';
import { LibraryError, errorMessage } from '../errors.ts';
import { scanHnswFile } from '../vectors/hnsw-file.ts';
import { readSidecar } from '../vectors/hnsw-sidecar.ts';
import { rowDot } from '../vectors/math.ts';
import type { NeighbourGraph } from './neighbour-graph.ts';

/**
 * The bottom layer of a saved HNSW index (hnswlib's saveIndex layout, checked by
 * vectors/hnsw-file.ts): every element's vector and its links to up to 2M of its
 * nearest neighbours, chosen by hnswlib's heuristic so that each keeps its nearest
 * one and neighbours in every direction. Reading it gives the neighbours of every
 * photo in one sequential read, where asking the graph would cost a search per photo.
 *
 * Each element of the level-0 block is: a uint32 whose low 16 bits count its links
 * and whose byte 2 holds the delete mark (hnswalg.h getListCount, isMarkedDeleted),
 * maxM0 uint32 links (internal element numbers), the float32 vector, then the uint64
 * label (our photo id).
 */
const HEADER_BYTES = 96;
const DELETE_MARK = 0x01;

/** What the store holds for the model (store/embeddings.ts ModelStamp). */
export interface SavedGraphStamp {
  count: number;
  digest: number;
}

/**
 * Reads the bottom layer of the index saved at `file` when its sidecar says it holds
 * exactly `expected` (the store's count and digest of the model's vectors) and the
 * file matches the checksum the sidecar recorded; null when it does not (the caller
 * saves the index first, or asks the live graph instead).
 * Memory: the level-0 block, about (4 + 8M + 4 D + 8) bytes per photo (230 MB for
 * 100,000 photos of 512 values at M 32).
 * @throws LibraryError when the file cannot be read
 */
export function readSavedGraph(file: string, dim: number, expected: SavedGraphStamp): NeighbourGraph | null {
  const sidecar = readSidecar(file);
  if (!sidecar.ok || sidecar.sidecar.stamp.dim !== dim) return null;
  const { stamp } = sidecar.sidecar;
  const live = stamp.count;
  if (live !== expected.count || stamp.digest !== expected.digest) return null;
  let fd: number;
  try {
    if (!fs.existsSync(file)) return null;
    const scan = scanHnswFile(file, dim);
    if (!scan.ok || scan.info.crc32 !== sidecar.sidecar.crc32 || scan.info.bytes !== sidecar.sidecar.bytes) return null;
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new LibraryError('library-invalid', file, `Cannot read the search index ${file}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    readFully(fd, header, 0);
    const elements = Number(header.readBigUInt64LE(16));
    const bytesPerElement = Number(header.readBigUInt64LE(24));
    const labelOffset = Number(header.readBigUInt64LE(32));
    const dataOffset = Number(header.readBigUInt64LE(40));
    const maxM0 = Number(header.readBigUInt64LE(64));
    // One buffer of our own, so that typed views over it start aligned.
    const block = new ArrayBuffer(elements * bytesPerElement);
    readFully(fd, new Uint8Array(block), HEADER_BYTES);
    return blockGraph(block, { elements, bytesPerElement, labelOffset, dataOffset, maxM0, dim });
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, Math.min(into.length - done, 1 << 30), position + done);
    if (n === 0) throw new Error('file ended while reading');
    done += n;
  }
}

interface Layout {
  elements: number;
  bytesPerElement: number;
  labelOffset: number;
  dataOffset: number;
  maxM0: number;
  dim: number;
}

function blockGraph(block: ArrayBuffer, l: Layout): NeighbourGraph {
  const words = new Uint32Array(block);
  const floats = new Float32Array(block);
  const bytes = new Uint8Array(block);
  const stride = l.bytesPerElement / 4;
  const dataAt = l.dataOffset / 4;
  const labelAt = l.labelOffset / 4;
  const dim = l.dim;
  return {
    size: l.elements,
    dim,
    id: (row) => words[row * stride + labelAt] + words[row * stride + labelAt + 1] * 2 ** 32,
    live: (row) => (bytes[row * l.bytesPerElement + 2] & DELETE_MARK) === 0,
    neighbours: (row) => {
      const count = words[row * stride] & 0xffff;
      return words.subarray(row * stride + 1, row * stride + 1 + Math.min(count, l.maxM0));
    },
    similarity: (a, b) => rowDot(floats, a * stride + dataAt, floats, b * stride + dataAt, dim),
    vector: (row) => floats.subarray(row * stride + dataAt, row * stride + dataAt + dim),
  };
}
