/**
 * Which photos count as matches for one query: the ones whose score stands out
 * against this library's own distribution of scores for the same query. Nothing
 * here depends on the model: CLIP and SigLIP cosines live on different scales,
 * and every threshold is expressed in units of the library's spread.
 *
 * 1. Background. The query's scores over a random sample of the library give the
 *    background from their LOWER quantiles only: the scale from the distance
 *    between the 5th and the 25th percentile, the centre from the 25th percentile
 *    plus the normal offset of that quantile. Relevant photos, and the distractors
 *    that share half of a query ("red" photos for "red circle"), sit above the
 *    median and may be most of the library; they do not move these quantiles while
 *    at least a quarter of the photos are unrelated. The scale is floored at a
 *    quarter of the library's own spread per embedding direction, so that a query
 *    along which the photos barely differ (gibberish, a concept absent from the
 *    library) cannot turn tiny differences into large z-scores.
 * 2. Significance. Each candidate's upper-tail probability under a normal
 *    background, and the Benjamini-Hochberg step-up rule over the whole filtered
 *    library (Benjamini & Hochberg 1995, "Controlling the false discovery rate"):
 *    the longest top run whose expected share of background photos stays under
 *    FALSE_DISCOVERY_RATE. A z floor keeps very small libraries from accepting
 *    weak outliers.
 * 3. Tiers. Among the significant photos, a lower tier is cut off when the gap
 *    above it is more than TIER_GAP times its own height above the background: the
 *    upper tier then stands well apart, as when "red circle" also lifts the red
 *    stripes and the blue circles half-way. Scores of real matches form a
 *    continuum without such gaps.
 */

/** Expected share of background photos among the matches (Benjamini-Hochberg q). */
export const FALSE_DISCOVERY_RATE = 0.05;
/** No match below this many robust standard deviations above the median, whatever the library size. */
export const MIN_Z = 3;
/** The scale never drops below this fraction of the library's spread per embedding direction. */
export const SPREAD_FLOOR = 0.25;
/** A lower tier is cut off when the gap above it exceeds this share of its height above the background. */
export const TIER_GAP = 0.5;
/** Standard normal quantiles of the two percentiles the background is read from. */
const Z_25 = 0.6744897501960817;
const Z_05 = 1.6448536269514722;

export interface Background {
  /** Centre of the background scores (the median, were the library all unrelated to the query). */
  median: number;
  /** Standard deviation of the background scores, floored (see SPREAD_FLOOR). */
  sigma: number;
}

/**
 * The background distribution of a query's scores.
 * @param sampleScores scores of the query against a random sample of the library (any length >= 1)
 * @param librarySpread root mean square deviation of the library's embeddings from their mean, per
 *   dimension: sqrt(trace(covariance) / D) (LibrarySample.spread)
 */
export function background(sampleScores: Float32Array | readonly number[], librarySpread: number): Background {
  const sorted = Float64Array.from(sampleScores).sort();
  const q05 = quantileOfSorted(sorted, 0.05);
  const q25 = quantileOfSorted(sorted, 0.25);
  const sigma = Math.max((q25 - q05) / (Z_05 - Z_25), SPREAD_FLOOR * librarySpread, Number.EPSILON);
  return { median: q25 + Z_25 * sigma, sigma };
}

function quantileOfSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Standard normal upper tail P(Z >= z). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function, relative error < 1.2e-7 everywhere (Numerical Recipes, erfcc Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export interface Cutoff {
  /** How many of the leading scores are matches. */
  matches: number;
  /** Scores at or above this are matches (Infinity when there are none). */
  threshold: number;
  /** Leading scores that were significant before the tier cut (>= matches). */
  significant: number;
}

/**
 * Splits scores, sorted best first, into matches and the rest.
 * @param sorted candidate scores in descending order: the best-scoring photos of the filtered library
 * @param population how many photos the filtered library holds (the BH test runs over all of them;
 *   photos not among the candidates score lower than the last candidate)
 * @returns `matches` is never larger than `sorted.length`; when it equals it, more candidates may be
 *   matches too and the caller should ask again with more.
 */
export function splitMatches(sorted: ArrayLike<number>, population: number, bg: Background): Cutoff {
  const n = Math.max(population, sorted.length, 1);
  let significant = 0;
  for (let k = 1; k <= sorted.length; k++) {
    const z = (sorted[k - 1] - bg.median) / bg.sigma;
    if (z < MIN_Z) break;
    if (normalUpperTail(z) <= (FALSE_DISCOVERY_RATE * k) / n) significant = k;
  }
  const matches = topTier(sorted, significant, bg.median);
  return { matches, threshold: matches > 0 ? sorted[matches - 1] : Infinity, significant };
}

/** Length of the upper tier among the first `count` scores (see the module comment, step 3). */
function topTier(sorted: ArrayLike<number>, count: number, median: number): number {
  for (let j = 1; j < count; j++) {
    const gap = sorted[j - 1] - sorted[j];
    const height = sorted[j] - median;
    if (gap > TIER_GAP * height) return j;
  }
  return count;
}

export type Strength = 'strong' | 'good' | 'weak';

/**
 * A relevance a person can read: 0..100, where 100 is this query's best match and 0
 * the library's median; matches are 'strong' from 75 up, 'good' below, everything
 * else is 'weak'.
 */
export function relevance(score: number, best: number, bg: Background, isMatch: boolean): { value: number; strength: Strength } {
  const span = best - bg.median;
  const value = span > 0 ? Math.round(Math.min(100, Math.max(0, (100 * (score - bg.median)) / span))) : 0;
  return { value, strength: !isMatch ? 'weak' : value >= 75 ? 'strong' : 'good' };
}
