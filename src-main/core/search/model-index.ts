import fs from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LibraryStore } from '../store/library-store.ts';
import { addDigest, pairDigest, removeDigest } from '../vectors/digest.ts';
import type { ScoredId } from '../vectors/exact.ts';
import { HalfMatrix } from '../vectors/half-matrix.ts';
import { HnswIndex, type IndexStamp } from '../vectors/hnsw-index.ts';
import { sidecarPath } from '../vectors/hnsw-sidecar.ts';
import { loadVectorFile, loadVectorFileSync, saveVectorFile, vectorFilePath } from '../vectors/vector-file.ts';

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

/** A graph that is not asked for by a query is loaded this long after opening (ms). */
const GRAPH_LOAD_DELAY_MS = 1000;
/** Vectors added to a graph rebuilt in the background between two turns of the event loop. */
const BUILD_SLICE = 256;

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

/** A change made while the graph was still loading, replayed on it once it is there (null: removed). */
interface QueuedChange {
  id: number;
  vector: Float32Array | null;
}

/** What an opened index holds, and the store state it holds it for. */
interface Opened {
  graph: HnswIndex | null;
  matrix: HalfMatrix;
  pairs: Map<number, number>;
  expected: IndexStamp;
}

/**
 * The vector index of one model, kept in step with the store: every vector in a
 * half-precision matrix that an exact scan reads in one pass (vectors/half-matrix.ts),
 * and the HNSW graph that answers nearest-neighbour queries over large libraries.
 * SQLite is the truth; both are caches, saved side by side (`<model>.hnsw`,
 * `<model>.vectors`), checked on open, caught up whenever the store changed (in this
 * process or another one), and saved only with a stamp describing what they provably
 * hold. It knows the digest of every (id, vector) pair it holds, so comparing it with
 * the store (store/embeddings.ts ModelStamp) costs one row read.
 *
 * Opened with `load`, it answers from the matrix as soon as that is read and loads
 * the graph in the background; `open` loads both before it returns.
 */
export class ModelIndex {
  private graph: HnswIndex | null;
  private matrix: HalfMatrix;
  private readonly asWriter: NonNullable<ModelIndexOptions['asWriter']>;
  /** Pair digest per id: exactly what the index holds. */
  private pairs: Map<number, number>;
  private digest: number;
  /** The store's change counter when the index was last known to hold exactly the store's vectors. */
  private inStepAt: number;
  private dirty = false;
  private closed = false;
  private readonly queued: QueuedChange[] = [];
  private graphLoad: Promise<void> = Promise.resolve();
  /** Starts loading the graph in the background (set by `load` until it has started). */
  private startGraphLoad: (() => void) | null = null;
  private state: OpenState;
  /** The store state the index was opened at: what a graph still loading holds. */
  private readonly openedAt: IndexStamp;

  private constructor(
    private readonly store: LibraryStore,
    private readonly file: string,
    readonly modelId: string,
    readonly dim: number,
    opened: Opened,
    state: OpenState,
    opts: ModelIndexOptions,
  ) {
    this.graph = opened.graph;
    if (this.graph) this.graph.efMin = SEARCH_BREADTH;
    this.matrix = opened.matrix;
    this.pairs = opened.pairs;
    this.digest = sumOf(opened.pairs);
    this.inStepAt = opened.expected.generation;
    this.openedAt = opened.expected;
    this.state = state;
    this.asWriter = opts.asWriter ?? ((write) => write());
  }

  /**
   * Loads the saved index (graph and vectors) when it holds exactly this library's
   * vectors for the model, else builds it from the store and saves it. A saved index
   * that may be the only copy of vectors the library lost (the library went back to an
   * older state) or that belongs to another library is moved aside, never
   * overwritten, and `openState.reason` says so. Throws LibraryError when the library
   * has no identity or the rebuilt index cannot be saved.
   */
  static open(store: LibraryStore, file: string, model: Model, opts: ModelIndexOptions = {}): ModelIndex {
    store.embeddings.registerModel(model);
    const opened = store.snapshot(() => {
      const expected = stampOf(store, model.id, model.dim);
      const graph = HnswIndex.load(file, expected);
      const vectors = loadVectorFileSync(vectorFilePath(file), expected);
      if ('index' in graph && 'matrix' in vectors) {
        return { expected, graph: graph.index, matrix: vectors.matrix, pairs: vectors.digests, loaded: graph, complete: true };
      }
      const built = fromStore(store, model, !('index' in graph));
      return { expected, graph: 'index' in graph ? graph.index : built.graph!, matrix: built.matrix, pairs: built.pairs, loaded: graph, complete: false };
    });
    const index = new ModelIndex(store, file, model.id, model.dim, opened, { rebuilt: false, reason: null }, opts);
    if ('reason' in opened.loaded) index.rebuilt(opened.loaded, opened.expected);
    if (!opened.complete) {
      index.dirty = true;
      index.save();
    }
    return index;
  }

