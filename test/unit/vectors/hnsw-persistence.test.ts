import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HnswIndex, type IndexStamp } from '../../../src-main/core/vectors/hnsw-index.ts';
import { INDEX_FORMAT_VERSION } from '../../../src-main/core/vectors/hnsw-sidecar.ts';
import { clusteredVectors, seededRandom } from './random-vectors.ts';

const DIM = 32;
const COUNT = 1200;

const all = clusteredVectors(COUNT + 20, DIM, 30, 0.2, seededRandom(31));
const records = all.slice(0, COUNT).map((vector, i) => ({ id: 10 * i + 7, vector }));
const queries = all.slice(COUNT);
const stamp: IndexStamp = { library: 'library-a', modelId: 'clip-test', dim: DIM, count: COUNT, generation: 42, digest: 1234 };
const source = () => records;

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'photo-search-hnsw-'));
  file = path.join(dir, 'vectors', 'clip-test.hnsw');
});

afterEach(async () => {
  await fs.promises.rm(dir, { recursive: true, force: true });
});

function resultsOf(index: HnswIndex) {
  return queries.map((q) => index.search(q, 10));
}

/** Builds the index from the source the way a first start does, and saves it. */
function saved(): { index: HnswIndex; results: ReturnType<typeof resultsOf> } {
  const { index, rebuilt, reason } = HnswIndex.open(file, stamp, source);
  expect([rebuilt, reason]).toEqual([true, 'missing']);
  index.save(file, stamp);
  return { index, results: resultsOf(index) };
}

function sidecarFile() {
  return `${file}.json`;
}

/** Makes the sidecar vouch for whatever the index file now holds, so the file itself must be judged. */
function resealSidecar() {
  const bytes = fs.readFileSync(file);
  const sidecar = JSON.parse(fs.readFileSync(sidecarFile(), 'utf8'));
  fs.writeFileSync(sidecarFile(), JSON.stringify({ ...sidecar, bytes: bytes.length, crc32: zlib.crc32(bytes) }));
}

