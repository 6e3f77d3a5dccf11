import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnnxClipModel, loadModel } from '../../../src-main/core/models/clip-model.ts';
import { TINY_CONTEXT_LENGTH, writeTinyModel } from '../../fixtures/tiny-model.ts';
import { dot, tempDirs } from './temp-dirs.ts';

const temp = tempDirs();
let model: OnnxClipModel;
let startId: number;
let endId: number;

beforeAll(async () => {
  const dir = path.join(await temp.make(), 'tiny-clip');
  await writeTinyModel(dir);
  model = (await loadModel(dir, { intraOpThreads: 1 })) as OnnxClipModel;
  [startId, endId] = model.tokenize(['']).ids;
});

afterAll(async () => {
  await model?.dispose();
  await temp.cleanup();
});

const row = (values: Int32Array, r: number, length: number): number[] => [...values.subarray(r * length, (r + 1) * length)];

describe('text batches', () => {
  it('pads a short query only to its own length, not to the context length', () => {
    const batch = model.tokenize(['red']);
    expect(batch.length).toBe(3);
    expect(row(batch.ids, 0, 3)).toEqual([startId, expect.any(Number), endId]);
    expect(row(batch.attentionMask, 0, 3)).toEqual([1, 1, 1]);
  });

  it('pads every text to the longest one in the batch and masks the padding', () => {
    const batch = model.tokenize(['red', 'a photo of a blue circle']);
    expect(batch.length).toBe(8);
    expect(batch.tokenCounts).toEqual([3, 8]);
    expect(row(batch.attentionMask, 0, 8)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    expect(row(batch.attentionMask, 1, 8)).toEqual(Array(8).fill(1));
  });

  it('embeds a text the same alone or next to a longer one (padding contributes nothing)', async () => {
    const [alone] = await model.encodeTexts(['red']);
    const [batched] = await model.encodeTexts(['red', 'a photo of a blue circle with yellow stripes']);
    expect(dot(alone, batched)).toBeCloseTo(1, 6);
  });

  it('truncates a long text to the context length and keeps the end token', () => {
    const long = `red ${'circle '.repeat(60)}`;
    const batch = model.tokenize([long]);
    const ids = row(batch.ids, 0, batch.length);
    expect(batch.length).toBe(TINY_CONTEXT_LENGTH);
    expect(ids[0]).toBe(startId);
    expect(ids[1]).toBe(model.tokenize(['red']).ids[1]);
    expect(ids[TINY_CONTEXT_LENGTH - 1]).toBe(endId);
  });

  it('embeds a text longer than the context without failing', async () => {
    const [v] = await model.encodeTexts([`blue ${'stripes '.repeat(100)}`]);
    expect(dot(v, v)).toBeCloseTo(1, 5);
  });

  it('ignores letter case, as CLIP does', async () => {
    const [upper, lower] = await model.encodeTexts(['RED Circle', 'red circle']);
    expect(dot(upper, lower)).toBeCloseTo(1, 6);
  });

  it('encodes more texts than one graph run takes, each on its own row', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => ['red', 'green circle', 'a blue photo', 'yellow lines'][i % 4]);
    const rows = await model.encodeTexts(texts);
    const singles = await model.encodeTexts(['red', 'green circle', 'a blue photo', 'yellow lines']);
    expect(rows).toHaveLength(150);
    rows.forEach((v, i) => expect(dot(v, singles[i % 4])).toBeCloseTo(1, 6));
  });

  it('returns nothing for no texts', async () => {
    expect(await model.encodeTexts([])).toEqual([]);
  });

  it('gives unknown words a valid unit vector instead of NaN', async () => {
    const [v] = await model.encodeTexts(['xyzzy ∞ 🙂']);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(dot(v, v)).toBeCloseTo(1, 5);
  });
});
