import fs from 'node:fs';
import path from 'node:path';
import type { LibraryStore } from '../store/library-store.ts';
import { HnswIndex, type IndexStamp } from '../vectors/hnsw-index.ts';

/**
 * Search breadth for the app's queries. Text embeddings sit apart from image
 * embeddings (CLIP's modality gap) and libraries are clusters of similar shots,
 * so with hnswlib's usual breadth the walk stops short of some true neighbours:
 * on clustered 100k-photo libraries recall@10 after re-scoring is 0.98 at ef 200
 * and 1.0 at 800, which costs about 1 ms per query (3 ms at 1M photos).
 */
const SEARCH_BREADTH = 800;

/**
 * The HNSW index of one model, kept in step with the store. SQLite is the truth;
 * this is a cache that is checked on open and rebuilt when it is missing, stale
 * or unreadable, then saved so the next start is fast.
 */
export class ModelIndex {
  private dirty = false;

  private constructor(
    private readonly store: LibraryStore,
    private readonly file: string,
    readonly modelId: string,
    readonly dim: number,
    readonly hnsw: HnswIndex,
    readonly openState: { rebuilt: boolean; reason: string | null },
  ) {}

  static open(store: LibraryStore, file: string, model: { id: string; dim: number; name: string; dir: string }): ModelIndex {
    const { id: modelId, dim } = model;
    store.embeddings.registerModel(model);
    const stamp = ModelIndex.stampOf(store, modelId, dim);
    const { index, rebuilt, reason } = HnswIndex.open(file, stamp, () => store.embeddings.all(modelId));
    index.efMin = SEARCH_BREADTH;
    const opened = new ModelIndex(store, file, modelId, dim, index, { rebuilt, reason: reason ?? null });
    if (rebuilt) opened.save();
    return opened;
  }

  private static stampOf(store: LibraryStore, modelId: string, dim: number): IndexStamp {
    const s = store.embeddings.stamp(modelId);
    return { modelId, dim, count: s?.count ?? 0, generation: s?.generation ?? 0 };
  }

  add(id: number, vector: Float32Array): void {
    this.hnsw.add(id, vector);
    this.dirty = true;
  }

  remove(ids: Iterable<number>): void {
    for (const id of ids) this.hnsw.remove(id);
    this.dirty = true;
  }

  get size(): number {
    return this.hnsw.size;
  }

  /** Writes the index with the store's current stamp, if anything changed since the last save. */
  save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.hnsw.save(this.file, ModelIndex.stampOf(this.store, this.modelId, this.dim));
    this.dirty = false;
  }

  checkpoint(): void {
    if (this.dirty) this.save();
  }
}