describe('HnswIndex save and open', () => {
  it('reopens a saved index without rebuilding and gives identical results', () => {
    const { results } = saved();
    const opened = HnswIndex.open(file, stamp, () => {
      throw new Error('must not rebuild');
    });
    expect(opened.rebuilt).toBe(false);
    expect(opened.reason).toBeUndefined();
    expect(opened.index.size).toBe(COUNT);
    expect(resultsOf(opened.index)).toEqual(results);
  });

  it('rebuilds from the store with identical results when the index file is deleted', () => {
    const { results } = saved();
    fs.rmSync(file);
    const opened = HnswIndex.open(file, stamp, source);
    expect(opened).toMatchObject({ rebuilt: true, reason: 'missing' });
    expect(resultsOf(opened.index)).toEqual(results);
  });

  it('does not write anything when it rebuilds: the caller saves with its own stamp', () => {
    saved();
    fs.rmSync(file);
    fs.rmSync(sidecarFile());
    HnswIndex.open(file, stamp, source);
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it.each<[string, Partial<IndexStamp>]>([
    ['another digest (other vectors)', { generation: 43, digest: 99 }],
    ['another count', { count: COUNT - 1 }],
    ['another model', { modelId: 'siglip-test' }],
    ['another library', { library: 'library-b' }],
  ])('rebuilds a stale index when the library is at %s', (_label, change) => {
    const { results } = saved();
    const opened = HnswIndex.open(file, { ...stamp, ...change }, source);
    expect(opened.rebuilt).toBe(true);
    expect(opened.reason).toMatch(/^stale: /);
    expect(opened.saved).toEqual(stamp);
    expect(resultsOf(opened.index)).toEqual(results);
  });

  it('uses a saved index at an older generation when it holds the same vectors', () => {
    const { results } = saved();
    const opened = HnswIndex.open(file, { ...stamp, generation: 50 }, () => {
      throw new Error('must not rebuild');
    });
    expect(opened.rebuilt).toBe(false);
    expect(resultsOf(opened.index)).toEqual(results);
  });

  it('says when the library is behind its saved index (it lost changes)', () => {
    saved();
    const opened = HnswIndex.open(file, { ...stamp, generation: 40, count: 10, digest: 7 }, () => records.slice(0, 10));
    expect(opened).toMatchObject({ rebuilt: true, reason: expect.stringMatching(/^behind: saved at change 42 with 1200 vectors/), saved: stamp });
  });

  it('rebuilds when the library now uses another dimension', () => {
    saved();
    const wider = all.slice(0, 50).map((v, i) => ({ id: i + 1, vector: Float32Array.from([...v, ...v]) }));
    const opened = HnswIndex.open(file, { ...stamp, dim: DIM * 2, count: 50 }, () => wider);
    expect(opened.rebuilt).toBe(true);
    expect(opened.reason).toMatch(/^stale: /);
    expect(opened.index.dim).toBe(DIM * 2);
    expect(opened.index.size).toBe(50);
  });

  it('rebuilds an index saved in another format version', () => {
    saved();
    const sidecar = JSON.parse(fs.readFileSync(sidecarFile(), 'utf8'));
    fs.writeFileSync(sidecarFile(), JSON.stringify({ ...sidecar, format: 999 }));
    expect(HnswIndex.open(file, stamp, source).reason).toMatch(/^stale: format 999/);
  });

  const corruptions: [string, () => void][] = [
    ['the index file replaced by random bytes', () => fs.writeFileSync(file, crypto.randomBytes(fs.statSync(file).size))],
    [
      'random bytes the sidecar vouches for',
      () => {
        fs.writeFileSync(file, crypto.randomBytes(50_000));
        resealSidecar();
      },
    ],
    [
      'a valid header followed by random bytes the sidecar vouches for',
      () => {
        const bytes = fs.readFileSync(file);
        crypto.randomFillSync(bytes, 96);
        fs.writeFileSync(file, bytes);
        resealSidecar();
      },
    ],
    ['the index file truncated to half', () => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2))],
    [
      'the index file truncated by 3 bytes, sidecar vouching for it',
      () => {
        fs.truncateSync(file, fs.statSync(file).size - 3);
        resealSidecar();
      },
    ],
    [
      'only the header left, sidecar vouching for it',
      () => {
        fs.truncateSync(file, 96);
        resealSidecar();
      },
    ],
    ['an empty index file', () => fs.writeFileSync(file, '')],
    [
      'one flipped byte in the graph links',
      () => {
        const bytes = fs.readFileSync(file);
        bytes[200] ^= 0x5a;
        fs.writeFileSync(file, bytes);
      },
    ],
    [
      'a sound index of another dimension, sidecar vouching for it',
      () => {
        const other = HnswIndex.empty(DIM / 2);
        records.forEach(({ id, vector }) => other.add(id, vector.subarray(0, DIM / 2)));
        other.save(file, { ...stamp, dim: DIM / 2 });
        const sidecar = JSON.parse(fs.readFileSync(sidecarFile(), 'utf8'));
        fs.writeFileSync(sidecarFile(), JSON.stringify({ ...sidecar, stamp }));
      },
    ],
    ['a sidecar that is not JSON', () => fs.writeFileSync(sidecarFile(), '{"format":1,"stamp":')],
    ['a sidecar with fields missing', () => fs.writeFileSync(sidecarFile(), JSON.stringify({ format: INDEX_FORMAT_VERSION, stamp }))],
    ['no sidecar', () => fs.rmSync(sidecarFile())],
    [
      'a directory where the index file should be',
      () => {
        fs.rmSync(file);
        fs.mkdirSync(file);
      },
    ],
  ];

  it.each(corruptions)('rebuilds instead of crashing on %s', (_label, corrupt) => {
    const { results } = saved();
    corrupt();
    const opened = HnswIndex.open(file, stamp, source);
    expect(opened.rebuilt).toBe(true);
    expect(opened.reason).toMatch(/^unreadable: /);
    expect(resultsOf(opened.index)).toEqual(results);
  });

  it('opens normally next to temp files left by an interrupted save, and clears them', () => {
    const { results } = saved();
    const leftovers = [`${file}.tmp-999999999`, `${file}.json.tmp-999999999`];
    fs.writeFileSync(leftovers[0], crypto.randomBytes(4096));
    fs.writeFileSync(leftovers[1], '{"format":1');
    const opened = HnswIndex.open(file, stamp, source);
    expect(opened.rebuilt).toBe(false);
    expect(resultsOf(opened.index)).toEqual(results);
    for (const leftover of leftovers) expect(fs.existsSync(leftover)).toBe(false);
  });

  it('keeps the temp file of a save that may still be running in this process', () => {
    saved();
    const live = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(live, 'in progress');
    HnswIndex.open(file, stamp, source);
    expect(fs.existsSync(live)).toBe(true);
  });

  it('never trusts a new index file paired with the previous sidecar (crash between the two renames)', () => {
    const { index } = saved();
    const firstSidecar = fs.readFileSync(sidecarFile());
    index.remove(records[0].id);
    const next: IndexStamp = { ...stamp, count: COUNT - 1, generation: 43, digest: 5 };
    index.save(file, next);
    fs.writeFileSync(sidecarFile(), firstSidecar);

    const atNewState = HnswIndex.open(file, next, () => records.slice(1));
    expect(atNewState).toMatchObject({ rebuilt: true, reason: expect.stringMatching(/^stale: /) });
    const atOldState = HnswIndex.open(file, stamp, source);
    expect(atOldState).toMatchObject({ rebuilt: true, reason: expect.stringMatching(/^unreadable: /) });
    expect(atOldState.index.size).toBe(COUNT);
  });

  it('keeps removed ids removed across save and open', () => {
    const { index } = saved();
    const removed = records.filter((_, i) => i % 5 === 0).map((r) => r.id);
    for (const id of removed) index.remove(id);
    const next: IndexStamp = { ...stamp, count: COUNT - removed.length, generation: 50, digest: 6 };
    index.save(file, next);

    const opened = HnswIndex.open(file, next, () => {
      throw new Error('must not rebuild');
    });
    expect(opened.rebuilt).toBe(false);
    expect(opened.index.size).toBe(COUNT - removed.length);
    expect(opened.index.deletedCount).toBe(removed.length);
    const gone = new Set(removed);
    for (const q of [...queries, ...records.slice(0, 100).map((r) => r.vector)]) {
      expect(opened.index.search(q, 25).filter((r) => gone.has(r.id))).toEqual([]);
    }
    opened.index.add(removed[0], records[0].vector);
    expect(opened.index.size).toBe(COUNT - removed.length + 1);
    expect(opened.index.search(records[0].vector, 1)[0].id).toBe(removed[0]);
  });

  it('saves and reopens an empty index, which then accepts new vectors', () => {
    const empty: IndexStamp = { ...stamp, count: 0, generation: 0, digest: 0 };
    const { index } = HnswIndex.open(file, empty, () => []);
    index.save(file, empty);
    const opened = HnswIndex.open(file, empty, () => {
      throw new Error('must not rebuild');
    });
    expect(opened.rebuilt).toBe(false);
    expect(opened.index.size).toBe(0);
    opened.index.add(5, records[0].vector);
    expect(opened.index.search(records[0].vector, 3)).toEqual([{ id: 5, score: expect.closeTo(1, 4) }]);
  });

  it('overwrites an earlier save in place, leaving no temp files behind', () => {
    const { index } = saved();
    index.add(1, queries[0]);
    const next: IndexStamp = { ...stamp, count: COUNT + 1, generation: 43, digest: 8 };
    index.save(file, next);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['clip-test.hnsw', 'clip-test.hnsw.json']);
    const opened = HnswIndex.open(file, next, source);
    expect(opened.rebuilt).toBe(false);
    expect(opened.index.search(queries[0], 1)[0].id).toBe(1);
  });
});
