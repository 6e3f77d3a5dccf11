import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError, ModelError } from '../../../src-main/core/errors.ts';
import { preprocessFromHf, preprocessFromOpenClip } from '../../../src-main/core/models/config.ts';
import { pixelValues, pixelValuesFromRgb, preprocessVersion } from '../../../src-main/core/models/preprocess.ts';
import type { PreprocessSpec } from '../../../src-main/core/models/types.ts';

const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
const S = 64;
const cropSpec: PreprocessSpec = {
  mode: 'crop',
  width: S,
  height: S,
  resizeShortest: S,
  resample: 'bicubic',
  rescale: 1 / 255,
  mean: CLIP_MEAN,
  std: CLIP_STD,
};
const squareSpec: PreprocessSpec = { ...cropSpec, mode: 'square' };

type Rgb = readonly [number, number, number];
const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];
const GREEN: Rgb = [30, 170, 60];

/** width x height filled with `fill`, then `paint(x, y)` overrides single pixels. */
function image(width: number, height: number, fill: Rgb, paint: (x: number, y: number) => Rgb | undefined = () => undefined): Sharp {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(paint(x, y) ?? fill, (y * width + x) * 3);
  return sharp(rgb, { raw: { width, height, channels: 3 } });
}

const normalised = (rgb: Rgb, spec: PreprocessSpec): number[] => rgb.map((v, c) => (v * spec.rescale - spec.mean[c]) / spec.std[c]);

function pixel(tensor: Float32Array, spec: PreprocessSpec, x: number, y: number): number[] {
  const plane = spec.width * spec.height;
  return [0, 1, 2].map((c) => tensor[c * plane + y * spec.width + x]);
}

/** One 8-bit step after normalisation, the rounding a resize may introduce. */
const STEP = 1 / 255 / Math.min(...CLIP_STD);

function expectPixel(actual: number[], expected: number[]): void {
  actual.forEach((v, c) => expect(Math.abs(v - expected[c])).toBeLessThanOrEqual(STEP * 1.01));
}

describe('pixelValues', () => {
  // 300x200 with a 40 px green bar on the left and a blue 100x100 block in the middle.
  const barAndBlock = () => image(300, 200, RED, (x, y) => (x < 40 ? GREEN : x >= 100 && x < 200 && y >= 50 && y < 150 ? BLUE : undefined));

  it('crop mode: a 300x200 photo becomes a 3xSxS tensor whose centre holds the normalised centre colour', async () => {
    const t = await pixelValues(barAndBlock(), cropSpec, { width: 300, height: 200 });
    expect(t).toHaveLength(3 * S * S);
    expectPixel(pixel(t, cropSpec, S / 2, S / 2), normalised(BLUE, cropSpec));
  });

  it('crop mode cuts the sides of a landscape photo: the left bar is gone', async () => {
    const t = await pixelValues(barAndBlock(), cropSpec, { width: 300, height: 200 });
    expectPixel(pixel(t, cropSpec, 0, S / 2), normalised(RED, cropSpec));
  });

  it('square mode keeps the whole photo: the left bar survives', async () => {
    const t = await pixelValues(barAndBlock(), squareSpec, { width: 300, height: 200 });
    expect(t).toHaveLength(3 * S * S);
    expectPixel(pixel(t, squareSpec, 0, S / 2), normalised(GREEN, squareSpec));
    expectPixel(pixel(t, squareSpec, S / 2, S / 2), normalised(BLUE, squareSpec));
  });

  it('honours a rotation still pending on the sharp pipeline', async () => {
    // Left third red, rest blue; rotated a quarter turn clockwise the red third is on top.
    const rotated = image(300, 200, BLUE, (x) => (x < 100 ? RED : undefined)).rotate(90);
    const t = await pixelValues(rotated, cropSpec, { width: 200, height: 300 });
    expectPixel(pixel(t, cropSpec, S / 2, 0), normalised(RED, cropSpec));
    expectPixel(pixel(t, cropSpec, S / 2, S - 1), normalised(BLUE, cropSpec));
  });

  it('turns a greyscale photo into three equal channels', async () => {
    const grey = await sharp(new Uint8Array(50 * 40).fill(128), { raw: { width: 50, height: 40, channels: 1 } })
      .png()
      .toBuffer();
    const t = await pixelValues(sharp(grey), cropSpec, { width: 50, height: 40 });
    expectPixel(pixel(t, cropSpec, 10, 10), normalised([128, 128, 128], cropSpec));
  });

  it('upscales a photo smaller than the model input', async () => {
    const t = await pixelValues(image(20, 10, GREEN), cropSpec, { width: 20, height: 10 });
    expect(t).toHaveLength(3 * S * S);
    expectPixel(pixel(t, cropSpec, S - 1, S - 1), normalised(GREEN, cropSpec));
  });
});

