import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, OnnxClipModel } from '../../../src-main/core/models/clip-model.ts';
import { int8Kernel } from '../../../src-main/core/models/int8-kernel.ts';
import type { ClipModel } from '../../../src-main/core/models/types.ts';
import { clipParameterCount, TINY_CLIP_SHAPE, VIT_B_16, VIT_B_32, writeClipShapedModel, type Int8Weights } from '../../fixtures/clip-shaped-model.ts';

const { onnx } = onnxProto;
const shape = TINY_CLIP_SHAPE;
const opts = { intraOpThreads: 1 };
let root: string;
let dir: string;
/** The same model's int8 variant with weights over the full 8-bit range, alone in its folder. */
let fullRangeDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'photo-search-clip-shaped-'));
  dir = path.join(root, shape.name);
  fullRangeDir = path.join(root, `${shape.name}-full-range`);
  await writeClipShapedModel(dir, shape);
  await writeClipShapedModel(fullRangeDir, shape, { fp32: false, int8Weights: 'full-range' });
});

afterAll(() => rm(root, { recursive: true, force: true }));

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: Float32Array): number => Math.sqrt(dot(a, a));

async function graph(name: string, from = dir): Promise<onnxProto.onnx.ModelProto> {
  return onnx.ModelProto.decode(await readFile(path.join(from, 'onnx', name)));
}

/** The int8 weight matrices [K, N] of both quantized towers in `from`. */
async function int8Matrices(from: string): Promise<{ values: Int8Array; k: number; n: number }[]> {
  const towers = await Promise.all(['vision_model_quantized.onnx', 'text_model_quantized.onnx'].map((f) => graph(f, from)));
  return towers
    .flatMap((t) => t.graph!.initializer!)
    .filter((t) => t.dataType === onnx.TensorProto.DataType.INT8 && t.dims!.length === 2)
    .map((t) => ({ values: new Int8Array(t.rawData!.buffer, t.rawData!.byteOffset, t.rawData!.length), k: Number(t.dims![0]), n: Number(t.dims![1]) }));
}

/** uint8 activations reach 255 (DynamicQuantizeLinear maps a tensor's range onto 0..255). */
const MAX_ACTIVATION = 255;
const INT16_MAX = 32_767;

/**
 * The largest magnitude x86's vpmaddubsw can give for two neighbouring weights along K
 * in one column (onnxruntime packs B in pairs of consecutive K rows), over all u8
 * activations: 255 · (|a| + |b|) when the weights share a sign, 255 · max(|a|, |b|) when not.
 */
function worstPairSum(values: Int8Array, k: number, n: number): number {
  let worst = 0;
  for (let row = 0; row + 1 < k; row += 2) {
    for (let col = 0; col < n; col++) {
      const a = values[row * n + col];
      const b = values[(row + 1) * n + col];
      worst = Math.max(worst, MAX_ACTIVATION * (a * b >= 0 ? Math.abs(a) + Math.abs(b) : Math.max(Math.abs(a), Math.abs(b))));
    }
  }
  return worst;
}

/** Learned parameters: the float tensors the generator names after CLIP's modules. */
function parameters(model: onnxProto.onnx.ModelProto): number {
  return model
    .graph!.initializer!.filter((t) => /^(vision|text)\.|_projection\./.test(t.name!) && t.name !== 'text.causal_mask')
    .reduce((sum, t) => sum + t.dims!.reduce((n: number, d) => n * Number(d), 1), 0);
}

/** Deterministic pixels with structure, so two "photos" differ. */
function pixels(count: number, phase: number): Float32Array {
  const size = shape.vision.imageSize;
  return Float32Array.from({ length: count * 3 * size * size }, (_, i) => Math.sin(i * 0.013 + phase) * 1.5);
}

