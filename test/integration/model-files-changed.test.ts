import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { ModelError } from '../../src-main/core/errors.ts';
import { TINY_CLIP_SHAPE, writeClipShapedModel } from '../fixtures/clip-shaped-model.ts';
import { writeJpegFolder } from '../helpers/photo-folder.ts';

/**
 * A model's weights are read from its files while it is in use (models/mapped-weights.ts):
 * a new version copied over them in place, or a file cut short, must neither mix two
 * versions nor bring the process down.
 */
let root: string;
let photos: string;
let newer: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-model-changed-'));
  photos = path.join(root, 'photos');
  newer = path.join(root, 'newer');
  await writeJpegFolder(photos, 12);
  await writeClipShapedModel(newer, TINY_CLIP_SHAPE, { seed: 2, quantized: false });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function indexedLibrary(name: string): Promise<{ service: PhotoSearchService; modelDir: string }> {
  const modelDir = path.join(root, name, 'model');
  await writeClipShapedModel(modelDir, TINY_CLIP_SHAPE, { seed: 1, quantized: false });
  const service = PhotoSearchService.open({ libraryDir: path.join(root, name, 'library'), modelDir, intraOpThreads: 1 });
  await service.index({ paths: [photos] });
  return { service, modelDir };
}

const ranking = async (service: PhotoSearchService, text: string) =>
  (await service.search({ terms: [{ kind: 'text', text, weight: 1 }], k: 12 })).hits.map((h) => [h.path, h.score]);

describe('model files changed on disk while the library is open', () => {
  it('loads a version copied over the old one in place before the next search, instead of mixing the two', async () => {
    const { service, modelDir } = await indexedLibrary('copied');
    try {
      await ranking(service, 'a red circle');
      const before = (await service.status()).model!.id;
      for (const name of ['text_model.onnx', 'vision_model.onnx']) fs.copyFileSync(path.join(newer, 'onnx', name), path.join(modelDir, 'onnx', name));
      await ranking(service, 'a red circle');
      const after = await service.status();
      expect(after.model!.id).not.toBe(before);
      // The new weights have no embeddings yet: the next index run makes them, and the ranking is the new model's own.
      await service.index({});
      const reference = PhotoSearchService.open({ libraryDir: path.join(root, 'reference', 'library'), modelDir: newer, intraOpThreads: 1 });
      try {
        await reference.index({ paths: [photos] });
        expect(await ranking(service, 'a blue square')).toEqual(await ranking(reference, 'a blue square'));
      } finally {
        await reference.close();
      }
    } finally {
      await service.close();
    }
  });

  it('reports a text encoder cut short as a model that does not load, naming it, and keeps running', async () => {
    const { service, modelDir } = await indexedLibrary('cut');
    try {
      await ranking(service, 'a red circle');
      const text = path.join(modelDir, 'onnx', 'text_model.onnx');
      fs.truncateSync(text, 100_000);
      const failure = await ranking(service, 'a green stripe').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ModelError);
      expect((failure as ModelError).message).toContain(text);
      fs.copyFileSync(path.join(newer, 'onnx', 'text_model.onnx'), text);
      fs.copyFileSync(path.join(newer, 'onnx', 'vision_model.onnx'), path.join(modelDir, 'onnx', 'vision_model.onnx'));
      expect((await service.search({ terms: [{ kind: 'text', text: 'a green stripe', weight: 1 }] })).model).toBeDefined();
    } finally {
      await service.close();
    }
  });
});
