/**
 * The app's image tensors (decodeForModel: openImage, then pixelValues with the
 * spec config.ts reads from preprocessor_config.json, exactly as the indexer runs
 * them) against transformers' own definition (test/reference; its resampling
 * is bit-exact with Pillow's, pinned by reference.test.ts). Alpha: transformers
 * only calls Image.convert("RGB"), which drops it; the app composites on white by
 * design, so the reference does that first.
 *
 * Why the difference is not zero, and the tolerances. A "level" is one 8-bit step
 * after normalisation, rescale / min(std): 0.0150 for CLIP, 0.0078 for SigLIP.
 * - Lossless PNG, strict: mean <= 1.25 levels, max <= 16 levels. When shrinking,
 *   libvips' cubic has Pillow's kernel and pixel centres but not its arithmetic:
 *   its own fixed-point kernels, a box pre-shrink by whole factors on strong
 *   reductions, the image edge extended where Pillow renormalises the cut kernel,
 *   and its own 8-bit rounding between passes. Measured where the app follows the
 *   definition: mean 0.17-0.56 levels, max 3-5 levels, and 11 levels on the hard
 *   edge of the transparent hole (scene against white), where the two resamplers'
 *   overshoot differs most.
 * - JPEG, looser mean: mean <= 1.5 levels, max <= 16 levels. The reference reads
 *   the fully decoded file; the app lets libjpeg shrink by 4 while decoding (DCT
 *   scaling) before the resize. Measured: mean 0.62-0.91 levels, max 5-6 levels.
 * Every negative control below (the reference with one deliberate mistake) lands
 * outside the tolerance it is checked against; the subtlest, bilinear instead of
 * bicubic, at 2.75 levels mean or more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeForModel } from '../../../src-main/core/indexer/decode-for-model.ts';
import { preprocessFromHf } from '../../../src-main/core/models/config.ts';
import type { PreprocessSpec } from '../../../src-main/core/models/types.ts';
import {
  type ReferenceProcessor,
  centreCropOrigin,
  crop,
  normalisedChw,
  readProcessorConfig,
  referencePixelValues,
  resizedSize,
} from '../../reference/hf-image-processor.ts';
import { type ExifOrientation, displayed, onWhite, storedFor } from '../../reference/image-ops.ts';
import { type PilFilter, pilResize } from '../../reference/pil-resample.ts';
import { type RgbImage, rgbImage } from '../../reference/rgb-image.ts';
import { type TensorDifference, tensorDifference } from '../../reference/tensor-diff.ts';
import { tempDirs } from '../models/temp-dirs.ts';
import { type DetailScale, scene, speckle, translucent } from './scenes.ts';

interface Family {
  name: string;
  spec: PreprocessSpec;
  reference: ReferenceProcessor;
  /** One 8-bit step in normalised units (the largest over the channels). */
  level: number;
}

function family(name: string, configFile: string): Family {
  const file = path.join(import.meta.dirname, '../../fixtures/parity', configFile);
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const reference = readProcessorConfig(json);
  return { name, spec: preprocessFromHf(json, file), reference, level: reference.rescale / Math.min(...reference.std) };
}

const FAMILIES = [family('CLIP', 'clip-vit-base-patch32.preprocessor_config.json'), family('SigLIP', 'siglip-base-patch16-224.preprocessor_config.json')];

interface Tolerance {
  meanLevels: number;
  maxLevels: number;
}
const LOSSLESS: Tolerance = { meanLevels: 1.25, maxLevels: 16 };
const JPEG: Tolerance = { meanLevels: 1.5, maxLevels: 16 };

const within = (d: TensorDifference, tol: Tolerance, level: number): boolean => d.mean <= tol.meanLevels * level && d.max <= tol.maxLevels * level;
const describeDiff = (d: TensorDifference, level: number): string => `mean ${(d.mean / level).toFixed(2)} levels, max ${(d.max / level).toFixed(1)} levels`;

interface Photo {
  file: string;
  /** What the processor is given: upright, opaque, fully decoded. */
  upright: RgbImage;
}

interface AlphaPhoto extends Photo {
  /** The colour under the alpha, as a decoder that drops alpha shows it. */
  hidden: RgbImage;
}

interface RotatedPhoto extends Photo {
  orientation: ExifOrientation;
  /** The pixels as stored in the file, before the orientation is applied. */
  stored: RgbImage;
}

/** Source pixels per model pixel on each axis for a photo of this size. */
function detailScale(fam: Family, width: number, height: number): DetailScale {
  const [w, h] = resizedSize(fam.reference, width, height);
  return { x: width / w, y: height / h };
}

