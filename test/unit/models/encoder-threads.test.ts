import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { loadModel, type OnnxClipModel } from '../../../src-main/core/models/clip-model.ts';
import { TINY_IMAGE_SIZE, writeTinyModel } from '../../fixtures/tiny-model.ts';
import { tempDirs } from './temp-dirs.ts';

const dirs = tempDirs();
let dir: string;

beforeAll(async () => {
  dir = await dirs.make();
  await writeTinyModel(dir);
});
afterAll(() => dirs.cleanup());

/** Two images with structure, [2, 3, S, S]. */
function pixels(): Float32Array {
  const size = TINY_IMAGE_SIZE;
  return Float32Array.from({ length: 2 * 3 * size * size }, (_, i) => Math.sin(i * 0.021) * 1.2);
}

describe('the image encoder on a worker thread', () => {
  it('gives the same embeddings as on the main thread, and loads only when the first image comes', async () => {
    const here = await loadModel(dir, { intraOpThreads: 1 });
    const there = await loadModel(dir, { intraOpThreads: 1, vision: 'lazy', visionInWorker: true });
    try {
      expect((there as OnnxClipModel).visionLoaded).toBe(false);
      const [a, b] = await Promise.all([here.encodeImages(pixels(), 2), there.encodeImages(pixels(), 2)]);
      expect((there as OnnxClipModel).visionLoaded).toBe(true);
      expect(b).toEqual(a);
      expect(await there.encodeTexts(['red circle'])).toEqual(await here.encodeTexts(['red circle']));
    } finally {
      await Promise.all([here.dispose(), there.dispose()]);
    }
  });

  it('says which file is broken when the image encoder cannot load, and loads again once it is mended', async () => {
    const broken = await dirs.make();
    await writeTinyModel(broken);
    const file = path.join(broken, 'onnx', 'vision_model.onnx');
    const good = await readFile(file);
    await writeFile(file, 'not a model');
    const model = await loadModel(broken, { intraOpThreads: 1, vision: 'lazy', visionInWorker: true });
    try {
      const err = await model.encodeImages(pixels(), 2).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect((err as ModelError).message).toMatch(/vision_model\.onnx is not a loadable ONNX model/);
      await writeFile(file, good);
      expect(await model.encodeImages(pixels(), 2)).toHaveLength(2);
    } finally {
      await model.dispose();
    }
  });
});

describe('the text encoder on a worker thread', () => {
  it('gives the same embeddings as on the main thread, one query or a batch', async () => {
    const here = await loadModel(dir, { intraOpThreads: 1, vision: 'lazy' });
    const there = await loadModel(dir, { intraOpThreads: 1, vision: 'lazy', textInWorker: true });
    try {
      expect(await there.encodeTexts(['red circle'])).toEqual(await here.encodeTexts(['red circle']));
      const batch = ['blue square', 'a green stripe on white', 'red'];
      expect(await there.encodeTexts(batch)).toEqual(await here.encodeTexts(batch));
      expect((there as OnnxClipModel).visionLoaded).toBe(false);
    } finally {
      await Promise.all([here.dispose(), there.dispose()]);
    }
  });

  it('says which file is broken when the text encoder cannot load', async () => {
    const broken = await dirs.make();
    await writeTinyModel(broken);
    await writeFile(path.join(broken, 'onnx', 'text_model.onnx'), 'not a model');
    const err = await loadModel(broken, { intraOpThreads: 1, vision: 'lazy', textInWorker: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/text_model\.onnx is not a loadable ONNX model/);
  });

  it('stops answering once the model is unloaded, with a message that says so', async () => {
    const model = await loadModel(dir, { intraOpThreads: 1, vision: 'lazy', textInWorker: true });
    await model.dispose();
    const err = await model.encodeTexts(['red circle']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/unloaded/);
  });
});
