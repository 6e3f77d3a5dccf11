import { cp, mkdir, readFile, realpath, rename, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { type OnnxClipModel, loadModel } from '../../../src-main/core/models/clip-model.ts';
import { MAPPED_MIN_BYTES, mappedModel } from '../../../src-main/core/models/mapped-weights.ts';
import { TINY_CLIP_SHAPE, writeClipShapedModel } from '../../fixtures/clip-shaped-model.ts';
import { tempDirs } from './temp-dirs.ts';

const { onnx } = onnxProto;
const temp = tempDirs();
const opts = { intraOpThreads: 1 };
const TEXTS = ['a photo of a dog on the beach', 'red car', 'birthday cake with candles'];
let dir: string;

beforeAll(async () => {
  dir = path.join(await temp.make(), 'clip');
  await writeClipShapedModel(dir, TINY_CLIP_SHAPE, { quantized: false });
});

afterAll(() => temp.cleanup());

/** The text encoder run by onnxruntime from the file's path, as a session that parses the whole file does. */
async function embeddingsFromPath(modelDir: string, texts: string[]): Promise<Float32Array[]> {
  const model = (await loadModel(modelDir, opts)) as OnnxClipModel;
  const batch = model.tokenize(texts);
  await model.dispose();
  const session = await ort.InferenceSession.create(path.join(modelDir, 'onnx', 'text_model.onnx'), { intraOpNumThreads: 1 });
  try {
    const dims = [batch.count, batch.length];
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(batch.ids, BigInt), dims) };
    if (session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.from(batch.attentionMask, BigInt), dims);
    const out = (await session.run(feeds))[session.outputNames[0]].data as Float32Array;
    const width = out.length / batch.count;
    return texts.map((_, i) => {
      const row = out.slice(i * width, (i + 1) * width);
      const norm = Math.hypot(...row);
      return row.map((v) => v / norm);
    });
  } finally {
    await session.release();
  }
}

async function textEmbeddings(modelDir: string): Promise<Float32Array[]> {
  const model = await loadModel(modelDir, { ...opts, vision: 'lazy', textInWorker: true });
  try {
    return await model.encodeTexts(TEXTS);
  } finally {
    await model.dispose();
  }
}

/** A copy of the model with its text encoder's large weights moved to `onnx/text_model.onnx_data`, as ONNX exporters write big models. */
async function savedWithExternalData(name: string): Promise<string> {
  const copy = path.join(await temp.make(), name);
  await cp(dir, copy, { recursive: true });
  const file = path.join(copy, 'onnx', 'text_model.onnx');
  const model = onnx.ModelProto.decode(await readFile(file));
  const data: Buffer[] = [];
  let offset = 0;
  for (const t of model.graph!.initializer!) {
    if (!t.rawData || t.rawData.length < MAPPED_MIN_BYTES) continue;
    data.push(Buffer.from(t.rawData));
    t.externalData = [
      { key: 'location', value: 'text_model.onnx_data' },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(t.rawData.length) },
    ];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    offset += t.rawData.length;
    t.rawData = new Uint8Array(0);
  }
  await writeFile(path.join(copy, 'onnx', 'text_model.onnx_data'), Buffer.concat(data));
  await writeFile(file, onnx.ModelProto.encode(model).finish());
  return copy;
}

function expectSameRows(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 6)));
}

describe('opening an encoder with its weights left in the file', () => {
  it('hands onnxruntime a graph without the large weights, and encodes queries exactly as parsing the whole file does', async () => {
    const file = path.join(dir, 'onnx', 'text_model.onnx');
    const mapped = mappedModel(file);
    expect(mapped).not.toBeNull();
    const table = TINY_CLIP_SHAPE.text.vocabSize * TINY_CLIP_SHAPE.text.width * 4;
    expect(table).toBeGreaterThanOrEqual(MAPPED_MIN_BYTES);
    // The table is left out; a reference to it is a few dozen bytes.
    expect(mapped!.graph.length).toBeLessThan((await stat(file)).size - table + 1024);
    expect(mapped!.folder).toBe(path.dirname(file));
    expectSameRows(await textEmbeddings(dir), await embeddingsFromPath(dir, TEXTS));
  });

  it('opens a model whose files are links into another folder, as the Hugging Face cache lays them out', async () => {
    const cache = await temp.make();
    const snapshot = path.join(cache, 'snapshots', 'rev', 'clip');
    await cp(dir, snapshot, { recursive: true });
    for (const name of ['text_model.onnx', 'vision_model.onnx']) {
      const blob = path.join(cache, 'blobs', name.replace('.onnx', '-blob'));
      await mkdir(path.dirname(blob), { recursive: true });
      await rename(path.join(snapshot, 'onnx', name), blob);
      await symlink(path.relative(path.join(snapshot, 'onnx'), blob), path.join(snapshot, 'onnx', name));
    }
    expect(mappedModel(path.join(snapshot, 'onnx', 'text_model.onnx'))!.folder).toBe(path.join(await realpath(cache), 'blobs'));
    expectSameRows(await textEmbeddings(snapshot), await textEmbeddings(dir));
  });

  it('loads a model that already keeps its weights in an external data file as it is', async () => {
    const copy = await savedWithExternalData('external');
    expect(mappedModel(path.join(copy, 'onnx', 'text_model.onnx'))).toBeNull();
    expectSameRows(await textEmbeddings(copy), await textEmbeddings(dir));
  });

  it('gives a model saved with external data a new id when other weights are copied over its data file', async () => {
    const copy = await savedWithExternalData('external-changed');
    const id = async () => {
      const model = await loadModel(copy, { ...opts, vision: 'lazy' });
      await model.dispose();
      return model.id;
    };
    const before = await id();
    const data = path.join(copy, 'onnx', 'text_model.onnx_data');
    const bytes = await readFile(data);
    bytes[bytes.length - 8] ^= 0x10;
    await writeFile(data, bytes);
    expect(await id()).not.toBe(before);
  });

  it('reports a truncated encoder as a model that does not load, naming its file', async () => {
    const copy = path.join(await temp.make(), 'truncated');
    await cp(dir, copy, { recursive: true });
    const file = path.join(copy, 'onnx', 'text_model.onnx');
    await truncate(file, Math.floor((await stat(file)).size / 2));
    expect(mappedModel(file)).toBeNull();
    const failure = await loadModel(copy, { ...opts, vision: 'lazy', textInWorker: true }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelError);
    expect((failure as ModelError).code).toBe('model-invalid');
    expect((failure as ModelError).message).toContain(file);
  });
});
