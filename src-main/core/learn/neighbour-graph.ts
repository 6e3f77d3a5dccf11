import type { ScoredId } from '../vectors/exact.ts';

/**
 * Every photo of a model with its nearest neighbours, by row: what near-duplicate
 * groups are found on (near-duplicates.ts). Read from the saved index's bottom layer
 * (saved-graph.ts), or asked of the live graph one photo at a time (searchedGraph).
 */
export interface NeighbourGraph {
  /** Rows, deleted ones included. */
  readonly size: number;
  readonly dim: number;
  /** The photo id of `row`. */
  id(row: number): number;
  /** False for a row whose photo was removed. */
  live(row: number): boolean;
  /** Rows `row` links to. */
  neighbours(row: number): Uint32Array;
  /** Cosine of two rows' vectors (stored L2-normalised). */
  similarity(a: number, b: number): number;
  /** The vector of `row`, `[dim]` (a view: copy it to keep it). */
  vector(row: number): Float32Array;
}

/** Nearest neighbours by cosine, best first (vectors/hnsw-index.ts HnswIndex). */
export interface GraphSearch {
  search(q: Float32Array, k: number): ScoredId[];
}

/**
 * A neighbour graph made by asking `index` for the `k` nearest neighbours of every
 * photo: for when the saved index is not in step with the store. Costs one search per
 * photo (see bench/sections/learn.ts for what that takes at 100,000 photos).
 * @param photos every photo of the model with its stored vector, `[D]` L2-normalised
 */
export function searchedGraph(index: GraphSearch, photos: Iterable<{ id: number; vector: Float32Array }>, dim: number, k: number): NeighbourGraph {
  const ids: number[] = [];
  const chunks: Float32Array[] = [];
  for (const p of photos) {
    ids.push(p.id);
    chunks.push(p.vector);
  }
  const n = ids.length;
  const vectors = new Float32Array(n * dim);
  chunks.forEach((v, row) => vectors.set(v, row * dim));
  const rowOf = new Map(ids.map((id, row) => [id, row]));
  const links = new Uint32Array(n * k);
  const counts = new Uint16Array(n);
  for (let row = 0; row < n; row++) {
    let c = 0;
    for (const hit of index.search(vectors.subarray(row * dim, (row + 1) * dim), k + 1)) {
      const other = rowOf.get(hit.id);
      if (other === undefined || other === row || c === k) continue;
      links[row * k + c++] = other;
    }
    counts[row] = c;
  }
  return {
    size: n,
    dim,
    id: (row) => ids[row],
    live: () => true,
    neighbours: (row) => links.subarray(row * k, row * k + counts[row]),
    similarity: (a, b) => {
      let s = 0;
      for (let i = 0; i < dim; i++) s += vectors[a * dim + i] * vectors[b * dim + i];
      return s;
    },
    vector: (row) => vectors.subarray(row * dim, (row + 1) * dim),
  };
}
