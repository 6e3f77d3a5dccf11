import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { loadModel } from '../../../src-main/core/models/clip-model.ts';
import { compactTextEncoder, COMPACT_MIN_VOCABULARY } from '../../../bench/assets/compact-text.ts';
import { clipParameterCount, SIGLIP2_B16, SIGLIP2_B32_256, TINY_SIGLIP_SHAPE, writeClipShapedModel, type ClipShape } from '../../fixtures/clip-shaped-model.ts';
import { linkModelWithText } from '../../fixtures/clip-shaped-model-variants.ts';

const { onnx } = onnxProto;
/** Toy towers over a vocabulary large enough to be stored compactly. */
const SHAPE: ClipShape = { ...TINY_SIGLIP_SHAPE, text: { ...TINY_SIGLIP_SHAPE.text, vocabSize: COMPACT_MIN_VOCABULARY + 20_000 } };
const opts = { intraOpThreads: 1 };
const QUERIES = ['a dog on the beach', 'red car at night', 'birthday cake', 'mountain lake at sunset', 'children playing in the snow'];
let root: string;
let dir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'photo-search-siglip-shaped-'));
  dir = path.join(root, 'siglip');
  await writeClipShapedModel(dir, SHAPE, { quantized: false });
});

afterAll(() => rm(root, { recursive: true, force: true }));

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

async function graph(from: string): Promise<onnxProto.onnx.ModelProto> {
  return onnx.ModelProto.decode(await readFile(path.join(from, 'onnx', 'text_model.onnx')));
}

describe('SigLIP-shaped model generator', () => {
  it('counts SigLIP 2 B/16 as its model card does (375M), and B/32 at 256 px within a few million of it', () => {
    expect(clipParameterCount(SIGLIP2_B16) / 1e6).toBeCloseTo(375, 0);
    // A larger patch projection (32 x 32 pixels), a smaller position table (64 patches).
    expect(Math.abs(clipParameterCount(SIGLIP2_B32_256) - clipParameterCount(SIGLIP2_B16)) / 1e6).toBeLessThan(3);
    // The text tower is the same, and most of it is Gemma's token table.
    expect((SIGLIP2_B16.text.vocabSize * SIGLIP2_B16.text.width) / clipParameterCount(SIGLIP2_B16)).toBeGreaterThan(0.5);
  });

  it("loads as a SigLIP model: square input, texts padded to the context, embeddings of the tower's width", async () => {
    const model = await loadModel(dir, opts);
    try {
      expect(model.preprocess.mode).toBe('square');
      expect(model.dim).toBe(SHAPE.projectionDim);
      const size = SHAPE.vision.imageSize;
      const pixels = Float32Array.from({ length: 2 * 3 * size * size }, (_, i) => Math.sin(i * 0.01));
      const images = await model.encodeImages(pixels, 2);
      expect(images.map((v) => v.length)).toEqual([SHAPE.projectionDim, SHAPE.projectionDim]);
      const [a, b] = await model.encodeTexts(['short', 'a much longer text about a dog on a beach']);
      expect(dot(a, a)).toBeCloseTo(1, 5);
      expect(dot(a, b)).toBeLessThan(0.9999);
    } finally {
      await model.dispose();
    }
  });
});

describe('compactTextEncoder', () => {
  it.each(['float16', 'int8'] as const)('stores the token table as %s and moves text embeddings by less than 0.005 cosine', async (table) => {
    const compact = path.join(root, `siglip-${table}`);
    await linkModelWithText(dir, compact, compactTextEncoder(await readFile(path.join(dir, 'onnx', 'text_model.onnx')), table, dir));
    const tables = (await graph(compact)).graph!.initializer!.filter((t) => Number(t.dims?.[0]) === SHAPE.text.vocabSize && t.dims?.length === 2);
    expect(tables.map((t) => t.dataType)).toEqual([table === 'int8' ? onnx.TensorProto.DataType.INT8 : onnx.TensorProto.DataType.FLOAT16]);
    const [full, small] = await Promise.all([loadModel(dir, opts), loadModel(compact, opts)]);
    try {
      const before = await full.encodeTexts(QUERIES);
      const after = await small.encodeTexts(QUERIES);
      for (let i = 0; i < QUERIES.length; i++) expect(dot(before[i], after[i])).toBeGreaterThan(0.995);
    } finally {
      await Promise.all([full.dispose(), small.dispose()]);
    }
  });

  it('refuses a text encoder whose vocabulary is too small to gain from it, and bytes that are not ONNX, naming the file', async () => {
    const small = path.join(root, 'small-vocabulary');
    await writeClipShapedModel(small, TINY_SIGLIP_SHAPE, { quantized: false });
    const file = path.join(small, 'onnx', 'text_model.onnx');
    expect(() => compactTextEncoder(readFileSync(file), 'int8', file)).toThrow(new RegExp(`${file}.*no token embedding table`));
    expect(() => compactTextEncoder(new Uint8Array(16).fill(0xff), 'int8', file)).toThrow(ModelError);
  });
});
