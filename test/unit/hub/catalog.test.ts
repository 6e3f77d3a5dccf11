import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, PhotoSearchError } from '../../../src-main/core/errors.ts';
import { CATALOG_DIR, defaultModelId, findEntry, loadCatalog } from '../../../src-main/core/models/catalog.ts';

describe('the shipped catalog', () => {
  const entries = loadCatalog();

  it('loads every manifest in models/ and each one validates', async () => {
    const files = (await fs.readdir(CATALOG_DIR)).filter((name) => name.endsWith('.json'));
    expect(entries.map((e) => `${e.id}.json`).sort()).toEqual(files.sort());
  });

  it('defaults to the LAION-2B ViT-B/32, a full-precision model', () => {
    expect(defaultModelId()).toBe('clip-vit-b32-laion2b');
    expect(findEntry(defaultModelId()).source.files.some((file) => file.includes('quantized'))).toBe(false);
  });

  it('offers the kinds of model a user chooses between', () => {
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['clip-vit-b32-openai', 'clip-vit-b16-openai', 'clip-vit-l14-openai', 'clip-vit-b32-laion2b']));
    expect(entries.some((e) => e.preprocessing === 'siglip')).toBe(true);
    expect(entries.some((e) => e.languages.includes('mul'))).toBe(true);
    expect(entries.some((e) => e.layout === 'immich')).toBe(true);
    expect(entries.some((e) => e.layout === 'hf-onnx')).toBe(true);
    expect(Math.min(...entries.map((e) => e.downloadSizeMB))).toBeLessThan(300);
  });

  it('backs the default with a better figure than the model it replaces on the same metric', () => {
    const chosen = findEntry(defaultModelId()).benchmark!;
    const openai = findEntry('clip-vit-b32-openai').benchmark!;
    expect(chosen.metric).toBe(openai.metric);
    expect(chosen.value).toBeGreaterThan(openai.value);
  });

  it('lists the files each layout needs to load', () => {
    for (const entry of entries) {
      const needed =
        entry.layout === 'hf-onnx'
          ? ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'onnx/vision_model.onnx', 'onnx/text_model.onnx']
          : ['config.json', 'visual/model.onnx', 'visual/preprocess_cfg.json', 'textual/model.onnx', 'textual/tokenizer.json'];
      expect(entry.source.files, entry.id).toEqual(expect.arrayContaining(needed));
    }
  });

  it('refuses an unknown id and lists the known ones', () => {
    expect(() => findEntry('clip-vit-h14')).toThrow(InputError);
    expect(() => findEntry('clip-vit-h14')).toThrow(/clip-vit-b32-laion2b/);
  });
});

describe('a broken manifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photo-search-catalog-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function validManifest(): Promise<Record<string, unknown>> {
    return JSON.parse(await fs.readFile(path.join(CATALOG_DIR, 'clip-vit-b32-openai.json'), 'utf8')) as Record<string, unknown>;
  }

  const cases: { name: string; field: RegExp; edit: (m: Record<string, unknown>) => unknown }[] = [
    { name: 'missing embeddingDim', field: /field embeddingDim/, edit: (m) => ({ ...m, embeddingDim: undefined }) },
    { name: 'unknown layout', field: /field layout/, edit: (m) => ({ ...m, layout: 'safetensors' }) },
    { name: 'negative image size', field: /field imageSize/, edit: (m) => ({ ...m, imageSize: -224 }) },
    {
      name: 'path escaping the repository',
      field: /field source\.files\.\d/,
      edit: (m) => ({ ...m, source: { ...(m.source as object), files: ['../../etc/passwd'] } }),
    },
    { name: 'unexpected field', field: /\(top level\)|colour/, edit: (m) => ({ ...m, colour: 'blue' }) },
    {
      name: 'quantized swap of an unlisted file',
      field: /field quantized\.files/,
      edit: (m) => ({ ...m, quantized: { files: { 'onnx/other.onnx': 'onnx/other_q.onnx' }, downloadSizeMB: 1 } }),
    },
    { name: 'id that differs from the file name', field: /field id/, edit: (m) => ({ ...m, id: 'something-else' }) },
  ];
  for (const c of cases) {
    it(`is named with its field: ${c.name}`, async () => {
      const file = path.join(dir, 'clip-vit-b32-openai.json');
      await fs.writeFile(file, JSON.stringify(c.edit({ ...(await validManifest()), default: true })));
      const err = (() => {
        try {
          loadCatalog(dir);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(PhotoSearchError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(c.field);
    });
  }

  it('is named when it is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    await fs.writeFile(file, '{ "id": "broken", ');
    expect(() => loadCatalog(dir)).toThrow(file);
  });

  it('with two defaults names both', async () => {
    const manifest = { ...(await validManifest()), default: true };
    await fs.writeFile(path.join(dir, 'clip-vit-b32-openai.json'), JSON.stringify(manifest));
    await fs.writeFile(path.join(dir, 'copy.json'), JSON.stringify({ ...manifest, id: 'copy' }));
    expect(() => loadCatalog(dir)).toThrow(/clip-vit-b32-openai, copy/);
  });
});
