import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSavedGraph } from '../../../src-main/core/learn/saved-graph.ts';
import { HnswIndex } from '../../../src-main/core/vectors/hnsw-index.ts';
import { dot } from '../../../src-main/core/vectors/math.ts';
import { clusteredVectors, seededRandom } from '../vectors/random-vectors.ts';

const DIM = 24;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-saved-graph-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the bottom layer of a saved index', () => {
  const vectors = clusteredVectors(1500, DIM, 40, 0.15, seededRandom(8));
  const index = HnswIndex.empty(DIM, vectors.length);
  vectors.forEach((v, i) => index.add(10 * i + 3, v));
  const removed = [3, 10 * 700 + 3];
  for (const id of removed) index.remove(id);
  const file = path.join(dir, 'model.hnsw');
  const stamp = { library: 'lib', modelId: 'm', dim: DIM, count: index.size, generation: 1, digest: 12345 };
  index.save(file, stamp);

  it('gives every photo its vector, marks removed ones, and links each to its nearest neighbour', () => {
    const graph = readSavedGraph(file, DIM, { count: stamp.count, digest: stamp.digest })!;
    expect(graph.size).toBe(vectors.length);
    const rowOf = new Map<number, number>();
    for (let row = 0; row < graph.size; row++) rowOf.set(graph.id(row), row);
    expect([...rowOf.keys()].sort((a, b) => a - b)).toEqual(vectors.map((_, i) => 10 * i + 3));
    for (const id of removed) expect(graph.live(rowOf.get(id)!)).toBe(false);
    let linked = 0;
    let live = 0;
    vectors.forEach((v, i) => {
      const row = rowOf.get(10 * i + 3)!;
      // hnswlib normalises again on insert: the same vector to float precision.
      expect(dot(graph.vector(row), v)).toBeCloseTo(1, 5);
      if (!graph.live(row)) return;
      live++;
      let best = -1;
      let bestScore = -Infinity;
      vectors.forEach((w, j) => {
        if (j === i || !graph.live(rowOf.get(10 * j + 3)!)) return;
        const s = dot(v, w);
        if (s > bestScore) [best, bestScore] = [j, s];
      });
      if (graph.neighbours(row).includes(rowOf.get(10 * best + 3)!)) linked++;
    });
    expect(linked / live).toBeGreaterThanOrEqual(0.99);
    expect(graph.similarity(0, 1)).toBeCloseTo(dot(graph.vector(0), graph.vector(1)), 5);
  });

  it('is not read when it does not hold what the store holds', () => {
    expect(readSavedGraph(file, DIM, { count: stamp.count + 1, digest: stamp.digest })).toBeNull();
    expect(readSavedGraph(file, DIM, { count: stamp.count, digest: stamp.digest + 1 })).toBeNull();
    expect(readSavedGraph(file, DIM + 1, { count: stamp.count, digest: stamp.digest })).toBeNull();
    expect(readSavedGraph(path.join(dir, 'missing.hnsw'), DIM, { count: stamp.count, digest: stamp.digest })).toBeNull();
    const copy = path.join(dir, 'tampered.hnsw');
    fs.copyFileSync(file, copy);
    fs.copyFileSync(`${file}.json`, `${copy}.json`);
    const bytes = fs.readFileSync(copy);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(copy, bytes);
    expect(readSavedGraph(copy, DIM, { count: stamp.count, digest: stamp.digest })).toBeNull();
  });
});
