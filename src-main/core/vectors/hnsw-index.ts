import fs from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { InputError, LibraryError, errorMessage } from '../errors.ts';
import { commitTempFile, removeAbandonedTempFiles, tempPathFor } from './atomic-file.ts';
import type { ScoredId } from './exact.ts';
import { scanHnswFile, scanHnswFileAsync, type HnswFileScan } from './hnsw-file.ts';
import { INDEX_FORMAT_VERSION, readSidecar, sidecarPath, writeSidecar, type Sidecar } from './hnsw-sidecar.ts';

/**
 * Graph degree and build effort. At M 16 about 1% of a clustered million-photo
 * library could not be reached by text queries however wide the search (recall@10
 * 0.96); a denser graph keeps them reachable, at the cost of a slower rebuild.
 */
export const HNSW_M = 32;
export const HNSW_EF_CONSTRUCTION = 200;
/** Fixed so that the same vectors added in the same order give the same graph, hence the same results. */
export const HNSW_SEED = 100;
/** Search breadth is max(k * EF_SEARCH_FACTOR, EF_SEARCH_MIN) unless tuned on the instance. */
export const EF_SEARCH_MIN = 64;
export const EF_SEARCH_FACTOR = 2;

const INITIAL_CAPACITY = 1024;
/** hnswlib-node passes labels through a uint32. */
const MAX_ID = 2 ** 32 - 1;

type NativeIndex = InstanceType<typeof hnswlib.HierarchicalNSW>;

/**
 * What an index holds, as the store describes it (store/embeddings.ts ModelStamp):
 * a saved index is trusted only when its stamp says it holds exactly what the
 * library holds now.
 */
export interface IndexStamp {
  /** Identity of the library the vectors belong to, made when the library was created. */
  library: string;
  modelId: string;
  dim: number;
  count: number;
  /** The store's change counter for the model when the index was known to hold exactly its vectors. */
  generation: number;
  /** Digest of the (id, vector) pairs the index holds (digest.ts). */
  digest: number;
}

export interface OpenResult {
  index: HnswIndex;
  rebuilt: boolean;
  /** Why it was rebuilt: 'missing', 'stale: ...', 'behind: ...' or 'unreadable: ...'. */
  reason?: string;
  /** The stamp of the saved index that was not used, when its sidecar could be read. */
  saved?: IndexStamp;
}

/** A saved index that may be used, or why not (and the stamp it carries, when readable). */
export type Loaded = { index: HnswIndex } | { reason: string; saved: IndexStamp | null };

function stampDifference(saved: IndexStamp, expected: IndexStamp): string | null {
  if (saved.library !== expected.library) return `stale: built for another library (${saved.library}, this one is ${expected.library})`;
  if (saved.modelId !== expected.modelId) return `stale: built for model ${saved.modelId}, expected ${expected.modelId}`;
  if (saved.dim !== expected.dim) return `stale: dimension ${saved.dim}, expected ${expected.dim}`;
  if (saved.generation > expected.generation) {
    return `behind: saved at change ${saved.generation} with ${saved.count} vectors, the library is at change ${expected.generation} with ${expected.count}`;
  }
  if (saved.count !== expected.count || saved.digest !== expected.digest) {
    return `stale: holds other photos or vectors than the library (${saved.count} saved, ${expected.count} in the library)`;
  }
  return null;
}

/** The saved sidecar when it vouches for `expected`, else why not. */
function checkSidecar(file: string, expected: IndexStamp): { sidecar: Sidecar } | { reason: string; saved: IndexStamp | null } {
  if (!fs.existsSync(file)) return { reason: 'missing', saved: null };
  const read = readSidecar(file);
  if (!read.ok) return { reason: `${read.stale ? 'stale' : 'unreadable'}: ${read.why}`, saved: null };
  const difference = stampDifference(read.sidecar.stamp, expected);
  if (difference !== null) return { reason: difference, saved: read.sidecar.stamp };
  return { sidecar: read.sidecar };
}

/** Why a checked file does not hold what its sidecar says, or null when it does. */
function scanProblem(scan: HnswFileScan, sidecar: Sidecar, expected: IndexStamp): string | null {
  if (!scan.ok) return `unreadable: ${scan.why}`;
  if (scan.info.bytes === 0 || scan.info.bytes !== sidecar.bytes) return `unreadable: ${scan.info.bytes} bytes, sidecar says ${sidecar.bytes}`;
  if (scan.info.crc32 !== sidecar.crc32) return 'unreadable: checksum differs from the sidecar';
  const live = scan.info.elements - sidecar.deleted.length;
  if (live !== expected.count) return `stale: index holds ${live} vectors, library has ${expected.count}`;
  return null;
}

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new InputError(String(id), `Vector ids must be integers from 0 to ${MAX_ID}.`);
  }
}

