import { createHash } from 'node:crypto';
import type { Sharp } from 'sharp';
import { InputError } from '../errors.ts';
import type { PreprocessSpec } from './types.ts';

/**
 * Bumped whenever this file changes the numbers it produces for the same spec
 * (kernel choice, crop rounding, channel order); stored embeddings made with an
 * older version are then recomputed.
 */
export const PREPROCESS_CODE_VERSION = 1;

const KERNEL = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;

export function preprocessVersion(spec: PreprocessSpec): string {
  const canonical = JSON.stringify([
    PREPROCESS_CODE_VERSION,
    spec.mode,
    spec.width,
    spec.height,
    spec.resizeShortest,
    spec.resample,
    spec.rescale,
    spec.mean,
    spec.std,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

/**
 * Sizes one decoded image for the model and returns its CHW float32 tensor.
 * The image must already be oriented and flattened; pending sharp operations
 * are fine because the crop is taken from the resized output, whose size is only
 * known after rendering.
 */
export async function pixelValues(image: Sharp, spec: PreprocessSpec): Promise<Float32Array> {
  const kernel = KERNEL[spec.resample];
  const sized =
    spec.mode === 'crop'
      ? image.resize({ width: spec.resizeShortest, height: spec.resizeShortest, fit: 'outside', kernel })
      : image.resize({ width: spec.width, height: spec.height, fit: 'fill', kernel });
  const { data, info } = await sized.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return pixelValuesFromRgb(data, info.width, info.height, spec);
}

/**
 * Converts already-sized interleaved RGB to the model tensor: exactly width x height
 * in square mode; in crop mode at least that large, and the centred crop is taken.
 */
export function pixelValuesFromRgb(rgb: Uint8Array, width: number, height: number, spec: PreprocessSpec): Float32Array {
  if (rgb.length !== width * height * 3) {
    throw new InputError(`${width}x${height}`, `RGB buffer holds ${rgb.length} bytes, expected ${width * height * 3} for ${width}x${height} pixels`);
  }
  const fits = spec.mode === 'square' ? width === spec.width && height === spec.height : width >= spec.width && height >= spec.height;
  if (!fits) {
    const want = spec.mode === 'square' ? `exactly ${spec.width}x${spec.height}` : `at least ${spec.width}x${spec.height}`;
    throw new InputError(`${width}x${height}`, `image is ${width}x${height}, the model needs ${want} pixels`);
  }
  const x0 = Math.floor((width - spec.width) / 2);
  const y0 = Math.floor((height - spec.height) / 2);
  const plane = spec.width * spec.height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = spec.rescale / spec.std[c];
    const shift = -spec.mean[c] / spec.std[c];
    let o = c * plane;
    for (let y = 0; y < spec.height; y++) {
      let i = ((y0 + y) * width + x0) * 3 + c;
      for (let x = 0; x < spec.width; x++, i += 3) out[o++] = rgb[i] * scale + shift;
    }
  }
  return out;
}
