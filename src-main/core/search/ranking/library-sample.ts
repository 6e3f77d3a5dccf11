import type { LibraryStore } from '../../store/library-store.ts';
import { dot } from '../../vectors/math.ts';

/** Photos in the sample: enough for a median and MAD to within about 2% of the library's. */
export const SAMPLE_SIZE = 4096;
/** The sample is drawn again once the library has grown or shrunk by this share since it was drawn. */
const REDRAW_CHANGE = 0.1;

/**
 * An evenly spaced sample of one model's embeddings, kept in memory as one packed
 * `[n, D]` float32 matrix (L2-normalised rows), and the library's spread per
 * embedding direction. The sample gives each query its background distribution
 * (ranking/cutoff.ts) without scoring the whole library.
 */
export class LibrarySample {
  private constructor(
    readonly modelId: string,
    readonly dim: number,
    /** Rows of the sample, `[size, dim]`. */
    private readonly rows: Float32Array,
    readonly size: number,
    /** Embeddings the model had in the library when the sample was drawn. */
    readonly drawnFrom: number,
    /** sqrt(trace(covariance) / D) of the sample: the root mean square spread per dimension. */
    readonly spread: number,
  ) {}

  /**
   * Draws the sample: every photo of a library of up to SAMPLE_SIZE photos, else
   * SAMPLE_SIZE photos evenly spaced in id order (deterministic, so the same
   * library gives the same matches).
   */
  static draw(
    store: LibraryStore,
    modelId: string,
    dim: number,
    /** Where the ids (ascending) and the picked vectors are read; the store by default (the model's vector index holds both in memory). */
    from: { ids: () => number[]; read: (ids: number[]) => Map<number, Float32Array> } = {
      ids: () => store.db.prepare('SELECT photo_id FROM embeddings WHERE model_id = ? ORDER BY photo_id').pluck().all(modelId) as number[],
      read: (ids) => store.embeddings.vectors(modelId, ids),
    },
  ): LibrarySample {
    const ids = from.ids();
    const step = Math.max(1, ids.length / SAMPLE_SIZE);
    const picked: number[] = [];
    for (let at = 0; at < ids.length && picked.length < SAMPLE_SIZE; at += step) picked.push(ids[Math.floor(at)]);
    const vectors = from.read(picked);
    const rows = new Float32Array(vectors.size * dim);
    let n = 0;
    for (const v of vectors.values()) rows.set(v, dim * n++);
    return new LibrarySample(modelId, dim, rows, n, ids.length, spreadOf(rows, n, dim));
  }

  /** True when the library has changed enough since the sample was drawn to draw it again. */
  isStale(embedded: number): boolean {
    if (embedded === this.drawnFrom) return false;
    if (this.drawnFrom <= SAMPLE_SIZE) return true;
    return Math.abs(embedded - this.drawnFrom) > REDRAW_CHANGE * this.drawnFrom;
  }

  /** Scores of `query` (`[D]`, L2-normalised) against every photo of the sample: cosines, `[size]`. */
  scores(query: Float32Array): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = dot(query, this.rows, i * this.dim);
    return out;
  }
}

function spreadOf(rows: Float32Array, n: number, dim: number): number {
  if (n < 2) return 0;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += rows[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) {
      const x = rows[i * dim + d] - mean[d];
      total += x * x;
    }
  }
  return Math.sqrt(total / (n - 1) / dim);
}