const LOSSLESS_SCENES: Record<string, (fam: Family) => RgbImage> = {
  'portrait 333x517': (fam) => scene(333, 517, 1, detailScale(fam, 333, 517)),
  '4:3 landscape 1024x768': (fam) => scene(1024, 768, 2, detailScale(fam, 1024, 768)),
  'landscape 900x700': (fam) => scene(900, 700, 3, detailScale(fam, 900, 700)),
  '3:2 photo 3000x2000 (strong downscale)': (fam) => scene(3000, 2000, 4, detailScale(fam, 3000, 2000)),
  'tiny 7x5 (upscaled)': () => speckle(7, 5, 5),
  'panorama 2000x40': (fam) => scene(2000, 40, 6, detailScale(fam, 2000, 40)),
  'exactly 224x224 (no resize)': (fam) => scene(224, 224, 7, detailScale(fam, 224, 224)),
};
const JPEG_ORIENTATIONS = [6, 8, 3] as const;

const temp = tempDirs();

const rawInput = (image: { width: number; height: number; data: Uint8Array }, channels: 3 | 4) =>
  sharp(image.data, { raw: { width: image.width, height: image.height, channels } });

async function png(file: string, image: RgbImage): Promise<Photo> {
  await rawInput(image, 3).png().toFile(file);
  return { file, upright: image };
}

async function pngWithAlpha(file: string, fam: Family): Promise<AlphaPhoto> {
  const [width, height] = [450, 300];
  const rgba = translucent(width, height, 21, detailScale(fam, width, height));
  await rawInput(rgba, 4).png().toFile(file);
  const hidden = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) hidden.set(rgba.data.subarray(p * 4, p * 4 + 3), p * 3);
  return { file, upright: onWhite(rgba), hidden: rgbImage(width, height, hidden) };
}

/** A JPEG whose stored pixels need `orientation` to show the scene; the reference decodes it in full and turns it itself. */
async function rotatedJpeg(file: string, fam: Family, orientation: ExifOrientation): Promise<RotatedPhoto> {
  // 3:2, so the long side needs no rounding; 4.5x down, so libjpeg shrinks by 4 while decoding.
  const [width, height] = orientation === 8 ? [1000, 1500] : [1500, 1000];
  const upright = scene(width, height, 30 + orientation, detailScale(fam, width, height));
  await rawInput(storedFor(upright, orientation), 3).withMetadata({ orientation }).jpeg({ quality: 90 }).toFile(file);
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const stored = rgbImage(info.width, info.height, new Uint8Array(data));
  return { file, upright: displayed(stored, orientation), stored, orientation };
}

interface FamilyPhotos {
  lossless: Map<string, Photo>;
  alpha: AlphaPhoto;
  jpegs: RotatedPhoto[];
}
const photos = new Map<string, FamilyPhotos>();

beforeAll(async () => {
  const dir = await temp.make('photo-search-parity-');
  for (const fam of FAMILIES) {
    const name = (what: string) => path.join(dir, `${fam.name}-${what.replace(/\W+/g, '-')}`);
    const lossless = new Map<string, Photo>();
    for (const [what, make] of Object.entries(LOSSLESS_SCENES)) lossless.set(what, await png(`${name(what)}.png`, make(fam)));
    const alpha = await pngWithAlpha(`${name('alpha')}.png`, fam);
    const jpegs: RotatedPhoto[] = [];
    for (const orientation of JPEG_ORIENTATIONS) jpegs.push(await rotatedJpeg(`${name(`orientation ${orientation}`)}.jpg`, fam, orientation));
    photos.set(fam.name, { lossless, alpha, jpegs });
  }
}, 120_000);

afterAll(() => temp.cleanup());

async function appTensor(file: string, fam: Family): Promise<Float32Array> {
  return (await decodeForModel(file, fam.spec)).pixels;
}

function expectWithin(actual: Float32Array, expected: Float32Array, tol: Tolerance, fam: Family): void {
  const d = tensorDifference(actual, expected);
  const what = describeDiff(d, fam.level);
  expect(d.mean / fam.level, `mean difference (${what})`).toBeLessThanOrEqual(tol.meanLevels);
  expect(d.max / fam.level, `largest difference (${what})`).toBeLessThanOrEqual(tol.maxLevels);
}

// --- Deliberate mistakes, built from the reference's own steps. ---

/** The reference up to the resized (and cropped) 8-bit image, with a chosen filter and crop origin. */
function sizedReference(
  image: RgbImage,
  ref: ReferenceProcessor,
  opts: { filter?: PilFilter; size?: [number, number]; origin?: 'centre' | 'corner' } = {},
): RgbImage {
  const [w, h] = opts.size ?? resizedSize(ref, image.width, image.height);
  const sized = pilResize(image, w, h, opts.filter ?? ref.filter);
  if (!ref.crop) return sized;
  const { left, top } = opts.origin === 'corner' ? { left: 0, top: 0 } : centreCropOrigin(w, h, ref.crop.width, ref.crop.height);
  return crop(sized, left, top, ref.crop.width, ref.crop.height);
}

const tensorOf = (image: RgbImage, ref: ReferenceProcessor): Float32Array => normalisedChw(image, ref.rescale, ref.mean, ref.std);

/** Every pixel taken from one column further left (the first column repeated). */
function shiftedRight(image: RgbImage): RgbImage {
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + Math.max(0, x - 1)) * 3;
      out.set(image.data.subarray(from, from + 3), (y * image.width + x) * 3);
    }
  }
  return rgbImage(image.width, image.height, out);
}

