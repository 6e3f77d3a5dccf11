import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { VectorMatrix, topK } from '../../../src-main/core/vectors/exact.ts';
import { HnswIndex } from '../../../src-main/core/vectors/hnsw-index.ts';
import { clusteredVectors, randomUnitVector, seededRandom } from './random-vectors.ts';

function recallAt(k: number, index: HnswIndex, exact: VectorMatrix, queries: Float32Array[], filter?: (id: number) => boolean): number {
  let found = 0;
  let wanted = 0;
  for (const q of queries) {
    const truth = new Set(topK(q, exact, k, filter).map((r) => r.id));
    wanted += truth.size;
    for (const r of index.search(q, k, filter)) if (truth.has(r.id)) found++;
  }
  return found / wanted;
}

function build(count: number, dim: number, seed: number) {
  const rand = seededRandom(seed);
  // Queries come from the same clusters as the library but are not in it, like a new photo of a known scene.
  const all = clusteredVectors(count + 100, dim, 100, 0.2, rand);
  const vectors = all.slice(0, count);
  const queries = all.slice(count);
  const index = HnswIndex.empty(dim);
  const exact = new VectorMatrix(dim, count);
  vectors.forEach((v, i) => {
    const id = 3 * i + 1;
    index.add(id, v);
    exact.add(id, v);
  });
  return { index, exact, vectors, queries, rand };
}

describe('HnswIndex search', () => {
  const lib = build(5000, 64, 2024);

  it('finds at least 95% of the exact top 10 on 5,000 clustered 64-d vectors', () => {
    expect(lib.index.size).toBe(5000);
    expect(recallAt(10, lib.index, lib.exact, lib.queries)).toBeGreaterThanOrEqual(0.95);
  });

  it('scores by cosine similarity, best first', () => {
    const q = lib.queries[0];
    const results = lib.index.search(q, 10);
    const exact = new Map(topK(q, lib.exact, 5000).map((r) => [r.id, r.score]));
    for (const r of results) expect(r.score).toBeCloseTo(exact.get(r.id)!, 4);
    for (let i = 1; i < results.length; i++) expect(results[i - 1].score).toBeGreaterThanOrEqual(results[i].score);
  });

  it('never returns an id the filter excludes, and still finds the allowed neighbours', () => {
    const allowed = (id: number) => id % 2 === 0;
    for (const q of lib.queries.slice(0, 20)) {
      const results = lib.index.search(q, 20, allowed);
      expect(results.length).toBe(20);
      expect(results.every((r) => allowed(r.id))).toBe(true);
    }
    expect(recallAt(10, lib.index, lib.exact, lib.queries.slice(0, 20), allowed)).toBeGreaterThanOrEqual(0.95);
  });

  it('returns at most as many results as there are live points', () => {
    const small = HnswIndex.empty(8);
    const rand = seededRandom(5);
    for (let id = 1; id <= 3; id++) small.add(id, randomUnitVector(8, rand));
    small.remove(2);
    expect(
      small
        .search(randomUnitVector(8, rand), 50)
        .map((r) => r.id)
        .sort(),
    ).toEqual([1, 3]);
    expect(HnswIndex.empty(8).search(randomUnitVector(8, rand), 10)).toEqual([]);
  });
});

describe('HnswIndex add and remove', () => {
  it('never returns a removed id, and finds it again once re-added', () => {
    const { index, vectors } = build(1500, 32, 77);
    const removed = new Set<number>();
    for (let i = 0; i < 1500; i += 3) {
      index.remove(3 * i + 1);
      removed.add(3 * i + 1);
    }
    index.remove(999_999);
    index.remove(3 * 0 + 1);
    expect(index.size).toBe(1500 - removed.size);
    expect(index.deletedCount).toBe(removed.size);

    for (let i = 0; i < 1500; i += 7) {
      const results = index.search(vectors[i], 30);
      expect(results.filter((r) => removed.has(r.id))).toEqual([]);
    }

    index.add(1, vectors[0]);
    expect(index.size).toBe(1500 - removed.size + 1);
    expect(index.search(vectors[0], 1)[0]).toEqual({ id: 1, score: expect.closeTo(1, 4) });
  });

  it('replaces the vector of an id that is added again', () => {
    const rand = seededRandom(9);
    const index = HnswIndex.empty(16);
    const others = Array.from({ length: 50 }, () => randomUnitVector(16, rand));
    others.forEach((v, i) => index.add(i + 100, v));
    const before = randomUnitVector(16, rand);
    const after = randomUnitVector(16, rand);
    index.add(7, before);
    index.add(7, after);
    expect(index.size).toBe(51);
    expect(index.search(after, 1)[0]).toEqual({ id: 7, score: expect.closeTo(1, 4) });
    expect(index.search(before, 51).find((r) => r.id === 7)?.score).toBeCloseTo(dotOf(before, after), 4);
  });

  it('grows past its initial capacity and keeps every point findable', () => {
    const rand = seededRandom(4);
    const index = HnswIndex.empty(8, 2);
    const vectors = Array.from({ length: 300 }, () => randomUnitVector(8, rand));
    vectors.forEach((v, i) => index.add(i, v));
    expect(index.size).toBe(300);
    const selfHits = vectors.filter((v, i) => index.search(v, 1)[0]?.id === i).length;
    expect(selfHits).toBeGreaterThanOrEqual(297);
  });

  it('accepts large sparse ids and refuses ids it could not store without aliasing', () => {
    const rand = seededRandom(6);
    const index = HnswIndex.empty(8);
    const v = randomUnitVector(8, rand);
    index.add(4_000_000_000, v);
    expect(index.search(v, 1)[0].id).toBe(4_000_000_000);
    for (const bad of [2 ** 32, -1, 1.5, Number.NaN]) expect(() => index.add(bad, v)).toThrow(InputError);
    expect(index.size).toBe(1);
  });

  it('rejects vectors of the wrong dimension or with non-finite values', () => {
    const index = HnswIndex.empty(4);
    expect(() => index.add(1, new Float32Array(5))).toThrow(InputError);
    expect(() => index.add(1, new Float32Array([1, Number.NaN, 0, 0]))).toThrow(InputError);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(InputError);
    expect(index.size).toBe(0);
  });
});

function dotOf(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
