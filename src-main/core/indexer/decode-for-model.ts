import sharp from 'sharp';
import { asMediaError, openImage, type DecodeLimits, type FileFacts, type PhotoFormat, type PhotoMeta } from '../media/decode.ts';
import type { ContentIdentity } from '../media/identity.ts';
import { perceptualHash } from '../media/perceptual-hash.ts';
import { encodeThumbnail, GRID_THUMBNAIL_SIZE } from '../media/thumbnail.ts';
import { pixelValues, pixelValuesFromRgb, resizedSize, type ImageSize } from '../models/preprocess.ts';
import type { PreprocessSpec } from '../models/types.ts';

/** What a decode learned about the photo, beyond its pixels: the file as it was read, and the hashes of the bytes decoded. */
export interface DecodedMeta extends PhotoMeta {
  facts: FileFacts;
  identity: ContentIdentity;
}

/** What else to make from the same decode as the model's input. */
export interface DecodeExtras {
  /** A JPEG thumbnail with this longest side (px), as media/thumbnail.ts makes them. */
  thumbnailSize?: number;
  /** The perceptual hash of the whole photo (media/perceptual-hash.ts). */
  perceptualHash?: boolean;
}

export interface DecodedForModel {
  meta: DecodedMeta;
  /** The model's input, [3, H, W] float32. */
  pixels: Float32Array;
  /** Asked for with `thumbnailSize`. */
  thumbnail?: Buffer;
  /** Asked for with `perceptualHash`. */
  perceptualHash?: bigint;
}

const KERNEL = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;

/** Formats sharp can decode straight to a fraction of their size (JPEG's DCT scaling, WebP's scaled decoding). */
const SHRINK_ON_LOAD: ReadonlySet<PhotoFormat> = new Set(['jpeg', 'webp']);

/**
 * The one image every product of a photo is made from: the photo as displayed, never
 * enlarged. Crop-mode models (CLIP): exactly the model's resize, which the centre crop
 * then cuts, so the model's input is pixel for pixel what it always was; the thumbnail
 * is made from it too (a square photo's is then the model's short side, 224 px, instead
 * of the grid's 256). Square-mode models (SigLIP) squash the photo, which a thumbnail
 * must not show: the working image keeps the photo's aspect ratio, shrunk while
 * decoding (JPEG, WebP) to just cover both the model's input and the grid thumbnail,
 * or at full size for formats that are decoded whole anyway, so the squash reads the
 * same pixels as it would from the file.
 */
function workingSize(spec: PreprocessSpec, displayed: ImageSize, format: PhotoFormat): ImageSize {
  const target = resizedSize(spec, displayed);
  const modelScale = Math.max(target.width / displayed.width, target.height / displayed.height);
  if (modelScale >= 1) return displayed;
  if (spec.mode === 'crop') return target;
  if (!SHRINK_ON_LOAD.has(format)) return displayed;
  const scale = Math.min(1, Math.max(modelScale, GRID_THUMBNAIL_SIZE / Math.max(displayed.width, displayed.height)));
  return { width: Math.max(1, Math.round(displayed.width * scale)), height: Math.max(1, Math.round(displayed.height * scale)) };
}

/**
 * Decodes a photo (a path key) straight to the model's input tensor, [3, H, W]
 * float32, and from the same decode, when asked, its thumbnail (`thumbnailSize`, at
 * most the working image's size) and perceptual hash: each photo is decoded once,
 * whatever is made from it. The file facts and
 * content hashes come from the very bytes decoded, so what the library stores with
 * the embedding describes what was embedded even when the file changed since the
 * scan. sharp decodes lazily, so a truncated file may only fail while resizing: any
 * failure here is reported as a MediaError naming the file.
 */
export async function decodeForModel(file: string, spec: PreprocessSpec, limits?: DecodeLimits, extras: DecodeExtras = {}): Promise<DecodedForModel> {
  const opened = await openImage(file, limits, { identify: true });
  const meta: DecodedMeta = { ...opened.meta, facts: opened.facts, identity: opened.identity! };
  try {
    const displayed = { width: opened.meta.width, height: opened.meta.height };
    const size = workingSize(spec, displayed, opened.meta.format);
    const shrinks = size.width < displayed.width || size.height < displayed.height;
    const resized = shrinks ? opened.image.resize({ width: size.width, height: size.height, fit: 'fill', kernel: KERNEL[spec.resample] }) : opened.image;
    const working = await resized.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const { width, height } = working.info;
    const raw = () => sharp(working.data, { raw: { width, height, channels: 3 } });
    const pixels = spec.mode === 'crop' && shrinks ? pixelValuesFromRgb(working.data, width, height, spec) : await pixelValues(raw(), spec, { width, height });
    const out: DecodedForModel = { meta, pixels };
    if (extras.thumbnailSize !== undefined) out.thumbnail = await encodeThumbnail(raw(), extras.thumbnailSize);
    if (extras.perceptualHash) out.perceptualHash = perceptualHash({ data: working.data, width, height, channels: 3 });
    return out;
  } catch (err) {
    throw asMediaError(file, err);
  }
}
