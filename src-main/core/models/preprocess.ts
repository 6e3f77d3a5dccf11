import { createHash } from 'node:crypto';
import type { Sharp } from 'sharp';
import { InputError } from '../errors.ts';
import { type PixelRect, resampleRgbWindow, sourceRegion } from './resample.ts';
import type { PreprocessSpec } from './types.ts';

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Bumped whenever this file changes the numbers it produces for the same spec
 * (kernel choice, crop rounding, channel order); stored embeddings made with an
 * older version are then recomputed.
 */
export const PREPROCESS_CODE_VERSION = 2;

/**
 * Square-mode specs (SigLIP) only: bumped when the photo reaches the squash by another
 * path. From 2 on, a JPEG or WebP photo is decoded once to a working image that keeps
 * its aspect ratio (the thumbnail and the perceptual hash come from the same decode,
 * indexer/decode-for-model.ts) and the squash resizes that, where it used to resize
 * the photo while decoding it: each such photo's input moves by a fraction of a level.
 * Crop-mode inputs are unchanged, so their stored embeddings stay valid.
 */
export const SQUARE_DECODE_VERSION = 2;

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
    spec.cropRounding,
    ...(spec.mode === 'square' ? [SQUARE_DECODE_VERSION] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

/**
 * The size the photo is resized to before cropping, as the model's processor
 * computes it: the shortest side becomes `resizeShortest` and the long side is
 * scaled and truncated (Hugging Face and torchvision both use int()), each axis on
 * its own; square mode resizes straight to the tensor size.
 */
export function resizedSize(spec: PreprocessSpec, displayed: ImageSize): ImageSize {
  if (spec.mode === 'square') return { width: spec.width, height: spec.height };
  const { width, height } = displayed;
  const short = spec.resizeShortest;
  return width <= height ? { width: short, height: Math.trunc((short * height) / width) } : { width: Math.trunc((short * width) / height), height: short };
}

/**
 * The part of the resized image the model sees, in resized coordinates: the centred
 * crop (with the processor's rounding) in crop mode, the whole image in square mode
 * or when the resized image is smaller than the crop (pixelValuesFromRgb refuses it).
 */
export function cropWindow(spec: PreprocessSpec, resized: ImageSize): PixelRect {
  if (spec.mode === 'square' || resized.width < spec.width || resized.height < spec.height) return { left: 0, top: 0, ...resized };
  return {
    left: cropOffset(resized.width - spec.width, spec.cropRounding),
    top: cropOffset(resized.height - spec.height, spec.cropRounding),
    width: spec.width,
    height: spec.height,
  };
}

/**
 * Sizes one decoded image for the model and returns its CHW float32 tensor.
 * `displayed` is the image's size once oriented (a rotation may still be pending on
 * the pipeline, so sharp's metadata cannot tell). Only the crop the model sees is
 * ever made, so cost and memory follow the model's input size whatever the aspect
 * ratio (a 1x20000 strip resized to 224 across would otherwise be 224x4480000).
 * Shrinking goes through sharp, so JPEGs are shrunk while decoding, and the crop is
 * taken in the same pipeline. Enlarging decodes only the source pixels the crop
 * reads and resamples them as the model's processor does, pixel for pixel what
 * enlarging the whole image and cropping would give.
 */
export async function pixelValues(image: Sharp, spec: PreprocessSpec, displayed: ImageSize): Promise<Float32Array> {
  const target = resizedSize(spec, displayed);
  const window = cropWindow(spec, target);
  const enlarges = target.width > displayed.width || target.height > displayed.height;
  const rgb = (pipeline: Sharp) => pipeline.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (enlarges && spec.resample !== 'nearest') {
    const source = sourceRegion(displayed.width, displayed.height, target.width, target.height, window, spec.resample);
    const { data } = await rgb(image.extract(source));
    const cropped = resampleRgbWindow(data, displayed.width, displayed.height, target.width, target.height, window, spec.resample, source);
    return pixelValuesFromRgb(cropped, window.width, window.height, spec);
  }
  const resized = image.resize({ width: target.width, height: target.height, fit: 'fill', kernel: KERNEL[spec.resample] });
  const { data, info } = await rgb(resized.extract(window));
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
  const x0 = cropOffset(width - spec.width, spec.cropRounding);
  const y0 = cropOffset(height - spec.height, spec.cropRounding);
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

/** Hugging Face crops at floor(margin / 2); torchvision (open_clip) at round(margin / 2), halves to even. */
function cropOffset(margin: number, rounding: PreprocessSpec['cropRounding']): number {
  const half = margin / 2;
  if (rounding !== 'half-even' || half % 1 !== 0.5) return Math.floor(half);
  const down = Math.floor(half);
  return down % 2 === 0 ? down : down + 1;
}
