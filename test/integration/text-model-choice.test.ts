/**
 * Choosing the OCR model that reads words in photos: the built-in PP-OCRv4 until the
 * user picks another; a hub model is downloaded with the models' downloader and
 * checked against its manifest's SHA-256 before it is used; the choice is the
 * library's and survives a restart; the command line lists and chooses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { InputError } from '../../src-main/core/errors.ts';
import { findTextModelEntry, installTextModel } from '../../src-main/core/text/text-model.ts';
import { sha256, startFakeHub, type FakeFile, type FakeHub } from '../fixtures/fake-hub.ts';
import { runCli } from '../helpers/run-cli.ts';

const V5 = 'pp-ocrv5-mobile';
const files: FakeFile[] = [
  { path: 'ppocrv5_det_infer.onnx', data: Buffer.from('detector weights'), lfs: true },
  { path: 'ppocrv5_rec_infer.onnx', data: Buffer.from('recogniser weights'), lfs: true },
  { path: 'ppocrv5_dict.txt', data: Buffer.from('a\nb\n'), lfs: false },
];

let root: string;
let libraryDir: string;
let hub: FakeHub | undefined;
const savedHubUrl = process.env.PHOTO_SEARCH_HUB_URL;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-text-model-choice-'));
  libraryDir = path.join(root, 'library');
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  if (savedHubUrl === undefined) delete process.env.PHOTO_SEARCH_HUB_URL;
  else process.env.PHOTO_SEARCH_HUB_URL = savedHubUrl;
  fs.rmSync(root, { recursive: true, force: true });
});

function repoOf(id: string): string {
  const source = findTextModelEntry(id).source;
  if (!('hub' in source)) throw new Error(`${id} is not a hub model`);
  return source.repo;
}

describe('the OCR model of a library', () => {
  it('is the built-in PP-OCRv4 until another is chosen, and an unknown one is refused by name', async () => {
    const service = PhotoSearchService.open({ libraryDir });
    try {
      expect((await service.status()).textReading.model).toBe('pp-ocrv4-mobile');
      await expect(service.useTextModel({ id: 'tesseract' })).rejects.toThrow(InputError);
      await expect(service.useTextModel({ id: 'tesseract' })).rejects.toThrow(/pp-ocrv4-mobile, pp-ocrv5-mobile/);
    } finally {
      await service.close();
    }
  });

  it('reads with an installed PP-OCRv5 once chosen, also after a restart, and goes back to the built-in one', async () => {
    const real = findTextModelEntry(V5);
    hub = await startFakeHub({ repo: repoOf(V5) }, files);
    // The stand-in weights are not the published ones: installed under a manifest that states their checksums.
    const pinned = { ...real, sha256: Object.fromEntries(files.filter((f) => f.lfs).map((f) => [f.path, sha256(f.data)])) };
    await installTextModel(pinned, path.join(libraryDir, 'text-models'), { hubUrl: hub.url });

    let service = PhotoSearchService.open({ libraryDir });
    try {
      expect((await service.useTextModel({ id: V5 })).model).toBe(V5);
    } finally {
      await service.close();
    }
    service = PhotoSearchService.open({ libraryDir });
    try {
      expect((await service.status()).textReading.model).toBe(V5);
      expect((await service.useTextModel({ id: 'pp-ocrv4-mobile' })).model).toBe('pp-ocrv4-mobile');
    } finally {
      await service.close();
    }
  });

  it('downloads a hub model when chosen, and keeps the model in use when the download does not match its manifest', async () => {
    hub = await startFakeHub({ repo: repoOf(V5) }, files);
    process.env.PHOTO_SEARCH_HUB_URL = hub.url;
    const service = PhotoSearchService.open({ libraryDir });
    try {
      await expect(service.useTextModel({ id: V5 })).rejects.toThrow(/model card states/);
      expect((await service.status()).textReading.model).toBe('pp-ocrv4-mobile');
      expect(fs.existsSync(path.join(libraryDir, 'text-models', V5))).toBe(false);
      expect(hub.requests.length).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });

  it('is listed and chosen on the command line', async () => {
    const listed = await runCli(['text', 'model', '--library', libraryDir]);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/^\* pp-ocrv4-mobile .*\(built in\)$/m);
    expect(listed.out).toMatch(/^ {2}pp-ocrv5-mobile /m);
    const refused = await runCli(['text', 'model', 'tesseract', '--library', libraryDir]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/Unknown OCR model "tesseract"/);
  });
});
