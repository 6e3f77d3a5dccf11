import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { detectLayout, importModel, installModel, listInstalled, removeModel } from '../../../src-main/core/models/hub/index.ts';
import { clearProxyEnv, fakeEntry, sha256, startFakeHub } from '../../fixtures/fake-hub.ts';

let root: string;
let modelsDir: string;
let restoreEnv: () => void;

beforeEach(async () => {
  restoreEnv = clearProxyEnv();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'photo-search-import-'));
  modelsDir = path.join(root, 'models');
});

afterEach(async () => {
  restoreEnv();
  await fs.rm(root, { recursive: true, force: true });
});

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
}

const HF_ONNX = {
  'config.json': '{"projection_dim": 8}',
  'preprocessor_config.json': '{"crop_size": 16}',
  'tokenizer.json': '{"model": {}}',
  'onnx/vision_model.onnx': 'vision-bytes',
  'onnx/text_model.onnx': 'text-bytes',
};

const IMMICH = {
  'config.json': '{"embed_dim": 8}',
  'visual/model.onnx': 'vision-bytes',
  'visual/preprocess_cfg.json': '{"size": [16, 16]}',
  'textual/model.onnx': 'text-bytes',
  'textual/tokenizer.json': '{"model": {}}',
};

async function refusal(promise: Promise<unknown>): Promise<ModelError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe('importModel', () => {
  it('copies a Hugging Face ONNX export into place with an install.json marking it imported', async () => {
    const src = path.join(root, 'ViT-B-32 Copy');
    await writeTree(src, { ...HF_ONNX, '.cache/huggingface/download/x.lock': '' });
    const installed = await importModel(src, modelsDir);

    expect(installed.id).toBe('vit-b-32-copy');
    expect(installed.source).toBe('import');
    expect(installed.layout).toBe('hf-onnx');
    expect(await fs.readFile(path.join(installed.dir, 'onnx/vision_model.onnx'), 'utf8')).toBe('vision-bytes');
    expect(installed.files.find((f) => f.path === 'onnx/text_model.onnx')!.sha256).toBe(sha256(Buffer.from('text-bytes')));
    await expect(fs.access(path.join(installed.dir, '.cache'))).rejects.toThrow();
    const listed = await listInstalled(modelsDir);
    expect(listed.map((m) => [m.id, m.source])).toEqual([['vit-b-32-copy', 'import']]);
  });

  it('imports an Immich export under the id it is given', async () => {
    const src = path.join(root, 'immich');
    await writeTree(src, IMMICH);
    const installed = await importModel(src, modelsDir, 'clip-vit-b32-laion2b');
    expect(installed.dir).toBe(path.join(modelsDir, 'clip-vit-b32-laion2b'));
    expect(detectLayout(installed.dir)).toBe('immich');
  });

  it('refuses a directory without its onnx files and names them', async () => {
    const src = path.join(root, 'incomplete');
    const { 'onnx/vision_model.onnx': _vision, 'onnx/text_model.onnx': _text, ...rest } = HF_ONNX;
    await writeTree(src, { ...rest, 'onnx/README.md': 'weights not copied' });
    const err = await refusal(importModel(src, modelsDir, 'incomplete'));
    expect(err.code).toBe('model-invalid');
    expect(err.message).toContain('onnx/vision_model.onnx');
    expect(err.message).toContain('onnx/text_model.onnx');
    expect(await listInstalled(modelsDir)).toEqual([]);
  });

  it('refuses a directory in no known layout and lists what each layout needs', async () => {
    const src = path.join(root, 'pytorch');
    await writeTree(src, { 'pytorch_model.bin': 'weights', 'config.json': '{}' });
    const err = await refusal(importModel(src, modelsDir, 'pytorch'));
    expect(err.message).toContain('onnx/vision_model.onnx');
    expect(err.message).toContain('visual/model.onnx');
  });

  it('refuses a copy of an installed model whose files no longer match its install.json', async () => {
    const hub = await startFakeHub();
    try {
      const installed = await installModel(fakeEntry(), modelsDir, { hubUrl: hub.url });
      const copy = path.join(root, 'copy');
      await fs.cp(installed.dir, copy, { recursive: true });
      await fs.appendFile(path.join(copy, 'onnx/text_model.onnx'), 'corruption');
      const err = await refusal(importModel(copy, modelsDir, 'copy'));
      expect(err.message).toContain('onnx/text_model.onnx');
      expect(err.message).toMatch(/damaged/);
      await expect(fs.access(path.join(modelsDir, 'copy'))).rejects.toThrow();

      const intact = path.join(root, 'intact');
      await fs.cp(installed.dir, intact, { recursive: true });
      const imported = await importModel(intact, modelsDir, 'intact');
      expect(imported.revision).toBe(hub.sha);
      expect(imported.repo).toBe(hub.repo);
    } finally {
      await hub.close();
    }
  });

  it('rejects an id that could escape the models folder', async () => {
    const src = path.join(root, 'ok');
    await writeTree(src, HF_ONNX);
    await expect(importModel(src, modelsDir, '../outside')).rejects.toThrow(/not a valid model id/);
  });
});

describe('removeModel', () => {
  it('removes an installed model so it is no longer listed', async () => {
    const src = path.join(root, 'm');
    await writeTree(src, HF_ONNX);
    await importModel(src, modelsDir, 'm');
    await removeModel('m', modelsDir);
    expect(await listInstalled(modelsDir)).toEqual([]);
    await expect(fs.access(path.join(modelsDir, 'm'))).rejects.toThrow();
  });

  it('says so when the model is not installed', async () => {
    await fs.mkdir(modelsDir, { recursive: true });
    const err = await refusal(removeModel('nothing', modelsDir));
    expect(err.code).toBe('model-missing');
  });
});
