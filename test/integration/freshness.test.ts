import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { startCli } from '../helpers/cli-process.ts';
import { writeJpegFolder } from '../helpers/photo-folder.ts';

let root: string;
let modelDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-freshness-'));
  modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const open = (libraryDir: string) => PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1 });

async function allPaths(service: PhotoSearchService): Promise<string[]> {
  const { hits } = await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 1000 });
  return hits.map((h) => h.path).sort();
}

/** A library of 6 photos open in this process (as `serve` or the desktop engine has it), its index loaded. */
async function runningEngine(name: string) {
  const photos = path.join(root, name, 'photos');
  const libraryDir = path.join(root, name, 'library');
  const first = await writeJpegFolder(photos, 6);
  const service = open(libraryDir);
  await service.index({ paths: [photos] });
  expect(await allPaths(service)).toEqual(first);
  return { photos, libraryDir, first, service };
}

/** Another process indexes `count` new photos into the same library. */
async function indexElsewhere(libraryDir: string, dir: string, count: number): Promise<string[]> {
  const added = await writeJpegFolder(dir, count, { prefix: 'new-', width: 200, height: 150 });
  const run = await startCli(['index', dir, '--library', libraryDir]).finished;
  expect({ code: run.code, err: run.err }).toMatchObject({ code: 0 });
  return added;
}

describe('photos indexed by another process', () => {
  it('are found by the next search, status counts them, and the saved index holds them after exit', async () => {
    const { libraryDir, first, service } = await runningEngine('search');
    let closed = false;
    try {
      const added = await indexElsewhere(libraryDir, path.join(root, 'search', 'new'), 3);
      expect(await allPaths(service)).toEqual([...first, ...added].sort());
      // The index was built when this library was new ('rebuilt'); what matters is that it holds the 9 now.
      expect((await service.status()).index).toMatchObject({ state: expect.stringMatching(/^(ok|rebuilt)$/), vectors: 9 });

      const gone = first[0];
      fs.rmSync(gone);
      expect((await startCli(['index', '--library', libraryDir]).finished).code).toBe(0);
      expect(await allPaths(service)).not.toContain(gone);
      expect((await service.status()).index.vectors).toBe(8);
      await service.close();
      closed = true;

      const again = open(libraryDir);
      try {
        expect((await again.status()).index).toMatchObject({ state: 'ok', vectors: 8 });
        expect(await allPaths(again)).toEqual([...first.slice(1), ...added].sort());
      } finally {
        await again.close();
      }
    } finally {
      if (!closed) await service.close();
    }
  });

  it('are caught up by an indexing run started here, and the graph this process saves on exit holds them', async () => {
    const { libraryDir, first, service } = await runningEngine('run-here');
    const added = await indexElsewhere(libraryDir, path.join(root, 'run-here', 'new'), 3);
    const run = await service.index({});
    expect(run).toMatchObject({ phase: 'done', embedded: 0 });
    expect((await service.status()).index.vectors).toBe(9);
    await service.close();

    const again = open(libraryDir);
    try {
      expect((await again.status()).index).toMatchObject({ state: 'ok', vectors: 9 });
      expect(await allPaths(again)).toEqual([...first, ...added].sort());
    } finally {
      await again.close();
    }
  });
});
