import fs from 'node:fs';
import type { LibraryStore } from '../store/library-store.ts';
import { addDigest, pairDigest, removeDigest } from '../vectors/digest.ts';
import { HnswIndex, type IndexStamp } from '../vectors/hnsw-index.ts';
import { sidecarPath } from '../vectors/hnsw-sidecar.ts';

/**
 * Search breadth for the app's queries. Text embeddings sit apart from image
 * embeddings (CLIP's modality gap) and libraries are clusters of similar shots,
 * so with hnswlib's usual breadth the walk stops short of some true neighbours:
 * on clustered 100k-photo libraries recall@10 after re-scoring is 0.98 at ef 200
 * and 1.0 at 800, which costs about 1 ms per query (3 ms at 1M photos).
 */
const SEARCH_BREADTH = 800;

/**
 * Catching up with more changed vectors than this loads the index file another
 * process saved (when it holds exactly what the library holds) instead of inserting
 * them one at a time. Inserting costs at least 0.25 ms per vector (100k built in
 * 25 s) and loading a saved 100k index 0.5 s (bench/results/2026-11-27-vm.md), so
 * past about 2,000 changes loading is the faster way.
 */
const RELOAD_ABOVE = 2000;

export interface ModelIndexOptions {
  /**
   * Runs `write` if this process may write the library's side files now (it holds
   * the library's writer lock or can take it) and returns its result, or returns
   * null without running it while another process writes the library. Defaults to
   * always writing.
   */
  asWriter?: <T>(write: () => T) => T | null;
}

export interface OpenState {
  rebuilt: boolean;
  /** Why the saved index was not used, in words for the user; null when it was. */
  reason: string | null;
}

interface Model {
  id: string;
  dim: number;
  name: string;
  dir: string;
}

/**
 * The HNSW index of one model, kept in step with the store. SQLite is the truth;
 * this is a cache that is checked on open, caught up whenever the store changed
 * (in this process or another one), and saved only with a stamp describing what it
 * provably holds. It knows the digest of every (id, vector) pair it holds, so
 * comparing it with the store (store/embeddings.ts ModelStamp) costs one row read.
 */
export class ModelIndex {
  private index: HnswIndex;
  private readonly asWriter: NonNullable<ModelIndexOptions['asWriter']>;
  /** Pair digest per id: exactly what the graph holds. */
  private pairs: Map<number, number>;
  private digest: number;
  /** The store's change counter when the graph was last known to hold exactly the store's vectors. */
  private inStepAt: number;
  private dirty = false;

  private constructor(
    private readonly store: LibraryStore,
    private readonly file: string,
    readonly modelId: string,
    readonly dim: number,
    opened: { index: HnswIndex; pairs: Map<number, number>; generation: number },
    readonly openState: OpenState,
    opts: ModelIndexOptions,
  ) {
    this.index = opened.index;
    this.index.efMin = SEARCH_BREADTH;
    this.pairs = opened.pairs;
    this.digest = sumOf(opened.pairs);
    this.inStepAt = opened.generation;
    this.asWriter = opts.asWriter ?? ((write) => write());
  }

  /**
   * Loads the saved index when it holds exactly this library's vectors for the
   * model, else builds one from the store and saves it. A saved index that may be
   * the only copy of vectors the library lost (the library went back to an older
   * state) or that belongs to another library is moved aside, never overwritten,
   * and `openState.reason` says so. Throws LibraryError when the library has no
   * identity or the rebuilt index cannot be saved.
   */
  static open(store: LibraryStore, file: string, model: Model, opts: ModelIndexOptions = {}): ModelIndex {
    store.embeddings.registerModel(model);
    const { result, expected, pairs } = store.snapshot(() => {
      const expected = stampOf(store, model.id, model.dim);
      const pairs = new Map<number, number>();
      const result = HnswIndex.open(file, expected, function* () {
        for (const row of store.embeddings.all(model.id)) {
          pairs.set(row.id, row.digest);
          yield row;
        }
      });
      if (!result.rebuilt) for (const [id, digest] of store.embeddings.digests(model.id)) pairs.set(id, digest);
      return { result, expected, pairs };
    });
    const opened = { index: result.index, pairs, generation: expected.generation };
    if (!result.rebuilt) return new ModelIndex(store, file, model.id, model.dim, opened, { rebuilt: false, reason: null }, opts);

    const state: OpenState = { rebuilt: true, reason: result.reason ?? null };
    const index = new ModelIndex(store, file, model.id, model.dim, opened, state, opts);
    const saved = result.saved;
    const lost = saved !== undefined && saved.library === expected.library && saved.generation > expected.generation;
    const foreign = saved !== undefined && saved.library !== expected.library;
    if (saved && (lost || foreign)) {
      const kept = index.asWriter(() => keepAside(file));
      const where = kept ? `It was kept as ${kept}` : 'It was left in place while another process writes the library';
      state.reason = lost
        ? `the library database is older than its saved search index (saved with ${saved.count} photos at change ${saved.generation}; ` +
          `the database is at change ${expected.generation} with ${expected.count}). Changes to the library were lost, which happens when ` +
          `library.sqlite is copied or restored without library.sqlite-wal. ${where}; index your folders again to find the photos that are missing.`
        : `the saved search index was built for another library (${saved.count} photos) and was not used. ${where}; this library's index was rebuilt.`;
    }
    index.dirty = true;
    index.save();
    return index;
  }

