import { cp, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkModelFiles, measureInt8Drift, readInt8Drift, writeInt8Drift } from '../../../src-main/core/models/int8-drift.ts';
import { int8Kernel } from '../../../src-main/core/models/int8-kernel.ts';
import { TINY_CLIP_SHAPE, writeClipShapedModel } from '../../fixtures/clip-shaped-model.ts';
import { tempDirs } from './temp-dirs.ts';

const temp = tempDirs();
const opts = { intraOpThreads: 1 };
let both: string;
let fullRange: string;

beforeAll(async () => {
  const root = await temp.make();
  both = path.join(root, 'both');
  fullRange = path.join(root, 'full-range');
  await writeClipShapedModel(both, TINY_CLIP_SHAPE);
  await writeClipShapedModel(fullRange, TINY_CLIP_SHAPE, { fp32: false, int8Weights: 'full-range' });
});

afterAll(() => temp.cleanup());

describe('measuring int8 against fp32 on this machine', () => {
  it('finds 7-bit int8 weights within cosine 0.99 of fp32 on any CPU, from one folder holding both variants', async () => {
    const drift = await measureInt8Drift(both, both, opts);
    for (const cosine of [drift.image, drift.text]) {
      expect(cosine).toBeGreaterThan(0.99);
      expect(cosine).toBeLessThanOrEqual(1.0001);
    }
  });

  it('compares variants from two folders, and finds full-range weights drifting exactly where the int8 kernel saturates', async () => {
    const drift = await measureInt8Drift(both, fullRange, opts);
    const saturating = (await int8Kernel()) === 'saturating';
    for (const cosine of [drift.image, drift.text]) {
      if (saturating) expect(cosine).toBeLessThan(0.99);
      else expect(cosine).toBeGreaterThan(0.99);
    }
  });

  it('keeps a measurement with the model, for this CPU and kernel only', async () => {
    const dir = await temp.make();
    expect(await readInt8Drift(dir, 'CPU A', 'saturating')).toBeNull();
    await writeInt8Drift(dir, { image: 0.95, text: 0.92 }, 'CPU A', 'saturating');
    expect(await readInt8Drift(dir, 'CPU A', 'saturating')).toEqual({ image: 0.95, text: 0.92 });
    expect(await readInt8Drift(dir, 'CPU B', 'saturating')).toBeNull();
    expect(await readInt8Drift(dir, 'CPU A', 'exact')).toBeNull();
  });

  it('keeps a model folder’s files alive under another name after the folder is deleted', async () => {
    const root = await temp.make();
    const original = path.join(root, 'model');
    await cp(both, original, { recursive: true });
    const before = await readFile(path.join(original, 'onnx', 'vision_model.onnx'));
    const kept = await linkModelFiles(original, path.join(root, '.kept', 'model'));
    expect(kept).not.toBeNull();
    expect((await stat(path.join(kept!, 'onnx', 'vision_model.onnx'))).nlink).toBe(2);
    await rm(original, { recursive: true });
    expect((await readFile(path.join(kept!, 'onnx', 'vision_model.onnx'))).equals(before)).toBe(true);
    expect((await measureInt8Drift(kept!, kept!, opts)).image).toBeGreaterThan(0.99);
  });
});