  /**
   * Opens the index for answering queries at once: resolves as soon as the vectors
   * are read (a fraction of a second for 100,000 photos); the graph then loads in the
   * background, once the first query has been answered or a second has passed (on the
   * thread pool, or, when the saved one cannot be used, rebuilt from the store a slice
   * at a time between queries). Until then `nearest` scans every vector exactly. A library without saved vectors (written before they existed) is opened
   * as `open` does. Same errors as `open`.
   */
  static async load(store: LibraryStore, file: string, model: Model, opts: ModelIndexOptions = {}): Promise<ModelIndex> {
    store.embeddings.registerModel(model);
    const expected = stampOf(store, model.id, model.dim);
    const vectors = await loadVectorFile(vectorFilePath(file), expected);
    if (!('matrix' in vectors)) return ModelIndex.open(store, file, model, opts);
    // What it holds is the store at `expected`: a change since (another process indexing) is caught up by the next refresh.
    const opened = { graph: null, matrix: vectors.matrix, pairs: vectors.digests, expected };
    const index = new ModelIndex(store, file, model.id, model.dim, opened, { rebuilt: false, reason: null }, opts);
    let started: () => void = () => undefined;
    index.graphLoad = new Promise<void>((resolve) => (started = resolve)).then(() =>
      HnswIndex.loadAsync(file, expected).then(async (loaded) => {
        if (index.graph || index.closed) return;
        if ('index' in loaded) index.adopt(loaded.index);
        else await index.rebuildInBackground(loaded, expected);
      }),
    );
    // Checking and reading the graph takes the event loop in slices; the first query is answered before that begins.
    const timer = setTimeout(() => index.beginGraphLoad(), GRAPH_LOAD_DELAY_MS);
    timer.unref();
    index.startGraphLoad = () => {
      clearTimeout(timer);
      started();
    };
    return index;
  }

  get openState(): OpenState {
    return this.state;
  }

  /** The graph; when it is still loading in the background, it is loaded now, blocking. */
  get hnsw(): HnswIndex {
    this.loadGraphNow();
    return this.graph!;
  }

  private loadGraphNow(): void {
    if (!this.graph) {
      const loaded = HnswIndex.load(this.file, this.openedAt);
      if ('index' in loaded) {
        this.adopt(loaded.index);
      } else {
        this.rebuilt(loaded, this.openedAt);
        this.dirty = true;
        this.adopt(this.store.snapshot(() => fromStore(this.store, { id: this.modelId, dim: this.dim }, true).graph!));
      }
    }
  }

  /** The vectors, for exact scores: every photo of the model, float16. */
  get vectors(): HalfMatrix {
    return this.matrix;
  }

  /** Whether the graph is loaded (else `nearest` scans exactly). */
  get graphLoaded(): boolean {
    return this.graph !== null;
  }

  /** Resolves once the graph is loaded or rebuilt. */
  whenGraphLoaded(): Promise<void> {
    this.beginGraphLoad();
    return this.graphLoad;
  }

  private beginGraphLoad(): void {
    const start = this.startGraphLoad;
    this.startGraphLoad = null;
    start?.();
  }

  get size(): number {
    return this.matrix.size;
  }

