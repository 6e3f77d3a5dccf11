import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { VectorMatrix, scoreIds, topK } from '../../../src-main/core/vectors/exact.ts';
import { dot } from '../../../src-main/core/vectors/math.ts';
import { randomUnitVector, seededRandom } from './random-vectors.ts';

const DIM = 24;

function fullSort(query: Float32Array, vectors: Map<number, Float32Array>, filter?: (id: number) => boolean) {
  return [...vectors]
    .filter(([id]) => filter === undefined || filter(id))
    .map(([id, v]) => ({ id, score: dot(query, v) }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

function library(count: number, seed: number) {
  const rand = seededRandom(seed);
  const vectors = new Map<number, Float32Array>();
  // Sparse, large ids as SQLite rowids can be after deletions.
  for (let i = 0; i < count; i++) vectors.set(1_000_003 * i + 17, randomUnitVector(DIM, rand));
  const m = new VectorMatrix(DIM, 8);
  for (const [id, v] of vectors) m.add(id, v);
  return { vectors, m, rand };
}

describe('topK', () => {
  it.each([1, 5, 10, 64, 500, 1000])('returns the same top %i as a full sort of exact scores', (k) => {
    const { vectors, m, rand } = library(500, k);
    for (let q = 0; q < 5; q++) {
      const query = randomUnitVector(DIM, rand);
      expect(topK(query, m, k)).toEqual(fullSort(query, vectors).slice(0, k));
    }
  });

  it('only considers ids the filter allows', () => {
    const { vectors, m, rand } = library(400, 99);
    const allowed = (id: number) => id % 3 === 0;
    const query = randomUnitVector(DIM, rand);
    const got = topK(query, m, 25, allowed);
    expect(got).toEqual(fullSort(query, vectors, allowed).slice(0, 25));
    expect(got.every((r) => allowed(r.id))).toBe(true);
  });

  it('returns nothing for k <= 0 or an empty matrix', () => {
    const { m, rand } = library(10, 1);
    const query = randomUnitVector(DIM, rand);
    expect(topK(query, m, 0)).toEqual([]);
    expect(topK(query, new VectorMatrix(DIM), 5)).toEqual([]);
  });

  it('rejects a query of the wrong dimension', () => {
    const { m } = library(3, 2);
    expect(() => topK(new Float32Array(DIM + 1), m, 1)).toThrow(InputError);
  });
});

describe('VectorMatrix', () => {
  it('keeps every other vector under its own id after removals move rows around', () => {
    const { vectors, m, rand } = library(300, 7);
    const ids = [...vectors.keys()];
    const removed = new Set(ids.filter((_, i) => i % 4 === 1 || i === 0 || i === ids.length - 1));
    for (const id of removed) m.remove(id);
    m.remove(123456789);

    expect(m.size).toBe(vectors.size - removed.size);
    expect(new Set(m.ids())).toEqual(new Set(ids.filter((id) => !removed.has(id))));
    for (const id of ids) {
      expect(m.has(id)).toBe(!removed.has(id));
      if (!removed.has(id)) expect(m.get(id)).toEqual(vectors.get(id));
      else expect(m.get(id)).toBeUndefined();
    }
    for (const id of removed) vectors.delete(id);
    const query = randomUnitVector(DIM, rand);
    expect(topK(query, m, 40)).toEqual(fullSort(query, vectors).slice(0, 40));
  });

  it('overwrites the vector when an id is added again', () => {
    const rand = seededRandom(3);
    const m = new VectorMatrix(DIM);
    const first = randomUnitVector(DIM, rand);
    const second = randomUnitVector(DIM, rand);
    m.add(5, first);
    m.add(6, randomUnitVector(DIM, rand));
    m.add(5, second);
    expect(m.size).toBe(2);
    expect(m.get(5)).toEqual(second);
    expect(topK(second, m, 1)[0]).toEqual({ id: 5, score: expect.closeTo(1, 5) });
  });

  it('hands out copies, so a caller cannot corrupt the stored vector', () => {
    const m = new VectorMatrix(2);
    m.add(1, new Float32Array([1, 0]));
    m.get(1)!.fill(9);
    expect(Array.from(m.get(1)!)).toEqual([1, 0]);
  });
});

describe('scoreIds', () => {
  it('scores the given candidates exactly, best first, skipping unknown and repeated ids', () => {
    const { vectors, m, rand } = library(200, 11);
    const query = randomUnitVector(DIM, rand);
    const candidates = [...vectors.keys()].slice(0, 30);
    const got = scoreIds(query, m, [...candidates, 42, candidates[3], candidates[3]]);
    const subset = new Map(candidates.map((id) => [id, vectors.get(id)!]));
    expect(got).toEqual(fullSort(query, subset));
  });
});
