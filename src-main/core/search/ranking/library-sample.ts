import type { LibraryStore } from '../../store/library-store.ts';
import { HalfMatrix } from '../../vectors/half-matrix.ts';

/** Photos in the sample: enough for a median and MAD to within about 2% of the library's. */
export const SAMPLE_SIZE = 4096;
/** The sample is drawn again once the library has grown or shrunk by this share since it was drawn. */
const REDRAW_CHANGE = 0.1;

/**
 * An evenly spaced sample of one model's embeddings, kept in memory as float16 rows
 * (`[n, D]`, L2-normalised) that the scan kernel scores (vectors/half-matrix.ts: a
 * tenth of a millisecond for 4,096 photos where a JavaScript loop took 2.5 ms, and the
 * index's vectors the sample is drawn from are float16 already), and the library's
 * spread per embedding direction. The sample gives each query its background
 * distribution (ranking/cutoff.ts) without scoring the whole library.
 */
export class LibrarySample {
  private constructor(
    readonly modelId: string,
    readonly dim: number,
    /** Rows of the sample. */
    private readonly rows: HalfMatrix,
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
    /** Where the ids (ascending) and the picked rows are read; the store by default (the model's vector index holds both in memory). */
    from: { ids: () => number[]; rows: (ids: number[]) => HalfMatrix } = {
      ids: () => store.db.prepare('SELECT photo_id FROM embeddings WHERE model_id = ? ORDER BY photo_id').pluck().all(modelId) as number[],
      rows: (ids) => {
        const vectors = store.embeddings.vectors(modelId, ids);
        const rows = new HalfMatrix(dim, Math.max(1, vectors.size));
        for (const [id, v] of vectors) rows.add(id, v);
        return rows;
      },
    },
  ): LibrarySample {
    const ids = from.ids();
    const step = Math.max(1, ids.length / SAMPLE_SIZE);
    const picked: number[] = [];
    for (let at = 0; at < ids.length && picked.length < SAMPLE_SIZE; at += step) picked.push(ids[Math.floor(at)]);
    const rows = from.rows(picked);
    return new LibrarySample(modelId, dim, rows, ids.length, rows.spread());
  }

  /** True when the library has changed enough since the sample was drawn to draw it again. */
  isStale(embedded: number): boolean {
    if (embedded === this.drawnFrom) return false;
    if (this.drawnFrom <= SAMPLE_SIZE) return true;
    return Math.abs(embedded - this.drawnFrom) > REDRAW_CHANGE * this.drawnFrom;
  }

  /** Photos in the sample. */
  get size(): number {
    return this.rows.size;
  }

  /** Scores of `query` (`[D]`, L2-normalised) against every photo of the sample: cosines, `[size]`. */
  scores(query: Float32Array): Float32Array {
    return this.rows.scores(query);
  }
}
