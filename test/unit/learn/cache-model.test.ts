import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { affinity, cacheModelScores, DEFAULT_CACHE_PARAMS, ExampleCache, type TextTerm } from '../../../src-main/core/learn/cache-model.ts';
import { dot, l2normalize } from '../../../src-main/core/vectors/math.ts';
import { randomUnitVector, seededRandom } from '../vectors/random-vectors.ts';

const DIM = 32;

/** A unit vector at cosine `cos` from `base`, in a direction fixed by `rand`. */
function atCosine(base: Float32Array, cos: number, rand: () => number): Float32Array {
  const other = randomUnitVector(DIM, rand);
  const along = dot(other, base);
  const orth = other.map((x, i) => x - along * base[i]);
  l2normalize(orth);
  return l2normalize(base.map((x, i) => cos * x + Math.sqrt(1 - cos * cos) * orth[i]));
}

function pack(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.length * DIM);
  rows.forEach((r, i) => out.set(r, i * DIM));
  return out;
}

describe('cache model scores', () => {
  const rand = seededRandom(3);
  const exampleA = randomUnitVector(DIM, rand);
  const exampleB = randomUnitVector(DIM, rand);

  it('follow exp(-beta (1 - cos)) summed over the examples, as Tip-Adapter', () => {
    const x = atCosine(exampleA, 0.8, rand);
    const [score] = cacheModelScores(x, DIM, [exampleA, exampleB], [], null, { alpha: 2, beta: 5, counterWeight: 1 });
    expect(score).toBeCloseTo(2 * (affinity(dot(x, exampleA), 5) + affinity(dot(x, exampleB), 5)), 5);
    expect(affinity(1, 5)).toBe(1);
    expect(affinity(0, 5)).toBeCloseTo(Math.exp(-5), 10);
  });

  it('rank a photo near either of two looks above one between them, where the centroid does the opposite', () => {
    const nearA = atCosine(exampleA, 0.95, rand);
    const nearB = atCosine(exampleB, 0.95, rand);
    const between = l2normalize(exampleA.map((x, i) => x + exampleB[i]));
    const scores = cacheModelScores(pack([nearA, nearB, between]), DIM, [exampleA, exampleB], [], null);
    expect(scores[0]).toBeGreaterThan(scores[2]);
    expect(scores[1]).toBeGreaterThan(scores[2]);
    const centre = l2normalize(exampleA.map((x, i) => x + exampleB[i]));
    expect(dot(between, centre)).toBeGreaterThan(dot(nearA, centre));
  });

  it('push down what resembles a counter-example, and little else', () => {
    const counter = atCosine(exampleA, 0.6, rand);
    const likeCounter = atCosine(counter, 0.97, rand);
    const plain = new ExampleCache([exampleA], [], null);
    const pushed = new ExampleCache([exampleA], [counter], null);
    const far = atCosine(exampleA, 0.9, rand);
    expect(pushed.score(likeCounter)).toBeLessThan(plain.score(likeCounter) - 0.5 * DEFAULT_CACHE_PARAMS.alpha * affinity(0.97, DEFAULT_CACHE_PARAMS.beta));
    expect(plain.score(far) - pushed.score(far)).toBeLessThan(0.2);
  });

  it('with alpha 0, rank by the words alone; with words, the best text match scores 1 before the examples', () => {
    const text: TextTerm = { vector: randomUnitVector(DIM, rand), median: 0.1, sigma: 0.05, best: 0.4 };
    const photos = Array.from({ length: 20 }, () => randomUnitVector(DIM, rand));
    const scores = cacheModelScores(pack(photos), DIM, [exampleA], [], text, { alpha: 0, beta: 5.5, counterWeight: 1 });
    const byText = photos.map((p, i) => ({ i, s: dot(p, text.vector) })).sort((a, b) => b.s - a.s);
    const byModel = [...scores].map((s, i) => ({ i, s })).sort((a, b) => b.s - a.s);
    expect(byModel.map((r) => r.i)).toEqual(byText.map((r) => r.i));
    const cache = new ExampleCache([], [], text);
    const best = atCosine(text.vector, 0.4, rand);
    expect(cache.score(best)).toBeCloseTo(1, 5);
  });

  it('are bounded by bound() for any photo within the given reach of each example', () => {
    const text: TextTerm = { vector: randomUnitVector(DIM, rand), median: 0.05, sigma: 0.05, best: 0.5 };
    const cache = new ExampleCache([exampleA, exampleB], [randomUnitVector(DIM, rand)], text);
    const reach = [0.7, 0.6];
    const bound = cache.bound(reach, 0.3);
    for (let i = 0; i < 200; i++) {
      const x = randomUnitVector(DIM, rand);
      if (dot(x, exampleA) <= reach[0] && dot(x, exampleB) <= reach[1] && dot(x, text.vector) <= 0.3) expect(cache.score(x)).toBeLessThanOrEqual(bound);
    }
    expect(cache.score(atCosine(exampleA, 0.99, rand))).toBeGreaterThan(bound);
  });

  it.each([
    ['no examples and no words', () => new ExampleCache([], [randomUnitVector(DIM, rand)], null)],
    ['an example of another dimension', () => new ExampleCache([exampleA, new Float32Array(8)], [], null)],
    ['a negative sharpness', () => new ExampleCache([exampleA], [], null, { alpha: 1, beta: -1, counterWeight: 1 })],
    ['candidates of another dimension', () => cacheModelScores(new Float32Array(DIM + 1), DIM, [exampleA], [], null)],
  ])('refuse %s', (_label, make) => {
    expect(make).toThrow(InputError);
  });
});