describe('CLIP-shaped model generator', () => {
  it('counts parameters as CLIP does: ViT-B/32 151,277,312 and ViT-B/16 149,620,736', () => {
    expect(clipParameterCount(VIT_B_32)).toBe(151_277_312);
    expect(clipParameterCount(VIT_B_16)).toBe(149_620_736);
  });

  it('writes exactly the parameters of its shape, with int8 weight matrices in the quantized variant', async () => {
    const [vision, text] = await Promise.all([graph('vision_model.onnx'), graph('text_model.onnx')]);
    expect(parameters(vision) + parameters(text)).toBe(clipParameterCount(shape));
    const quantized = await graph('vision_model_quantized.onnx');
    const ops = new Set(quantized.graph!.node!.map((n) => n.opType));
    expect(ops).toContain('DynamicQuantizeLinear');
    expect(ops).toContain('MatMulInteger');
    const int8Weights = quantized.graph!.initializer!.filter((t) => t.dataType === onnx.TensorProto.DataType.INT8 && t.dims!.length === 2);
    expect(int8Weights).toHaveLength(6 * shape.vision.layers + 1);
  });

  it.each<[Int8Weights, boolean]>([
    ['reduced-range', false],
    ['full-range', true],
  ])('with %s int8 weights, pairs of products can overflow a 16-bit sum: %s', async (weights, overflows) => {
    const matrices = await int8Matrices(weights === 'reduced-range' ? dir : fullRangeDir);
    expect(matrices).toHaveLength(6 * (shape.vision.layers + shape.text.layers) + 2);
    const worst = Math.max(...matrices.map((m) => worstPairSum(m.values, m.k, m.n)));
    if (overflows) expect(worst).toBeGreaterThan(INT16_MAX);
    else expect(worst).toBeLessThanOrEqual(INT16_MAX);
  });

  it('writes a CLIP-sized vocabulary with the start and end tokens last', async () => {
    const tokenizer = JSON.parse(await readFile(path.join(dir, 'tokenizer.json'), 'utf8'));
    const ids = Object.values(tokenizer.model.vocab as Record<string, number>);
    expect(ids).toHaveLength(shape.text.vocabSize);
    expect(new Set(ids).size).toBe(shape.text.vocabSize);
    expect(tokenizer.added_tokens.map((t: { id: number }) => t.id)).toEqual([shape.text.vocabSize - 2, shape.text.vocabSize - 1]);
  });
});

describe('the generated model through loadModel', () => {
  let fp32: ClipModel;
  let int8: ClipModel;

  beforeAll(async () => {
    [fp32, int8] = await Promise.all([loadModel(dir, opts), loadModel(dir, { ...opts, variant: 'quantized' })]);
  });

  afterAll(() => Promise.all([fp32.dispose(), int8.dispose()]));

  it('has the shape it was generated with', () => {
    expect(fp32.dim).toBe(shape.projectionDim);
    expect(fp32.contextLength).toBe(shape.text.contextLength);
    expect(fp32.preprocess).toMatchObject({ mode: 'crop', width: shape.vision.imageSize, height: shape.vision.imageSize });
  });

  it('feeds short texts at their own length, and pools the end token whatever the padding', async () => {
    expect(fp32).toBeInstanceOf(OnnxClipModel);
    const batch = (fp32 as OnnxClipModel).tokenize(['dog on the beach']);
    expect(batch.length).toBe(6);
    expect(batch.ids[batch.length - 1]).toBe(shape.text.vocabSize - 1);
    const [alone] = await fp32.encodeTexts(['dog on the beach']);
    const [padded] = await fp32.encodeTexts(['dog on the beach', 'a photo of children playing in the park at sunset']);
    expect(dot(alone, padded)).toBeGreaterThan(0.9999);
  });

  it('gives finite, normalised embeddings that differ between inputs', async () => {
    const [a, b] = await fp32.encodeImages(Float32Array.from([...pixels(1, 0), ...pixels(1, 2)]), 2);
    const [t, u] = await fp32.encodeTexts(['red car', 'snow in the mountains']);
    for (const v of [a, b, t, u]) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(dot(a, b)).toBeLessThan(0.999);
    expect(dot(t, u)).toBeLessThan(0.999);
  });

  it('gives int8 embeddings within cosine 0.99 of fp32, whichever int8 kernel the CPU has', async () => {
    const input = pixels(2, 1);
    const [images, imagesInt8] = await Promise.all([fp32.encodeImages(input, 2), int8.encodeImages(input, 2)]);
    const texts = ['dog on the beach', 'birthday cake'];
    const [words, wordsInt8] = await Promise.all([fp32.encodeTexts(texts), int8.encodeTexts(texts)]);
    for (let i = 0; i < 2; i++) {
      expect(dot(images[i], imagesInt8[i])).toBeGreaterThan(0.99);
      expect(dot(words[i], wordsInt8[i])).toBeGreaterThan(0.99);
    }
  });

  it('drifts with full-range int8 weights exactly where the int8 kernel saturates', async () => {
    const fullRange = await loadModel(fullRangeDir, { ...opts, variant: 'quantized' });
    try {
      const input = pixels(2, 1);
      const texts = ['dog on the beach', 'birthday cake'];
      const mean = (a: Float32Array[], b: Float32Array[]) => a.reduce((sum, v, i) => sum + dot(v, b[i]), 0) / a.length;
      const image = mean(await fp32.encodeImages(input, 2), await fullRange.encodeImages(input, 2));
      const text = mean(await fp32.encodeTexts(texts), await fullRange.encodeTexts(texts));
      if ((await int8Kernel()) === 'saturating') {
        expect(image).toBeLessThan(0.99);
        expect(text).toBeLessThan(0.99);
      } else {
        expect(image).toBeGreaterThan(0.99);
        expect(text).toBeGreaterThan(0.99);
      }
    } finally {
      await fullRange.dispose();
    }
  });
});
