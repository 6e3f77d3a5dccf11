import { InputError } from '../errors.ts';
import { dot, rowDot } from '../vectors/math.ts';

/**
 * The cache model of Tip-Adapter (Zhang et al. 2022, "Tip-Adapter: Training-free
 * Adaption of CLIP for Few-shot Classification", eq. 6), turned to ranking a library:
 * the user's example photos are the cache keys, and a photo's score is
 *
 *   score(x) = z_text(x) + alpha * ( sum_e A(x, e) - counterWeight * sum_n A(x, n) )
 *   A(x, k)  = exp(-beta * (1 - cos(x, k)))
 *
 * over the examples e and counter-examples n. The affinity A is 1 for the example
 * itself and falls off with the sharpness beta, so a photo scores high when it is
 * close to ANY example: several looks of one subject (the dog at home and on the
 * beach) each keep their own neighbourhood, where the centroid of the examples (the
 * query algebra's sum) lands between them and also favours what they merely share.
 * As in the paper the affinities are summed, so each further example adds evidence
 * and the examples weigh more against the words the more there are.
 *
 * The paper adds the zero-shot logits 100 * cos(x, text). Cosines of text with photos
 * live on a scale of their own per model (CLIP's and SigLIP's differ, see
 * search/ranking/cutoff.ts), and how far the best match stands out depends on the
 * model and the words, so here the words' term is the readable relevance of cutoff.ts:
 * T(x) = (cos(x, t) - median) / (best - median), 0 for the library's typical photo
 * and 1 for the words' best match in the library, with the background median of
 * cutoff.ts over the library sample. alpha then says what one example is worth: at 1,
 * a photo identical to an example gains as much as the words' best match has.
 */
export interface CacheModelParams {
  /** Weight of the examples against the words: what an affinity of 1 is worth, in units of the words' best match. */
  alpha: number;
  /** Sharpness of the affinity exp(-beta (1 - cos)), in units of image-to-image cosine. */
  beta: number;
  /** How much one counter-example takes away, relative to what one example adds. */
  counterWeight: number;
}

/**
 * Defaults measured on the labelled generated library of test/integration/learn-examples.test.ts
 * (its grid of alpha and beta): words and examples together rank best at alpha 1, and
 * beta from 5.5 up is within a point of the best there. That library's looks are
 * tighter than real photos' (cosine 0.96 within a look), so sharper kernels keep
 * helping a little; real photos of one subject spread more, so the default stays in
 * the middle of the range Tip-Adapter's official configs search on real CLIP features
 * (sharpness 0.1 to 7, residual ratio 0.1 to 3, starting from 1 and 1.17 on ImageNet).
 */
export const DEFAULT_CACHE_PARAMS: Readonly<CacheModelParams> = { alpha: 1, beta: 5.5, counterWeight: 1 };

/** Intervals of the nearest example's angle that bound() takes the worst case over. */
const BOUND_STEPS = 32;

/** The words of a query with where their scores sit in the library (learned-background.ts textTerm). */
export interface TextTerm {
  /** Text embedding, `[D]`, L2-normalised. */
  vector: Float32Array;
  /** Centre of the text's cosines with unrelated photos (cutoff.ts background()). */
  median: number;
  /** Their standard deviation (> 0): the least span between the median and the best match. */
  sigma: number;
  /** The best cosine of any photo of the library with the text. */
  best: number;
}

/** exp(-beta (1 - cos)): 1 for the key itself, e^(-beta) for an orthogonal photo. */
export function affinity(cos: number, beta: number): number {
  return Math.exp(-beta * (1 - cos));
}

function checkParams(p: CacheModelParams): void {
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value) || value < 0) throw new InputError(`${name} ${value}`, `The cache model's ${name} must be a finite number of at least 0.`);
  }
}

/**
 * The examples and counter-examples of one query packed as cache keys `[K, D]`, with
 * the words; scores any embedding with the formula above. Build one per set of
 * examples and reuse it for every candidate.
 */
export class ExampleCache {
  readonly dim: number;
  readonly examples: number;
  readonly counterExamples: number;
  /** Keys row after row: the examples first, then the counter-examples. */
  private readonly keys: Float32Array;
  /** The vectors the keys were copied from, in the same order (their identity lets callers memoise per key). */
  readonly keyVectors: readonly Float32Array[];

  /**
   * @param examples `[D]` each, L2-normalised
   * @param counterExamples `[D]` each, L2-normalised
   * @throws InputError for vectors of another dimension, an empty query or invalid parameters
   */
  constructor(
    examples: readonly Float32Array[],
    counterExamples: readonly Float32Array[],
    readonly text: TextTerm | null,
    readonly params: Readonly<CacheModelParams> = DEFAULT_CACHE_PARAMS,
  ) {
    checkParams(params);
    const dim = text?.vector.length ?? examples[0]?.length ?? counterExamples[0]?.length;
    if (dim === undefined || (examples.length === 0 && text === null)) {
      throw new InputError('no examples', 'Learning from examples needs at least one example photo or some words.');
    }
    if (text && !(text.sigma > 0)) throw new InputError(String(text.sigma), 'The text background needs a positive spread.');
    this.dim = dim;
    this.examples = examples.length;
    this.counterExamples = counterExamples.length;
    this.keys = new Float32Array((examples.length + counterExamples.length) * dim);
    this.keyVectors = [...examples, ...counterExamples];
    this.keyVectors.forEach((v, i) => {
      if (v.length !== dim) throw new InputError(`${v.length} values`, `Every example must have ${dim} values, like the query.`);
      this.keys.set(v, i * dim);
    });
  }