function bgr(image: RgbImage): RgbImage {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i += 3) out.set([image.data[i + 2], image.data[i + 1], image.data[i]], i);
  return rgbImage(image.width, image.height, out);
}

/**
 * The long side rounded to nearest instead of truncated (what a resize to "cover"
 * a square does). Only for photos that are shrunk: enlarging a 5-pixel side 45
 * times, a 0.3% scale error moves nothing by a visible fraction of a pixel.
 */
function roundedLongSide(image: RgbImage, ref: ReferenceProcessor): [number, number] | null {
  if (!('shortestEdge' in ref.resize) || Math.min(image.width, image.height) <= ref.resize.shortestEdge) return null;
  const s = ref.resize.shortestEdge;
  const size: [number, number] =
    image.width <= image.height ? [s, Math.round((s * image.height) / image.width)] : [Math.round((s * image.width) / image.height), s];
  const [w, h] = resizedSize(ref, image.width, image.height);
  return size[0] === w && size[1] === h ? null : size;
}

function mistakes(image: RgbImage, ref: ReferenceProcessor): Array<[string, Float32Array]> {
  const right = sizedReference(image, ref);
  const out: Array<[string, Float32Array]> = [
    ['shifted by one pixel', tensorOf(shiftedRight(right), ref)],
    ['channels swapped (BGR)', tensorOf(bgr(right), ref)],
    ['not normalised (rescale only)', normalisedChw(right, ref.rescale, [0, 0, 0], [1, 1, 1])],
    ['bilinear instead of bicubic', tensorOf(sizedReference(image, ref, { filter: 'bilinear' }), ref)],
  ];
  if (ref.crop) out.push(['cropped at the corner, not the centre', tensorOf(sizedReference(image, ref, { origin: 'corner' }), ref)]);
  const rounded = roundedLongSide(image, ref);
  if (rounded) out.push(['long side rounded, not truncated', tensorOf(sizedReference(image, ref, { size: rounded }), ref)]);
  return out;
}

function expectRejected(name: string, mistaken: Float32Array, expected: Float32Array, tol: Tolerance, fam: Family): void {
  const d = tensorDifference(mistaken, expected);
  expect(within(d, tol, fam.level), `${name} passed the tolerance (${describeDiff(d, fam.level)})`).toBe(false);
}

describe.each(FAMILIES)('$name preprocessing matches transformers', (fam) => {
  const mine = (): FamilyPhotos => photos.get(fam.name)!;

  describe('lossless PNG (strict tolerance)', () => {
    it.each(Object.keys(LOSSLESS_SCENES))('%s', async (what) => {
      const photo = mine().lossless.get(what)!;
      expectWithin(await appTensor(photo.file, fam), referencePixelValues(photo.upright, fam.reference), LOSSLESS, fam);
    });

    it('PNG with alpha: composited on white first', async () => {
      const { alpha } = mine();
      expectWithin(await appTensor(alpha.file, fam), referencePixelValues(alpha.upright, fam.reference), LOSSLESS, fam);
    });
  });

  it.each(JPEG_ORIENTATIONS)('JPEG with EXIF orientation %i, shrink-on-load (loose tolerance)', async (orientation) => {
    const photo = mine().jpegs.find((j) => j.orientation === orientation)!;
    expectWithin(await appTensor(photo.file, fam), referencePixelValues(photo.upright, fam.reference), JPEG, fam);
  });

  describe('the tolerances reject deliberate mistakes', () => {
    it.each(['portrait 333x517', '4:3 landscape 1024x768', '3:2 photo 3000x2000 (strong downscale)', 'tiny 7x5 (upscaled)', 'panorama 2000x40'])(
      '%s',
      (what) => {
        const photo = mine().lossless.get(what)!;
        const expected = referencePixelValues(photo.upright, fam.reference);
        for (const [mistake, mistaken] of mistakes(photo.upright, fam.reference)) expectRejected(mistake, mistaken, expected, LOSSLESS, fam);
      },
    );

    it('alpha dropped instead of composited (what convert("RGB") does)', () => {
      const { alpha } = mine();
      const expected = referencePixelValues(alpha.upright, fam.reference);
      expectRejected('alpha dropped', referencePixelValues(alpha.hidden, fam.reference), expected, LOSSLESS, fam);
    });

    it('JPEG: orientation ignored, turned the wrong way, and the usual mistakes', () => {
      const photo = mine().jpegs.find((j) => j.orientation === 6)!;
      const expected = referencePixelValues(photo.upright, fam.reference);
      expectRejected('orientation ignored', referencePixelValues(photo.stored, fam.reference), expected, JPEG, fam);
      expectRejected('turned anticlockwise', referencePixelValues(displayed(photo.stored, 8), fam.reference), expected, JPEG, fam);
      for (const [mistake, mistaken] of mistakes(photo.upright, fam.reference)) expectRejected(mistake, mistaken, expected, JPEG, fam);
    });
  });
});
