import { background, type Background } from '../search/ranking/cutoff.ts';
import type { LibrarySample } from '../search/ranking/library-sample.ts';
import type { ExampleCache, TextTerm } from './cache-model.ts';

/**
 * The words of a query as the cache model takes them (cache-model.ts TextTerm): the
 * text embedding with the background of its cosines over the library sample
 * (search/ranking/cutoff.ts) and its best cosine in the library, so that its term
 * reads 0 for a typical photo and 1 for the best match, whatever the model.
 * @param vector text embedding `[D]`, L2-normalised
 * @param best the best cosine of a photo with the text: the top hit of the graph (ModelIndex.hnsw.search(vector, 1))
 */
export function textTerm(vector: Float32Array, sample: LibrarySample, best: number): TextTerm {
  const { median, sigma } = background(sample.scores(vector), sample.spread);
  return { vector, median, sigma, best };
}

/** Cosines of each key with the sample, kept while both are alive: a click adds one key, the others are already known. */
const sampleCosines = new WeakMap<LibrarySample, WeakMap<Float32Array, Float32Array>>();

function cosinesWith(sample: LibrarySample, vector: Float32Array): Float32Array {
  let known = sampleCosines.get(sample);
  if (!known) sampleCosines.set(sample, (known = new WeakMap()));
  let cosines = known.get(vector);
  if (!cosines) known.set(vector, (cosines = sample.scores(vector)));
  return cosines;
}

/**
 * The background of the cache model's scores for one query over the library sample,
 * for the cutoff's split into matches and weaker matches (cutoff.ts splitMatches) of
 * a ranking by examples. Each example, counter-example and text costs one pass over
 * the sample (about 2 ms for 4096 photos of 512 values) the first time it is seen,
 * as long as the caller passes the same vector objects again (ExampleRanker does).
 */
export function learnedBackground(cache: ExampleCache, sample: LibrarySample): Background {
  const cosines = cache.keyVectors.map((v) => cosinesWith(sample, v));
  const text = cache.text ? cosinesWith(sample, cache.text.vector) : null;
  // No floor from the library's spread: these scores are not cosines.
  return background(cache.scoreFromCosines(cosines, text, sample.size), 0);
}
