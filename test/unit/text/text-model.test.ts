import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, ModelError, PhotoSearchError } from '../../../src-main/core/errors.ts';
import { loadCatalog } from '../../../src-main/core/models/catalog.ts';
import { readInstallRecord } from '../../../src-main/core/models/hub/index.ts';
import {
  TEXT_CATALOG_DIR,
  findTextModelEntry,
  installTextModel,
  loadTextModelCatalog,
  resolveTextModelFiles,
  type TextModelEntry,
} from '../../../src-main/core/text/text-model.ts';
import { sha256, startFakeHub, type FakeFile, type FakeHub } from '../../fixtures/fake-hub.ts';

let dir: string;
let hub: FakeHub | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-text-model-'));
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the OCR model catalog', () => {
  it('offers the npm-shipped PP-OCRv4 as the default, ready offline, and PP-OCRv5 from the hub', () => {
    const entries = loadTextModelCatalog();
    expect(entries.map((e) => e.id)).toEqual(['pp-ocrv4-mobile', 'pp-ocrv5-mobile']);
    const builtIn = findTextModelEntry();
    expect(builtIn.id).toBe('pp-ocrv4-mobile');
    const files = resolveTextModelFiles(builtIn, path.join(dir, 'text-models'));
    for (const file of [files.detector, files.recogniser, files.classifier, files.dictionary]) {
      expect(fs.statSync(file).size, file).toBeGreaterThan(1000);
      expect(file).toContain(path.join('node_modules', '@gutenye', 'ocr-models'));
    }
  });

  it('leaves the CLIP catalog as it was', () => {
    const clip = loadCatalog().map((e) => e.id);
    expect(clip.some((id) => id.includes('ocr'))).toBe(false);
    expect(clip).toContain('clip-vit-b32-laion2b');
  });

  it('says how to install a hub model that is not installed', () => {
    const err = (() => {
      try {
        resolveTextModelFiles(findTextModelEntry('pp-ocrv5-mobile'), path.join(dir, 'text-models'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('model-missing');
    expect((err as Error).message).toMatch(/photo-search models install pp-ocrv5-mobile/);
  });

  it('refuses an unknown id and names the known ones', () => {
    expect(() => findTextModelEntry('tesseract')).toThrow(InputError);
    expect(() => findTextModelEntry('tesseract')).toThrow(/pp-ocrv4-mobile, pp-ocrv5-mobile/);
  });

  const manifest = (): Record<string, unknown> =>
    JSON.parse(fs.readFileSync(path.join(TEXT_CATALOG_DIR, 'pp-ocrv5-mobile.json'), 'utf8')) as Record<string, unknown>;
  const broken: Array<{ name: string; field: RegExp; edit: (m: Record<string, unknown>) => unknown }> = [
    { name: 'no classifier', field: /field classifier/, edit: (m) => ({ ...m, classifier: undefined }) },
    {
      name: 'a file outside the repository',
      field: /field files\.detector/,
      edit: (m) => ({ ...m, files: { ...(m.files as object), detector: '../det.onnx' } }),
    },
    {
      name: 'a file the download does not fetch',
      field: /field files\.recogniser/,
      edit: (m) => ({ ...m, files: { ...(m.files as object), recogniser: 'rec.onnx' } }),
    },
    { name: 'not an OCR model', field: /field kind/, edit: (m) => ({ ...m, kind: 'clip' }) },
  ];
  for (const c of broken) {
    it(`names the field of a broken manifest: ${c.name}`, () => {
      const file = path.join(dir, 'pp-ocrv5-mobile.json');
      fs.writeFileSync(file, JSON.stringify(c.edit({ ...manifest(), default: true })));
      expect(() => loadTextModelCatalog(dir)).toThrow(PhotoSearchError);
      expect(() => loadTextModelCatalog(dir)).toThrow(c.field);
    });
  }
});

describe('installing an OCR model from the hub', () => {
  const files: FakeFile[] = [
    { path: 'ppocrv5_det_infer.onnx', data: Buffer.from('detector weights'), lfs: true },
    { path: 'ppocrv5_rec_infer.onnx', data: Buffer.from('recogniser weights'), lfs: true },
    { path: 'ppocrv5_dict.txt', data: Buffer.from('a\nb\n'), lfs: false },
  ];

  const hubRepo = (entry: TextModelEntry): string => {
    if (!('hub' in entry.source)) throw new Error(`${entry.id} is not a hub model`);
    return entry.source.repo;
  };

  it('downloads with the app’s downloader and finds the files, with the npm-shipped angle classifier', async () => {
    const real = findTextModelEntry('pp-ocrv5-mobile');
    hub = await startFakeHub({ repo: hubRepo(real) }, files);
    const pinned = { ...real, sha256: Object.fromEntries(files.filter((f) => f.lfs).map((f) => [f.path, sha256(f.data)])) };
    const installed = await installTextModel(pinned, path.join(dir, 'text-models'), { hubUrl: hub.url });
    expect(fs.readFileSync(installed.recogniser, 'utf8')).toBe('recogniser weights');
    expect(installed.dir).toBe(path.join(dir, 'text-models', 'pp-ocrv5-mobile'));
    expect(installed.classifier).toContain(path.join('@gutenye', 'ocr-models'));
    expect(readInstallRecord(installed.dir)?.layout).toBe('ppocr');
  });

  it('removes a download whose files differ from the model card’s checksums', async () => {
    const real = findTextModelEntry('pp-ocrv5-mobile');
    hub = await startFakeHub({ repo: hubRepo(real) }, files);
    await expect(installTextModel(real, path.join(dir, 'text-models'), { hubUrl: hub.url })).rejects.toThrow(/model card states/);
    expect(fs.existsSync(path.join(dir, 'text-models', 'pp-ocrv5-mobile'))).toBe(false);
  });

  it('has nothing to download for the built-in model', async () => {
    await expect(installTextModel(findTextModelEntry(), path.join(dir, 'text-models'))).rejects.toThrow(InputError);
  });
});