  /** The graph searches run on; replaced when catching up loads a newer saved index. */
  get hnsw(): HnswIndex {
    return this.index;
  }

  get size(): number {
    return this.index.size;
  }

  /** Adds or replaces the vector of `id`; the caller has written the same vector to the store. */
  add(id: number, vector: Float32Array): void {
    this.put(id, vector, pairDigest(id, vector));
    this.dirty = true;
  }

  remove(ids: Iterable<number>): void {
    for (const id of ids) {
      const pair = this.pairs.get(id);
      if (pair === undefined) continue;
      this.index.remove(id);
      this.pairs.delete(id);
      this.digest = removeDigest(this.digest, pair);
      this.dirty = true;
    }
  }

  /**
   * Brings the graph in step with the store if the store changed since it last was,
   * whoever changed it. Costs one row read when nothing changed; otherwise reads the
   * pair digests (an index scan, no vectors) and applies the difference, or loads the
   * saved index when the difference is large and the saved one matches the store.
   * Returns how many vectors were added, replaced or removed.
   */
  refresh(): number {
    const now = this.store.embeddings.stamp(this.modelId);
    if (!now || now.generation === this.inStepAt) return 0;
    if (now.count === this.pairs.size && now.digest === this.digest) {
      this.inStepAt = now.generation;
      return 0;
    }
    return this.store.snapshot(() => this.catchUp());
  }

  private catchUp(): number {
    const expected = stampOf(this.store, this.modelId, this.dim);
    const inStore = new Map(this.store.embeddings.digests(this.modelId));
    const changed = [...inStore].filter(([id, digest]) => this.pairs.get(id) !== digest).map(([id]) => id);
    const gone = [...this.pairs.keys()].filter((id) => !inStore.has(id));
    const count = changed.length + gone.length;
    if (count > RELOAD_ABOVE) {
      const loaded = HnswIndex.load(this.file, expected);
      if ('index' in loaded) {
        this.index = loaded.index;
        this.index.efMin = SEARCH_BREADTH;
        this.pairs = inStore;
        this.digest = expected.digest;
        this.inStepAt = expected.generation;
        return count;
      }
    }
    this.remove(gone);
    for (let start = 0; start < changed.length; start += 1000) {
      const ids = changed.slice(start, start + 1000);
      for (const [id, vector] of this.store.embeddings.vectors(this.modelId, ids)) this.put(id, vector, inStore.get(id)!);
    }
    this.inStepAt = expected.generation;
    this.dirty = true;
    return count;
  }

  /**
   * Writes the index, stamped with the store's current state, when it holds exactly
   * the store's vectors (after catching up) and this process may write the library's
   * side files. The store's log is folded into its main file first, so the saved
   * index is never ahead of library.sqlite alone: losing the log cannot make the
   * library older than its index. Returns whether it wrote.
   */
  save(): boolean {
    const written = this.asWriter(() => {
      this.refresh();
      const now = stampOf(this.store, this.modelId, this.dim);
      if (now.count !== this.pairs.size || now.digest !== this.digest) return false;
      this.store.checkpoint();
      this.index.save(this.file, now);
      this.inStepAt = now.generation;
      return true;
    });
    if (written) this.dirty = false;
    return written === true;
  }

  /** Saves if anything changed since the last save. */
  checkpoint(): void {
    if (this.dirty) this.save();
  }

  private put(id: number, vector: Float32Array, pair: number): void {
    const previous = this.pairs.get(id);
    this.index.add(id, vector);
    if (previous !== undefined) this.digest = removeDigest(this.digest, previous);
    this.pairs.set(id, pair);
    this.digest = addDigest(this.digest, pair);
  }
}

function stampOf(store: LibraryStore, modelId: string, dim: number): IndexStamp {
  const s = store.embeddings.stamp(modelId);
  return { library: store.id, modelId, dim, count: s?.count ?? 0, generation: s?.generation ?? 0, digest: s?.digest ?? 0 };
}

function sumOf(pairs: Map<number, number>): number {
  let sum = 0;
  for (const pair of pairs.values()) sum = addDigest(sum, pair);
  return sum;
}

/**
 * Renames the index file and its sidecar to `<name>.kept-<time>.hnsw` (+ `.json`)
 * next to them, so a later save cannot overwrite them; returns the new index path.
 */
function keepAside(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  const kept = file.replace(/\.hnsw$/, '') + `.kept-${new Date().toISOString().replace(/[:.]/g, '-')}.hnsw`;
  fs.renameSync(file, kept);
  if (fs.existsSync(sidecarPath(file))) fs.renameSync(sidecarPath(file), sidecarPath(kept));
  return kept;
}