  /** Cosine of key `i` (examples first, then counter-examples) with row `offset` of `rows`. */
  keyCosine(i: number, rows: Float32Array, offset = 0): number {
    return rowDot(this.keys, i * this.dim, rows, offset, this.dim);
  }

  /** The score of the embedding at `offset` in `rows` (`[D]` values from there). */
  score(rows: Float32Array, offset = 0): number {
    const { dim, params } = this;
    let cache = 0;
    const keys = this.examples + this.counterExamples;
    for (let k = 0; k < keys; k++) {
      const a = affinity(rowDot(this.keys, k * dim, rows, offset, dim), params.beta);
      cache += k < this.examples ? a : -params.counterWeight * a;
    }
    return this.textScore(this.text ? dot(this.text.vector, rows, offset) : 0) + params.alpha * cache;
  }

  /** Scores of `count` embeddings packed in `rows` (`[count, D]`). */
  scoreRows(rows: Float32Array, count: number): Float32Array {
    if (rows.length < count * this.dim) throw new InputError(`${rows.length} values`, `Expected ${count} rows of ${this.dim} values.`);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.score(rows, i * this.dim);
    return out;
  }

  /**
   * Scores from cosines already computed: `keyCosines[k][i]` of key k (examples, then
   * counter-examples) and `textCosines[i]` with photo i. Used where each key's cosines
   * come from elsewhere (LibrarySample.scores), so no photo matrix is needed.
   */
  scoreFromCosines(keyCosines: ReadonlyArray<ArrayLike<number>>, textCosines: ArrayLike<number> | null, count: number): Float32Array {
    const out = new Float32Array(count);
    const { alpha, beta, counterWeight } = this.params;
    for (let i = 0; i < count; i++) {
      let cache = 0;
      keyCosines.forEach((cosines, k) => {
        const a = affinity(cosines[i], beta);
        cache += k < this.examples ? a : -counterWeight * a;
      });
      out[i] = this.textScore(textCosines ? textCosines[i] : 0) + alpha * cache;
    }
    return out;
  }

  /**
   * An upper bound on the score of a photo whose cosine with each example is at most
   * `exampleReach[e]` and with the words at most `textReach` (1 when unknown).
   * Counter-examples can only lower a score, so they do not enter. The photo cannot be
   * close to examples that are far apart: with angles on the unit sphere, if example i
   * is its nearest, at angle t >= acos(reach_i), every other example j is at an angle
   * of at least max(acos(reach_j), t, angle(i, j) - t) (triangle inequality). The
   * bound is the largest sum of affinities that allows, over i and over t in
   * BOUND_STEPS intervals, each taken at the interval's most favourable end.
   */
  bound(exampleReach: readonly number[], textReach: number | null): number {
    const n = this.examples;
    if (exampleReach.length !== n) throw new InputError(`${exampleReach.length} reaches`, `Expected one reach per example (${n}).`);
    const { beta, alpha } = this.params;
    const angle = (cos: number) => Math.acos(Math.max(-1, Math.min(1, cos)));
    const near = exampleReach.map(angle);
    const apart = (i: number, j: number) => angle(rowDot(this.keys, i * this.dim, this.keys, j * this.dim, this.dim));
    const between = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : apart(i, j))));
    let cache = 0;
    for (let i = 0; i < n; i++) {
      for (let step = 0; step < BOUND_STEPS; step++) {
        const from = near[i] + ((Math.PI - near[i]) * step) / BOUND_STEPS;
        const to = near[i] + ((Math.PI - near[i]) * (step + 1)) / BOUND_STEPS;
        let sum = affinity(Math.cos(from), beta);
        for (let j = 0; j < n; j++) if (j !== i) sum += affinity(Math.cos(Math.max(near[j], from, between[i][j] - to)), beta);
        cache = Math.max(cache, sum);
      }
    }
    return this.textScore(this.text ? (textReach ?? 1) : 0) + alpha * cache;
  }

  /** The words' term for a photo at cosine `cos` with them: 0 for the typical photo, 1 for their best match; 0 without words. */
  textScore(cos: number): number {
    if (!this.text) return 0;
    const { median, sigma, best } = this.text;
    return (cos - median) / Math.max(best - median, sigma);
  }
}

/**
 * Cache-model scores of candidate photos (see the module comment).
 * @param candidates `[N, D]` float32, row-major, L2-normalised rows
 * @param dim D
 * @param examples example embeddings, `[D]` each, L2-normalised
 * @param counterExamples counter-example embeddings, `[D]` each
 * @param text the words, with the background of their scores over the library, or null
 * @returns `[N]`: higher is better; comparable across candidates of one query only
 * @throws InputError on a dimension mismatch, an empty query or invalid parameters
 */
export function cacheModelScores(
  candidates: Float32Array,
  dim: number,
  examples: readonly Float32Array[],
  counterExamples: readonly Float32Array[],
  text: TextTerm | null,
  params: Readonly<CacheModelParams> = DEFAULT_CACHE_PARAMS,
): Float32Array {
  const cache = new ExampleCache(examples, counterExamples, text, params);
  if (cache.dim !== dim || candidates.length % dim !== 0) {
    throw new InputError(`${candidates.length} values`, `Candidates must be rows of ${cache.dim} values.`);
  }
  return cache.scoreRows(candidates, candidates.length / dim);
}
