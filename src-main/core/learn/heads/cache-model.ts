import { dot } from '../../vectors/math.ts';

/**
 * A training-free cache model (Tip-Adapter, Zhang et al. 2022, "Tip-Adapter:
 * Training-free Adaption of CLIP for Few-shot Classification"): the labelled
 * examples are the cache, and a photo's score for a class adds to the zero-shot logit
 * its affinity to the class's examples, `exp(-beta * (1 - cos))` summed over them.
 */
export interface Cache {
  /** `[K][D]` L2-normalised embeddings of the examples. */
  keys: readonly Float32Array[];
  /** `[K]` class of each example. */
  keyClass: readonly number[];
  classes: number;
}

/** The paper's defaults for ImageNet: the cache weighs as much as zero-shot, and the affinity's sharpness. */
export const TIP_ADAPTER_ALPHA = 1;
export const TIP_ADAPTER_BETA = 5.5;

/**
 * Affinity of `x` to each class's examples, `[C]`: Tip-Adapter's sum, scaled by
 * (mean examples per class / the class's examples) so that a class with more
 * examples does not win on their number (BALLAD's class balance). With as many
 * examples in every class it is the paper's plain sum.
 * @param skip an example index left out (its own entry, for leave-one-out scores)
 */
export function cacheAffinity(x: Float32Array, cache: Cache, beta = TIP_ADAPTER_BETA, skip = -1): Float64Array {
  const sums = new Float64Array(cache.classes);
  const counts = new Float64Array(cache.classes);
  for (let k = 0; k < cache.keys.length; k++) {
    if (k === skip) continue;
    const c = cache.keyClass[k];
    sums[c] += Math.exp(-beta * (1 - dot(x, cache.keys[k])));
    counts[c]++;
  }
  const present = counts.filter((n) => n > 0);
  const mean = present.reduce((a, b) => a + b, 0) / Math.max(1, present.length);
  return sums.map((s, c) => (counts[c] > 0 ? (s * mean) / counts[c] : 0));
}

/**
 * Tip-Adapter's logits for `x`, `[C]`: `scale * x . w_c + alpha * affinity_c`.
 * @param zeroShot `[C][D]` the classes' text embeddings (prompt ensembles)
 * @param scale the zero-shot logit scale (CLIP: 100)
 */
export function tipAdapterLogits(
  x: Float32Array,
  zeroShot: readonly Float32Array[],
  scale: number,
  cache: Cache,
  alpha = TIP_ADAPTER_ALPHA,
  beta = TIP_ADAPTER_BETA,
): Float64Array {
  const affinity = cacheAffinity(x, cache, beta);
  return Float64Array.from(zeroShot, (w, c) => scale * dot(w, x) + alpha * affinity[c]);
}
