import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { type OnnxClipModel, loadModel } from '../../../src-main/core/models/clip-model.ts';
import { pixelValues } from '../../../src-main/core/models/preprocess.ts';
import { TINY_CONTEXT_LENGTH, TINY_DIM, TINY_IMAGE_SIZE, writeTinyModel } from '../../fixtures/tiny-model.ts';
import { jpegPhoto } from './photos.ts';
import { dot, tempDirs } from './temp-dirs.ts';

const { onnx } = onnxProto;
const temp = tempDirs();
const opts = { intraOpThreads: 1 };
let dir: string;

beforeAll(async () => {
  dir = path.join(await temp.make(), 'tiny-clip');
  await writeTinyModel(dir, { quantizedVariant: true });
});

afterAll(() => temp.cleanup());

/** Adds `delta` to the first value of one initializer, as a fine-tuned checkpoint would. */
async function nudgeWeight(file: string, initializer: string, delta: number): Promise<void> {
  const model = onnx.ModelProto.decode(await readFile(file));
  const tensor = model.graph!.initializer!.find((t) => t.name === initializer)!;
  const raw = Buffer.from(tensor.rawData!);
  raw.writeFloatLE(raw.readFloatLE(0) + delta, 0);
  tensor.rawData = raw;
  await writeFile(file, onnx.ModelProto.encode(model).finish());
}

describe('loadModel on the tiny model', () => {
  it('reports dimension, context length, preprocessing and identity from the model files', async () => {
    const model = await loadModel(dir, opts);
    try {
      expect(model.dim).toBe(TINY_DIM);
      expect(model.contextLength).toBe(TINY_CONTEXT_LENGTH);
      expect(model.name).toBe('tiny-clip');
      expect(model.dir).toBe(path.resolve(dir));
      expect(model.id).toMatch(/^16d-[0-9a-f]{12}$/);
      expect(model.preprocessVersion).toMatch(/^[0-9a-f]{12}$/);
      expect(model.preprocess).toEqual({
        mode: 'crop',
        width: TINY_IMAGE_SIZE,
        height: TINY_IMAGE_SIZE,
        resizeShortest: TINY_IMAGE_SIZE,
        resample: 'bicubic',
        rescale: 1 / 255,
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711],
      });
    } finally {
      await model.dispose();
    }
  });

  it('gives the same id to the same weights, wherever the folder is, and a new id when a weight changes', async () => {
    const copy = path.join(await temp.make(), 'tiny-clip');
    await cp(dir, copy, { recursive: true });
    const before = await loadModel(copy, opts);
    await before.dispose();
    const again = await loadModel(copy, opts);
    await again.dispose();
    expect(again.id).toBe(before.id);
    const moved = path.join(await temp.make(), 'renamed-model');
    await cp(dir, moved, { recursive: true });
    const elsewhere = await loadModel(moved, opts);
    await elsewhere.dispose();
    expect(elsewhere.id).toBe(before.id);

    await nudgeWeight(path.join(copy, 'onnx', 'text_model.onnx'), 'token_embedding', 0.5);
    const after = await loadModel(copy, opts);
    await after.dispose();
    expect(after.name).toBe(before.name);
    expect(after.id).not.toBe(before.id);
    expect(after.preprocessVersion).toBe(before.preprocessVersion);
  });

  it('loads the quantized variant on request, under its own id', async () => {
    const fp32 = await loadModel(dir, opts);
    const quantized = (await loadModel(dir, { ...opts, variant: 'quantized' })) as OnnxClipModel;
    try {
      expect(quantized.variant).toBe('quantized');
      expect(quantized.id).not.toBe(fp32.id);
      const [a] = await fp32.encodeTexts(['red circle']);
      const [b] = await quantized.encodeTexts(['red circle']);
      expect(dot(a, b)).toBeCloseTo(1, 5);
    } finally {
      await Promise.all([fp32.dispose(), quantized.dispose()]);
    }
  });

  it('loads the quantized files when they are the only ones present', async () => {
    const only = path.join(await temp.make(), 'tiny-clip-q');
    await cp(dir, only, { recursive: true });
    await rm(path.join(only, 'onnx', 'vision_model.onnx'));
    await rm(path.join(only, 'onnx', 'text_model.onnx'));
    const model = (await loadModel(only, opts)) as OnnxClipModel;
    await model.dispose();
    expect(model.variant).toBe('quantized');
  });

  it('refuses to embed after dispose, and dispose can be called twice', async () => {
    const model = await loadModel(dir, opts);
    await model.dispose();
    await model.dispose();
    await expect(model.encodeTexts(['red'])).rejects.toBeInstanceOf(ModelError);
  });
});

describe('loadModel on the Immich layout', () => {
  let immich: OnnxClipModel;

  beforeAll(async () => {
    const immichDir = path.join(await temp.make(), 'tiny-immich');
    await writeTinyModel(immichDir, { layout: 'immich' });
    immich = (await loadModel(immichDir, opts)) as OnnxClipModel;
  });

  afterAll(() => immich?.dispose());

  it('reads dimension, context length and preprocessing from the open_clip configs', () => {
    expect(immich.dim).toBe(TINY_DIM);
    expect(immich.contextLength).toBe(TINY_CONTEXT_LENGTH);
    expect(immich.preprocess).toMatchObject({ mode: 'crop', width: TINY_IMAGE_SIZE, height: TINY_IMAGE_SIZE, resample: 'bicubic' });
  });

  it('pads every text to the fixed sequence length of its text graph', () => {
    expect(immich.tokenize(['red']).length).toBe(TINY_CONTEXT_LENGTH);
  });

  it('ranks the blue circle photo above the blue plain and red circle photos for "blue circle"', async () => {
    const photos = await Promise.all(
      (
        [
          ['blue', 'circle'],
          ['blue', 'plain'],
          ['red', 'circle'],
        ] as const
      ).map(async ([c, p]) => pixelValues(await jpegPhoto(c, p, 240, 160), immich.preprocess, { width: 240, height: 160 })),
    );
    const batch = new Float32Array(photos.length * photos[0].length);
    photos.forEach((t, i) => batch.set(t, i * t.length));
    const images = await immich.encodeImages(batch, photos.length);
    const [query] = await immich.encodeTexts(['blue circle']);
    const scores = images.map((v) => dot(query, v));
    expect(scores[0]).toBeGreaterThan(Math.max(scores[1], scores[2]) + 0.1);
  });
});