describe('pixelValuesFromRgb', () => {
  const tiny: PreprocessSpec = {
    mode: 'crop',
    width: 2,
    height: 1,
    resizeShortest: 1,
    resample: 'bicubic',
    rescale: 1 / 255,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.25, 0.5],
  };

  it('takes the centred crop and writes planar, normalised channels', () => {
    // 4x1 pixels; the centred 2x1 crop is pixels 1 and 2.
    const rgb = Uint8Array.from([0, 0, 0, 255, 0, 51, 0, 255, 102, 9, 9, 9]);
    const t = pixelValuesFromRgb(rgb, 4, 1, tiny);
    expect([...t].map((v) => Number(v.toFixed(4)))).toEqual([1, -1, -2, 2, -0.6, -0.2]);
  });

  it.each([
    ['a buffer of the wrong length', new Uint8Array(5), 4, 1, tiny],
    ['an image smaller than the crop', new Uint8Array(3), 1, 1, tiny],
    ['a square-mode image of another size', new Uint8Array(9 * 3), 3, 3, { ...tiny, mode: 'square' as const }],
  ])('rejects %s', (_case, rgb, w, h, spec) => {
    expect(() => pixelValuesFromRgb(rgb, w, h, spec)).toThrow(InputError);
  });
});

describe('preprocessing config', () => {
  it.each([
    [
      'CLIP (preprocessor_config.json)',
      preprocessFromHf(
        {
          do_resize: true,
          size: { shortest_edge: 224 },
          resample: 3,
          do_center_crop: true,
          crop_size: { height: 224, width: 224 },
          do_rescale: true,
          rescale_factor: 1 / 255,
          do_normalize: true,
          image_mean: CLIP_MEAN,
          image_std: CLIP_STD,
        },
        '/m/preprocessor_config.json',
      ),
      { mode: 'crop', width: 224, height: 224, resizeShortest: 224, resample: 'bicubic', mean: CLIP_MEAN, std: CLIP_STD },
    ],
    [
      'older CLIP with integer sizes and a larger resize',
      preprocessFromHf({ size: 256, crop_size: 224, do_center_crop: true, image_mean: CLIP_MEAN, image_std: CLIP_STD }, '/m/preprocessor_config.json'),
      { mode: 'crop', width: 224, height: 224, resizeShortest: 256 },
    ],
    [
      'SigLIP (square resize, bilinear, 0.5 mean/std)',
      preprocessFromHf(
        { do_resize: true, size: { height: 256, width: 256 }, resample: 2, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], rescale_factor: 1 / 255 },
        '/m/preprocessor_config.json',
      ),
      { mode: 'square', width: 256, height: 256, resample: 'bilinear', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    ],
    [
      'open_clip "shortest" (Immich CLIP)',
      preprocessFromOpenClip(
        { size: [224, 224], mean: CLIP_MEAN, std: CLIP_STD, interpolation: 'bicubic', resize_mode: 'shortest' },
        '/m/visual/preprocess_cfg.json',
      ),
      { mode: 'crop', width: 224, height: 224, resizeShortest: 224, rescale: 1 / 255 },
    ],
    [
      'open_clip "squash" (Immich SigLIP)',
      preprocessFromOpenClip(
        { size: 384, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], interpolation: 'bicubic', resize_mode: 'squash' },
        '/m/visual/preprocess_cfg.json',
      ),
      { mode: 'square', width: 384, height: 384 },
    ],
  ])('reads %s', (_name, spec, expected) => {
    expect(spec).toMatchObject(expected);
  });

  it.each([
    ['an unsupported resample code', () => preprocessFromHf({ size: 224, crop_size: 224, resample: 1 }, '/m/preprocessor_config.json')],
    ['a crop larger than the resize', () => preprocessFromHf({ size: 200, crop_size: 224, do_center_crop: true }, '/m/preprocessor_config.json')],
    ['a missing size', () => preprocessFromOpenClip({ mean: CLIP_MEAN }, '/m/visual/preprocess_cfg.json')],
    ['letterboxing', () => preprocessFromOpenClip({ size: 224, resize_mode: 'longest' }, '/m/visual/preprocess_cfg.json')],
  ])('rejects %s with a ModelError naming the file and the model directory', (_name, read) => {
    try {
      read();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ModelError);
      expect((err as ModelError).code).toBe('model-invalid');
      expect((err as ModelError).subject).toBe('/m');
      expect((err as ModelError).message).toMatch(/^\/m\/(visual\/)?preprocess/);
    }
  });

  it('changes the preprocessing version when the spec changes, and only then', () => {
    expect(preprocessVersion({ ...cropSpec })).toBe(preprocessVersion(cropSpec));
    expect(preprocessVersion(squareSpec)).not.toBe(preprocessVersion(cropSpec));
    expect(preprocessVersion({ ...cropSpec, resample: 'bilinear' })).not.toBe(preprocessVersion(cropSpec));
  });
});
