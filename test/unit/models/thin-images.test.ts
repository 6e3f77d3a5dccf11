/**
 * Thin images (a 1x20000 strip, a 20000x1 line) are enlarged a great deal on one
 * axis before the centre crop. Only the crop is ever needed, so preparing one must
 * cost what the model's input costs, whatever the aspect ratio, and give exactly
 * the numbers a full enlargement followed by the crop would.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { preprocessFromHf } from '../../../src-main/core/models/config.ts';
import { pixelValues, pixelValuesFromRgb, resizedSize } from '../../../src-main/core/models/preprocess.ts';
import { resampleRgb, resampleRgbWindow } from '../../../src-main/core/models/resample.ts';
import type { PreprocessSpec } from '../../../src-main/core/models/types.ts';

const run = promisify(execFile);
const PROBE = path.join(import.meta.dirname, 'thin-image-probe.ts');
const clipConfig = path.join(import.meta.dirname, '../../fixtures/parity/clip-vit-base-patch32.preprocessor_config.json');
const CLIP: PreprocessSpec = preprocessFromHf(JSON.parse(readFileSync(clipConfig, 'utf8')) as Record<string, unknown>, clipConfig);

/** Deterministic noise, so every output pixel depends on its own taps. */
function noise(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('preparing a thin image for the model', () => {
  it.each([
    [1, 20000],
    [20000, 1],
  ])('a %ix%i PNG needs no more memory than an ordinary photo', async (width, height) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, String(width), String(height), JSON.stringify(CLIP)], {
      maxBuffer: 1 << 20,
      timeout: 50_000,
    });
    const { values, baselineKiB, peakKiB } = JSON.parse(stdout) as { values: number; baselineKiB: number; peakKiB: number };
    expect(values).toBe(3 * CLIP.width * CLIP.height);
    // Enlarging the whole strip to 224 pixels across would take about 3 GB; the crop alone takes 150 KB.
    expect((peakKiB - baselineKiB) / 1024).toBeLessThan(64);
  });

  it.each<[string, number, number, 'bicubic' | 'bilinear']>([
    ['a strip', 3, 700, 'bicubic'],
    ['a line', 900, 2, 'bicubic'],
    ['a small odd-sized photo', 37, 29, 'bicubic'],
    ['a strip, bilinear', 5, 333, 'bilinear'],
  ])('%s gives the same tensor as enlarging it whole and cropping', async (_label, width, height, resample) => {
    const spec: PreprocessSpec = { ...CLIP, width: 64, height: 64, resizeShortest: 64, resample };
    const rgb = noise(width, height, width * 31 + height);
    const target = resizedSize(spec, { width, height });
    const whole = pixelValuesFromRgb(resampleRgb(rgb, width, height, target.width, target.height, resample), target.width, target.height, spec);
    const image = sharp(rgb, { raw: { width, height, channels: 3 } });
    expect(await pixelValues(image, spec, { width, height })).toEqual(whole);
  });

  it('resamples a window exactly as the whole resample does there', () => {
    const rgb = noise(7, 5, 3);
    const whole = resampleRgb(rgb, 7, 5, 40, 23, 'bicubic');
    const window = resampleRgbWindow(rgb, 7, 5, 40, 23, { left: 11, top: 4, width: 20, height: 9 }, 'bicubic');
    const expected = new Uint8Array(20 * 9 * 3);
    for (let y = 0; y < 9; y++) expected.set(whole.subarray(((y + 4) * 40 + 11) * 3, ((y + 4) * 40 + 31) * 3), y * 20 * 3);
    expect(window).toEqual(expected);
  });
});