/**
 * Approximate nearest-neighbour search over one model's embeddings (cosine), backed
 * by hnswlib. It is a cache of the store: `open` trusts a saved file only when it
 * provably matches what the store holds, and otherwise rebuilds it from the store.
 *
 * Removal marks a tombstone: the slot stays in the graph (and in saved files) until
 * the index is rebuilt, so `deletedCount` tells the owner when a rebuild would pay.
 */
export class HnswIndex {
  /** Lower bound of the search breadth; raise for recall, lower for speed. */
  efMin = EF_SEARCH_MIN;
  efFactor = EF_SEARCH_FACTOR;
  /** hnswlib-node only takes plain arrays; one is reused for every call. */
  private readonly point: number[];

  private constructor(
    readonly dim: number,
    private readonly native: NativeIndex,
    private readonly deleted: Set<number>,
  ) {
    this.point = new Array<number>(dim).fill(0);
  }

  static empty(dim: number, capacity = INITIAL_CAPACITY): HnswIndex {
    if (!Number.isInteger(dim) || dim <= 0) throw new InputError(String(dim), 'A vector dimension must be a positive integer.');
    const native = new hnswlib.HierarchicalNSW('cosine', dim);
    native.initIndex(Math.max(1, Math.min(capacity, MAX_ID)), HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_SEED, false);
    return new HnswIndex(dim, native, new Set());
  }

  /**
   * Loads the index saved at `file` if it matches `expected`, else builds one from
   * `source()` and says why. A rebuilt index is not saved here: the caller saves it
   * with the stamp of the data it came from.
   */
  static open(file: string, expected: IndexStamp, source: () => Iterable<{ id: number; vector: Float32Array }>): OpenResult {
    removeAbandonedTempFiles(file);
    removeAbandonedTempFiles(sidecarPath(file));
    const loaded = HnswIndex.load(file, expected);
    if ('index' in loaded) return { index: loaded.index, rebuilt: false };
    const index = HnswIndex.empty(expected.dim, Math.max(expected.count, INITIAL_CAPACITY));
    for (const { id, vector } of source()) index.add(id, vector);
    return { index, rebuilt: true, reason: loaded.reason, ...(loaded.saved ? { saved: loaded.saved } : {}) };
  }

  /**
   * The index saved at `file` if its sidecar vouches that it holds exactly what
   * `expected` describes (same library, model, dimension, count and digest, saved no
   * later than the library's state) and the file itself checks out; otherwise why
   * not. Files are read only after every check a native loader could trip on.
   */
  static load(file: string, expected: IndexStamp): Loaded {
    const checked = checkSidecar(file, expected);
    if ('reason' in checked) return checked;
    const { sidecar } = checked;
    const saved = sidecar.stamp;
    try {
      const scan = scanHnswFile(file, expected.dim);
      const problem = scanProblem(scan, sidecar, expected);
      if (problem) return { reason: problem, saved };
      const native = new hnswlib.HierarchicalNSW('cosine', expected.dim);
      native.readIndexSync(file);
      return HnswIndex.loaded(native, scan, sidecar, expected);
    } catch (err) {
      return { reason: `unreadable: ${errorMessage(err)}`, saved };
    }
  }

  /**
   * `load` without blocking the event loop: the file is checked in chunks and the
   * graph is read on libuv's thread pool, so queries can be answered meanwhile.
   */
  static async loadAsync(file: string, expected: IndexStamp): Promise<Loaded> {
    const checked = checkSidecar(file, expected);
    if ('reason' in checked) return checked;
    const { sidecar } = checked;
    const saved = sidecar.stamp;
    try {
      const scan = await scanHnswFileAsync(file, expected.dim);
      const problem = scanProblem(scan, sidecar, expected);
      if (problem) return { reason: problem, saved };
      const native = new hnswlib.HierarchicalNSW('cosine', expected.dim);
      await native.readIndex(file);
      return HnswIndex.loaded(native, scan, sidecar, expected);
    } catch (err) {
      return { reason: `unreadable: ${errorMessage(err)}`, saved };
    }
  }

