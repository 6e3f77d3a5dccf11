import { InputError } from '../errors.ts';
import { dot } from './math.ts';

export interface ScoredId {
  id: number;
  score: number;
}

const DEFAULT_CAPACITY = 1024;

/**
 * Vectors of one dimension packed row after row in a single Float32Array, so a full
 * scan walks contiguous memory and holds no object per vector. Rows stay dense:
 * removing a vector moves the last row into its place.
 */
export class VectorMatrix {
  private rows: Float32Array;
  private rowIds: Float64Array;
  private readonly rowOfId = new Map<number, number>();
  private count = 0;

  constructor(
    readonly dim: number,
    capacity = DEFAULT_CAPACITY,
  ) {
    if (!Number.isInteger(dim) || dim <= 0) throw new InputError(String(dim), 'A vector dimension must be a positive integer.');
    const rowsCapacity = Math.max(1, Math.floor(capacity));
    this.rows = new Float32Array(dim * rowsCapacity);
    this.rowIds = new Float64Array(rowsCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Stores `v` under `id`, replacing the vector already stored under that id. */
  add(id: number, v: Float32Array): void {
    this.checkVector(v);
    const existing = this.rowOfId.get(id);
    if (existing !== undefined) {
      this.rows.set(v, existing * this.dim);
      return;
    }
    if (this.count === this.rowIds.length) this.grow();
    const row = this.count++;
    this.rows.set(v, row * this.dim);
    this.rowIds[row] = id;
    this.rowOfId.set(id, row);
  }

  remove(id: number): void {
    const row = this.rowOfId.get(id);
    if (row === undefined) return;
    const last = --this.count;
    if (row !== last) {
      this.rows.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      const movedId = this.rowIds[last];
      this.rowIds[row] = movedId;
      this.rowOfId.set(movedId, row);
    }
    this.rowOfId.delete(id);
  }

  /** A copy of the stored vector: rows move when others are removed or the matrix grows. */
  get(id: number): Float32Array | undefined {
    const row = this.rowOfId.get(id);
    if (row === undefined) return undefined;
    return this.rows.slice(row * this.dim, (row + 1) * this.dim);
  }

  has(id: number): boolean {
    return this.rowOfId.has(id);
  }

  ids(): number[] {
    return Array.from(this.rowIds.subarray(0, this.count));
  }

  /** The backing store for scans: rows 0..size-1 are live. Replaced when the matrix grows, so do not keep it. */
  get data(): Float32Array {
    return this.rows;
  }

  idAt(row: number): number {
    return this.rowIds[row];
  }

  rowOf(id: number): number | undefined {
    return this.rowOfId.get(id);
  }

  checkVector(v: Float32Array): void {
    if (v.length !== this.dim) {
      throw new InputError(`${v.length} values`, `Expected a vector of ${this.dim} values.`);
    }
  }

  private grow(): void {
    const capacity = this.rowIds.length * 2;
    const rows = new Float32Array(capacity * this.dim);
    rows.set(this.rows);
    const rowIds = new Float64Array(capacity);
    rowIds.set(this.rowIds);
    this.rows = rows;
    this.rowIds = rowIds;
  }
}

/** Higher score first; equal scores fall back to the smaller id so results are reproducible. */
function ranksBelow(scoreA: number, idA: number, scoreB: number, idB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && idA > idB);
}

/**
 * The `k` vectors with the highest dot product with `query` (cosine similarity, as
 * stored vectors are normalised), best first. A bounded min-heap keeps the k best seen
 * so far in two typed arrays, so the scan costs O(n log k) and allocates nothing per row.
 */
export function topK(query: Float32Array, m: VectorMatrix, k: number, filter?: (id: number) => boolean): ScoredId[] {
  m.checkVector(query);
  const limit = Math.min(Math.floor(k), m.size);
  if (!(limit > 0)) return [];
  const heapScores = new Float64Array(limit);
  const heapIds = new Float64Array(limit);
  let filled = 0;
  const data = m.data;
  const dim = m.dim;

  for (let row = 0, n = m.size; row < n; row++) {
    const id = m.idAt(row);
    if (filter !== undefined && !filter(id)) continue;
    const score = dot(query, data, row * dim);
    if (filled < limit) {
      let i = filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksBelow(score, id, heapScores[parent], heapIds[parent])) break;
        heapScores[i] = heapScores[parent];
        heapIds[i] = heapIds[parent];
        i = parent;
      }
      heapScores[i] = score;
      heapIds[i] = id;
    } else if (ranksBelow(heapScores[0], heapIds[0], score, id)) {
      siftDownFromRoot(heapScores, heapIds, filled, score, id);
    }
  }

  const out = new Array<ScoredId>(filled);
  for (let end = filled - 1; end >= 0; end--) {
    out[end] = { id: heapIds[0], score: heapScores[0] };
    if (end > 0) siftDownFromRoot(heapScores, heapIds, end, heapScores[end], heapIds[end]);
  }
  return out;
}

/** Puts (score, id) at the root of a min-heap of `length` entries and sinks it to its place. */
function siftDownFromRoot(scores: Float64Array, ids: Float64Array, length: number, score: number, id: number): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= length) break;
    const right = left + 1;
    const child = right < length && ranksBelow(scores[right], ids[right], scores[left], ids[left]) ? right : left;
    if (!ranksBelow(scores[child], ids[child], score, id)) break;
    scores[i] = scores[child];
    ids[i] = ids[child];
    i = child;
  }
  scores[i] = score;
  ids[i] = id;
}

/** Exact scores for candidate ids (e.g. from the HNSW index), best first; ids not in `m` are skipped, repeats count once. */
export function scoreIds(query: Float32Array, m: VectorMatrix, ids: Iterable<number>): ScoredId[] {
  m.checkVector(query);
  const data = m.data;
  const seen = new Set<number>();
  const out: ScoredId[] = [];
  for (const id of ids) {
    const row = m.rowOf(id);
    if (row === undefined || seen.has(id)) continue;
    seen.add(id);
    out.push({ id, score: dot(query, data, row * m.dim) });
  }
  out.sort((a, b) => b.score - a.score || a.id - b.id);
  return out;
}
