import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDigest, pairDigest } from '../../../src-main/core/vectors/digest.ts';
import { HalfMatrix } from '../../../src-main/core/vectors/half-matrix.ts';
import type { IndexStamp } from '../../../src-main/core/vectors/hnsw-index.ts';
import { loadVectorFile, loadVectorFileSync, saveVectorFile } from '../../../src-main/core/vectors/vector-file.ts';
import { randomUnitVector, seededRandom } from './random-vectors.ts';

const DIM = 24;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-vector-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function saved(count: number, dim = DIM): { file: string; matrix: HalfMatrix; stamp: IndexStamp; digests: Map<number, number> } {
  const rand = seededRandom(count);
  const matrix = new HalfMatrix(dim);
  const digests = new Map<number, number>();
  let sum = 0;
  for (let id = 1; id <= count; id++) {
    const v = randomUnitVector(dim, rand);
    matrix.add(id * 2, v);
    digests.set(id * 2, pairDigest(id * 2, v));
    sum = addDigest(sum, digests.get(id * 2)!);
  }
  const stamp: IndexStamp = { library: 'lib-1', modelId: `${dim}d-test`, dim, count, generation: 7, digest: sum };
  const file = path.join(dir, 'index', 'model.vectors');
  saveVectorFile(file, matrix, stamp, digests);
  return { file, matrix, stamp, digests };
}

describe('the saved vectors beside the graph', () => {
  it('come back with the same scores and pair digests, read in the background or at once', async () => {
    const { file, matrix, stamp, digests } = saved(300);
    const query = randomUnitVector(DIM, seededRandom(1));
    for (const loaded of [await loadVectorFile(file, stamp), loadVectorFileSync(file, stamp)]) {
      if (!('matrix' in loaded)) throw new Error(loaded.reason);
      expect(loaded.matrix.topK(query, 300)).toEqual(matrix.topK(query, 300));
      expect(loaded.digests).toEqual(digests);
    }
  });

  it.each([
    ['another library', { library: 'lib-2' }],
    ['another state of the library', { generation: 8 }],
    ['other vectors', { digest: 12345 }],
  ])('are not used for %s', async (_case, change) => {
    const { file, stamp } = saved(50);
    expect(await loadVectorFile(file, { ...stamp, ...change })).toEqual({ reason: expect.stringMatching(/^stale/) });
  });

  it.each([
    [
      'a flipped byte among the vectors',
      (f: string) => {
        const bytes = fs.readFileSync(f);
        bytes[bytes.length - 10] ^= 0x40;
        fs.writeFileSync(f, bytes);
      },
    ],
    ['a truncated file', (f: string) => fs.truncateSync(f, fs.statSync(f).size - 3)],
    ['random bytes', (f: string) => fs.writeFileSync(f, Buffer.alloc(4096, 7))],
  ])('are refused, never half used, after %s', async (_case, damage) => {
    const { file, stamp } = saved(50);
    damage(file);
    expect(await loadVectorFile(file, stamp)).toEqual({ reason: expect.stringMatching(/^unreadable/) });
    expect(loadVectorFileSync(file, stamp)).toEqual({ reason: expect.stringMatching(/^unreadable/) });
  });

  it('come back from a file read in several chunks, and are refused after a flipped byte in a middle chunk', async () => {
    // 20,000 rows of 512 halves: 20 MB of rows, read 8 MB at a time.
    const { file, matrix, stamp } = saved(20_000, 512);
    const loaded = await loadVectorFile(file, stamp);
    if (!('matrix' in loaded)) throw new Error(loaded.reason);
    const query = randomUnitVector(512, seededRandom(2));
    expect(loaded.matrix.topK(query, 20)).toEqual(matrix.topK(query, 20));
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(file, bytes);
    expect(await loadVectorFile(file, stamp)).toEqual({ reason: 'unreadable: checksum differs' });
    expect(loadVectorFileSync(file, stamp)).toEqual({ reason: 'unreadable: checksum differs' });
  });

  it('are missing when never saved', async () => {
    expect(await loadVectorFile(path.join(dir, 'none.vectors'), saved(1).stamp)).toEqual({ reason: 'missing' });
  });
});