  /**
   * The `k` nearest photos to `query` (`[D]`, L2-normalised) among those `accept`
   * lets through, best first, with their cosines: from the graph when it is loaded
   * (its scores are exact float32), else from an exact scan of the matrix.
   */
  nearest(query: Float32Array, k: number, accept?: (id: number) => boolean): ScoredId[] {
    if (this.graph) return this.graph.search(query, k, accept);
    const found = this.matrix.topK(query, k, accept);
    setImmediate(() => this.beginGraphLoad()).unref();
    return found;
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
      this.matrix.remove(id);
      if (this.graph) this.graph.remove(id);
      else this.queued.push({ id, vector: null });
      this.pairs.delete(id);
      this.digest = removeDigest(this.digest, pair);
      this.dirty = true;
    }
  }

  /**
   * Brings the index in step with the store if the store changed since it last was,
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
      const vectors = 'index' in loaded ? loadVectorFileSync(vectorFilePath(this.file), expected) : null;
      if ('index' in loaded && vectors && 'matrix' in vectors) {
        this.queued.length = 0;
        this.adopt(loaded.index);
        this.matrix = vectors.matrix;
        this.pairs = vectors.digests;
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
   * Writes the graph and the vectors, stamped with the store's current state, when
   * they hold exactly the store's vectors (after catching up) and this process may
   * write the library's side files. A graph still loading in the background is
   * loaded now when there is something to save (adopting it saves). The store's log is folded into its main file first, so the
   * saved index is never ahead of library.sqlite alone: losing the log cannot make the
   * library older than its index. Returns whether it wrote.
   */
  save(): boolean {
    const graph = this.graph;
    if (!graph) {
      if (!this.dirty) return false;
      this.loadGraphNow();
      return !this.dirty;
    }
    const written = this.asWriter(() => {
      this.refresh();
      const now = stampOf(this.store, this.modelId, this.dim);
      if (now.count !== this.pairs.size || now.digest !== this.digest) return false;
      this.store.checkpoint();
      saveVectorFile(vectorFilePath(this.file), this.matrix, now, this.pairs);
      graph.save(this.file, now);
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

  /**
   * Stops loading or rebuilding the graph in the background, before the store
   * closes; what was not saved is caught up from the store on the next open.
   */
  close(): void {
    this.closed = true;
    this.startGraphLoad = null;
  }

  private put(id: number, vector: Float32Array, pair: number): void {
    const previous = this.pairs.get(id);
    this.matrix.add(id, vector);
    if (this.graph) this.graph.add(id, vector);
    else this.queued.push({ id, vector });
    if (previous !== undefined) this.digest = removeDigest(this.digest, previous);
    this.pairs.set(id, pair);
    this.digest = addDigest(this.digest, pair);
  }

  /** Takes `graph` as the index's graph after replaying on it what changed while it loaded. */
  private adopt(graph: HnswIndex): void {
    for (const { id, vector } of this.queued.splice(0)) {
      if (vector) graph.add(id, vector);
      else graph.remove(id);
    }
    graph.efMin = SEARCH_BREADTH;
    this.graph = graph;
    if (this.dirty) this.save();
  }

  /**
   * Builds the graph from the store's vectors a slice at a time, answering queries
   * exactly in between, then saves it. The graph may come out holding a newer state
   * than the matrix: the queued changes and the next catch-up replay on it what it
   * already has, which changes nothing.
   */
  private async rebuildInBackground(why: { reason: string; saved: IndexStamp | null }, expected: IndexStamp): Promise<void> {
    const rows = this.store.snapshot(() => [...this.store.embeddings.all(this.modelId)].map(({ id, vector }) => ({ id, vector })));
    const graph = HnswIndex.empty(this.dim, Math.max(rows.length, 1));
    for (let start = 0; start < rows.length; start += BUILD_SLICE) {
      if (this.graph || this.closed) return;
      for (const { id, vector } of rows.slice(start, start + BUILD_SLICE)) graph.add(id, vector);
      await nextTurn();
    }
    if (this.graph || this.closed) return;
    this.rebuilt(why, expected);
    this.dirty = true;
    this.adopt(graph);
  }

  /** Records why the saved index was not used, moving aside one that must not be overwritten. */
  private rebuilt(why: { reason: string; saved: IndexStamp | null }, expected: IndexStamp): void {
    const state: OpenState = { rebuilt: true, reason: why.reason };
    const saved = why.saved;
    const lost = saved !== null && saved.library === expected.library && saved.generation > expected.generation;
    const foreign = saved !== null && saved.library !== expected.library;
    if (saved && (lost || foreign)) {
      const kept = this.asWriter(() => keepAside(this.file));
      const where = kept ? `It was kept as ${kept}` : 'It was left in place while another process writes the library';
      state.reason = lost
        ? `the library database is older than its saved search index (saved with ${saved.count} photos at change ${saved.generation}; ` +
          `the database is at change ${expected.generation} with ${expected.count}). Changes to the library were lost, which happens when ` +
          `library.sqlite is copied or restored without library.sqlite-wal. ${where}; index your folders again to find the photos that are missing.`
        : `the saved search index was built for another library (${saved.count} photos) and was not used. ${where}; this library's index was rebuilt.`;
    }
    this.state = state;
  }
}

/**
 * The matrix and pair digests of the store's vectors for `model`, and a graph of them
 * when `withGraph` (the saved one cannot be used). Run inside a snapshot.
 */
function fromStore(
  store: LibraryStore,
  model: { id: string; dim: number },
  withGraph: boolean,
): { graph: HnswIndex | null; matrix: HalfMatrix; pairs: Map<number, number> } {
  const count = Math.max(store.embeddings.stamp(model.id)?.count ?? 0, 1);
  const matrix = new HalfMatrix(model.dim, count);
  const graph = withGraph ? HnswIndex.empty(model.dim, Math.max(count, 1024)) : null;
  const pairs = new Map<number, number>();
  for (const row of store.embeddings.all(model.id)) {
    pairs.set(row.id, row.digest);
    matrix.add(row.id, row.vector);
    graph?.add(row.id, row.vector);
  }
  return { graph, matrix, pairs };
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
