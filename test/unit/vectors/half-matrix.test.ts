import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { fromHalf, toHalf } from '../../../src-main/core/vectors/half-float.ts';
import { HalfMatrix } from '../../../src-main/core/vectors/half-matrix.ts';
import { dot } from '../../../src-main/core/vectors/math.ts';
import { randomUnitVector, seededRandom } from './random-vectors.ts';

/** A cosine from halves is within this of the float32 one for unit vectors of these sizes (measured about 2e-5 at 512). */
const HALF_TOLERANCE = 2e-4;

function library(dim: number, count: number, seed: number) {
  const rand = seededRandom(seed);
  const vectors = new Map<number, Float32Array>();
  for (let i = 0; i < count; i++) vectors.set(3 * i + 1, randomUnitVector(dim, rand));
  const m = new HalfMatrix(dim, 4);
  for (const [id, v] of vectors) m.add(id, v);
  return { vectors, m, rand };
}

function exactScores(query: Float32Array, vectors: Map<number, Float32Array>): Map<number, number> {
  return new Map([...vectors].map(([id, v]) => [id, dot(query, v)]));
}

describe('half floats', () => {
  it.each([
    [1, 1],
    [0.1, 0.0999755859375],
    [-0.333, -0.3330078125],
    [65504, 65504],
    [1e-5, 0],
    [-3e-5, -0],
  ])('%f is stored as %f (nearest half, values below the smallest normal half as zero)', (x, stored) => {
    expect(fromHalf(toHalf(x))).toBe(stored);
  });

  it('rounds a tie to the even half', () => {
    // 1 + 2^-11 lies exactly between 1 and 1 + 2^-10.
    expect(fromHalf(toHalf(1 + 2 ** -11))).toBe(1);
    expect(fromHalf(toHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 * 2 ** -10);
  });
});

describe('HalfMatrix', () => {
  it.each([16, 20, 512, 768])('scores every row as the float32 dot product does, at %i dimensions', (dim) => {
    const { vectors, m, rand } = library(dim, 300, dim);
    const query = randomUnitVector(dim, rand);
    const exact = exactScores(query, vectors);
    const scores = m.scores(query);
    expect(scores.length).toBe(300);
    for (let row = 0; row < m.size; row++) expect(Math.abs(scores[row] - exact.get(m.idAt(row))!)).toBeLessThan(HALF_TOLERANCE);
  });

  it('finds the same top ids as an exact float32 ranking, best first', () => {
    const { vectors, m, rand } = library(64, 500, 7);
    for (let q = 0; q < 5; q++) {
      const query = randomUnitVector(64, rand);
      const exact = [...exactScores(query, vectors)].sort((a, b) => b[1] - a[1]);
      const got = m.topK(query, 10);
      expect(got.map((h) => h.id)).toEqual(exact.slice(0, 10).map(([id]) => id));
      for (let i = 1; i < got.length; i++) expect(got[i - 1].score).toBeGreaterThanOrEqual(got[i].score);
    }
  });

  it('keeps only the ids a filter accepts, and scores a list of ids', () => {
    const { vectors, m, rand } = library(32, 200, 3);
    const query = randomUnitVector(32, rand);
    const accept = (id: number) => id % 2 === 0;
    expect(m.topK(query, 500, accept).every((h) => accept(h.id))).toBe(true);
    const wanted = [7, 10, 13, 999_999, 7];
    const scored = m.scoreIds(query, wanted);
    expect(scored.map((s) => s.id).sort((a, b) => a - b)).toEqual([7, 10, 13]);
    for (const s of scored) expect(s.score).toBeCloseTo(dot(query, vectors.get(s.id)!), 3);
    const all = m.scoreIds(query, [...vectors.keys()].reverse());
    expect(all.map((h) => h.id)).toEqual(m.topK(query, vectors.size).map((h) => h.id));
  });

  it('replaces, removes and moves rows without mixing up whose vector is whose', () => {
    const { vectors, m, rand } = library(24, 50, 11);
    for (const id of [1, 4, 148, 73]) {
      m.remove(id);
      vectors.delete(id);
    }
    const replaced = randomUnitVector(24, rand);
    m.add(10, replaced);
    vectors.set(10, replaced);
    expect(m.size).toBe(vectors.size);
    expect(m.has(4)).toBe(false);
    for (const [id, v] of vectors) {
      const [best] = m.topK(v, 1);
      expect(best.id).toBe(id);
      expect(best.score).toBeCloseTo(1, 3);
    }
  });

  it('gives back the rows it saved, with their ids', () => {
    const { m, rand } = library(40, 100, 5);
    const copy = new HalfMatrix(40, 1);
    copy.reserve(m.size).set(m.rowBytesView());
    copy.commit(m.idsView().slice());
    const query = randomUnitVector(40, rand);
    expect(copy.topK(query, 100)).toEqual(m.topK(query, 100));
  });

  it('reads every half back as its float32 value, and copies a subset of rows as stored', () => {
    const { vectors, m, rand } = library(20, 60, 13);
    for (const [id, v] of vectors) expect(Array.from(m.vector(id)!)).toEqual(Array.from(v, (x) => fromHalf(toHalf(x))));
    const picked = [31, 1, 999, 58];
    const subset = m.subset(picked);
    expect(subset.size).toBe(3);
    const query = randomUnitVector(20, rand);
    expect(subset.topK(query, 3)).toEqual(m.scoreIds(query, picked).slice(0, 3));
  });

  it('measures the spread of its rows as the covariance of their float32 values does', () => {
    const { vectors, m } = library(48, 400, 17);
    const rows = [...vectors.values()].map((v) => Float64Array.from(v, (x) => fromHalf(toHalf(x))));
    const mean = new Float64Array(48);
    for (const r of rows) r.forEach((x, d) => (mean[d] += x / rows.length));
    let total = 0;
    for (const r of rows) r.forEach((x, d) => (total += (x - mean[d]) ** 2));
    expect(m.spread()).toBeCloseTo(Math.sqrt(total / (rows.length - 1) / 48), 9);
    expect(m.subset([1]).spread()).toBe(0);
  });

  it('refuses vectors of another length and impossible ids', () => {
    const m = new HalfMatrix(16);
    expect(() => m.add(1, new Float32Array(8))).toThrow(InputError);
    expect(() => m.add(-1, new Float32Array(16))).toThrow(InputError);
    expect(() => new HalfMatrix(0)).toThrow(InputError);
  });
});
