import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService, type ServiceOptions } from '../../src-main/core/api/service.ts';
import { forkDecodeProbe } from '../../src-main/core/indexer/decode-probe.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { startCli } from '../helpers/cli-process.ts';
import { writeJpegFolder } from '../helpers/photo-folder.ts';

let root: string;
let modelDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-decoder-crash-'));
  modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const open = (libraryDir: string, extra: Partial<ServiceOptions> = {}) => PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1, ...extra });

/** A decoder that dies natively (abort) on every file, run in its own process like the real one. */
const crashingDecoder = forkDecodeProbe(path.resolve('test/helpers/crashing-decoder.ts'));

async function allPaths(service: PhotoSearchService): Promise<string[]> {
  const { hits } = await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 1000 });
  return hits.map((h) => h.path).sort();
}

/** A library folder where earlier runs died while decoding: `strikes` per photo, as two kills leave it. */
async function afterKills(name: string, count: number, strikes: (files: string[]) => Record<string, number>) {
  const photos = path.join(root, name, 'photos');
  const libraryDir = path.join(root, name, 'library');
  const files = await writeJpegFolder(photos, count);
  fs.mkdirSync(libraryDir, { recursive: true });
  fs.writeFileSync(path.join(libraryDir, 'decoding.json'), JSON.stringify(strikes(files)));
  return { photos, libraryDir, files };
}

describe('a photo being decoded when the app was killed twice', () => {
  it('is indexed when it decodes in a process of its own: a valid photo is never quarantined for kills', async () => {
    const { photos, libraryDir, files } = await afterKills('valid', 6, ([once, twice]) => ({ [once]: 1, [twice]: 2 }));
    const service = open(libraryDir);
    try {
      const run = await service.index({ paths: [photos] });
      expect(run).toMatchObject({ embedded: 6, failed: 0 });
      expect((await service.status()).failures).toEqual([]);
      expect(await allPaths(service)).toEqual(files);
    } finally {
      await service.close();
    }
  });

  it('is quarantined when it crashes the decoder on its own too, the rest is indexed, and `index --retry-failed` reads it again', async () => {
    const { photos, libraryDir, files } = await afterKills('crashing', 6, ([, twice]) => ({ [twice]: 2 }));
    const twice = files[1];
    const service = open(libraryDir, { decodeProbe: crashingDecoder });
    try {
      const run = await service.index({ paths: [photos] });
      expect(run).toMatchObject({ embedded: 5, failed: 1 });
      const [failure] = (await service.status()).failures;
      expect(failure).toMatchObject({ path: twice, code: 'decoder-crash', reason: expect.stringMatching(/crashed the decoder.*on its own.*retry/is) });
      expect(await allPaths(service)).toEqual(files.filter((f) => f !== twice));
      // Quarantined means skipped: the next plain run does not touch it.
      expect(await service.index({})).toMatchObject({ embedded: 0, failed: 0 });
    } finally {
      await service.close();
    }

    // The crash was a fluke of that moment (here: another decoder): a retry with the real one reads it.
    const retry = await startCli(['index', '--retry-failed', '--library', libraryDir, '--json']).finished;
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.out)).toMatchObject({ embedded: 1, failed: 0 });
    const after = open(libraryDir);
    try {
      expect((await after.status()).failures).toEqual([]);
      expect(await allPaths(after)).toEqual(files);
    } finally {
      await after.close();
    }
  });

  it('a retried file that still crashes the decoder is quarantined again without stopping the run', async () => {
    const { photos, libraryDir, files } = await afterKills('still-crashing', 4, ([first]) => ({ [first]: 2 }));
    const service = open(libraryDir, { decodeProbe: crashingDecoder });
    try {
      await service.index({ paths: [photos] });
      const retried = await service.index({ retryFailed: true });
      expect(retried).toMatchObject({ embedded: 0, failed: 1 });
      expect((await service.status()).failures).toEqual([expect.objectContaining({ path: files[0], code: 'decoder-crash' })]);
    } finally {
      await service.close();
    }
  });
});