  private static loaded(native: NativeIndex, scan: HnswFileScan, sidecar: Sidecar, expected: IndexStamp): Loaded {
    if (scan.ok && native.getCurrentCount() !== scan.info.elements)
      return { reason: 'unreadable: loader disagrees with the file on its size', saved: sidecar.stamp };
    return { index: new HnswIndex(expected.dim, native, new Set(sidecar.deleted)) };
  }

  /** Live points (removed ones excluded). */
  get size(): number {
    return this.native.getCurrentCount() - this.deleted.size;
  }

  /** Removed points still occupying slots until the next rebuild. */
  get deletedCount(): number {
    return this.deleted.size;
  }

  /** Adds `v` under `id`, replacing the vector of an existing or removed id. */
  add(id: number, v: Float32Array): void {
    checkId(id);
    const point = this.toPoint(v);
    const capacity = this.native.getMaxElements();
    if (this.native.getCurrentCount() >= capacity) {
      this.native.resizeIndex(Math.min(Math.max(capacity * 2, INITIAL_CAPACITY), MAX_ID));
    }
    this.native.addPoint(point, id);
    this.deleted.delete(id);
  }

  /** Hides `id` from searches; ids the index does not hold are ignored. */
  remove(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID || this.deleted.has(id)) return;
    try {
      this.native.markDelete(id);
    } catch {
      // hnswlib's only failure here is an unknown label, which is a no-op by contract.
      return;
    }
    this.deleted.add(id);
  }

  /**
   * The k nearest points by cosine similarity (score = 1 - cosine distance), best
   * first. k is clamped to the live count. The search breadth is
   * max(k * efFactor, efMin). With a filter, hnswlib only collects allowed points
   * but walks the graph from the same entry point, so a filter that allows few
   * points can yield fewer than k even though more exist: for very selective filters
   * score the allowed ids exactly instead (exact.ts scoreIds).
   */
  search(q: Float32Array, k: number, filter?: (id: number) => boolean): ScoredId[] {
    const point = this.toPoint(q);
    const n = Math.min(Math.floor(k), this.size);
    if (!(n > 0)) return [];
    this.native.setEf(Math.max(n * this.efFactor, this.efMin));
    const { distances, neighbors } = this.native.searchKnn(point, n, filter);
    const out = new Array<ScoredId>(neighbors.length);
    for (let i = 0; i < neighbors.length; i++) out[i] = { id: neighbors[i], score: 1 - distances[i] };
    return out;
  }

  /**
   * Writes the index atomically (temp file, fsync, rename, fsync directory), reads it
   * back to check it is complete (hnswlib does not report a short write, e.g. a full
   * disk), then writes the sidecar the same way. The sidecar goes last: until it is
   * replaced, the old sidecar's checksum no longer matches and the file is rebuilt.
   */
  save(file: string, stamp: IndexStamp): void {
    if (stamp.dim !== this.dim) throw new InputError(String(stamp.dim), `This index holds ${this.dim}-dimensional vectors.`);
    if (stamp.count !== this.size) throw new InputError(String(stamp.count), `This index holds ${this.size} vectors; a stamp must describe what it holds.`);
    const tmp = tempPathFor(file);
    let written: { bytes: number; crc32: number };
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.native.writeIndexSync(tmp);
      const scan = scanHnswFile(tmp, this.dim);
      if (!scan.ok) throw new LibraryError('library-invalid', tmp, `the written file does not read back: ${scan.why}`);
      written = scan.info;
      commitTempFile(tmp, file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw new LibraryError('library-invalid', file, `Cannot save the search index ${file}: ${errorMessage(err)}`, { cause: err });
    }
    writeSidecar(file, {
      format: INDEX_FORMAT_VERSION,
      stamp: {
        library: stamp.library,
        modelId: stamp.modelId,
        dim: stamp.dim,
        count: stamp.count,
        generation: stamp.generation,
        digest: stamp.digest,
      },
      bytes: written.bytes,
      crc32: written.crc32,
      deleted: [...this.deleted],
    });
  }

  private toPoint(v: Float32Array): number[] {
    if (v.length !== this.dim) throw new InputError(`${v.length} values`, `Expected a vector of ${this.dim} values.`);
    const point = this.point;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (!Number.isFinite(x)) throw new InputError(String(x), 'Vectors must hold finite numbers only.');
      point[i] = x;
    }
    return point;
  }
}
