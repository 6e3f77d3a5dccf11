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
