/**
 * transformers' slow (PIL) CLIPImageProcessor and SiglipImageProcessor over
 * decoded RGB, written from their definitions, as steps so that tests can
 * also run them with a deliberate mistake.
 *
 * CLIP: resize so the shortest side is size.shortest_edge
 *   (get_resize_output_image_size with default_to_square=False: the short side is
 *   exactly the target, the long side int(target * long / short), i.e. truncated,
 *   and both axes are scaled independently to those sizes), Pillow resample,
 *   centre crop with top = (h - crop_h) // 2 and left = (w - crop_w) // 2 (floor),
 *   rescale, normalise, CHW.
 * SigLIP: resize to exactly size.height x size.width, no crop, rescale, normalise.
 *
 * Rescale and normalise run in float64 here; transformers casts to float32 after
 * rescaling, a difference below 1e-6 in the results.
 */
import { type PilFilter, pilResize } from './pil-resample.ts';
import { type RgbImage, rgbImage } from './rgb-image.ts';

type Triple = [number, number, number];

export interface ReferenceProcessor {
  resize: { shortestEdge: number } | { width: number; height: number };
  crop: { width: number; height: number } | null;
  filter: PilFilter;
  rescale: number;
  mean: Triple;
  std: Triple;
}

/** PIL.Image.Resampling codes transformers stores in "resample". */
const PIL_CODES: Record<number, PilFilter> = { 2: 'bilinear', 3: 'bicubic' };

function triple(value: unknown, name: string): Triple {
  if (typeof value === 'number') return [value, value, value];
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number')) return [value[0], value[1], value[2]];
  throw new Error(`reference: ${name} must be a number or three numbers`);
}

function hw(value: unknown, name: string): { width: number; height: number } {
  if (typeof value === 'number') return { width: value, height: value };
  const v = value as { width?: unknown; height?: unknown };
  if (typeof v?.width === 'number' && typeof v.height === 'number') return { width: v.width, height: v.height };
  throw new Error(`reference: ${name} must be a number or {height, width}`);
}

/** Reads the preprocessor_config.json fields the two processors use; anything else is refused. */
export function readProcessorConfig(json: Record<string, unknown>): ReferenceProcessor {
  const filter = PIL_CODES[json.resample as number];
  if (!filter) throw new Error(`reference: resample ${String(json.resample)} is not covered by this reference`);
  if (json.do_resize === false || json.do_rescale === false || json.do_normalize === false)
    throw new Error('reference: only configs that resize, rescale and normalise');
  const size = json.size as { shortest_edge?: unknown } | undefined;
  const common = { filter, rescale: json.rescale_factor as number, mean: triple(json.image_mean, 'image_mean'), std: triple(json.image_std, 'image_std') };
  if (typeof common.rescale !== 'number') throw new Error('reference: rescale_factor must be given');
  if (typeof size?.shortest_edge === 'number') {
    if (json.do_center_crop !== true) throw new Error('reference: a shortest-edge resize needs do_center_crop');
    return { resize: { shortestEdge: size.shortest_edge }, crop: hw(json.crop_size, 'crop_size'), ...common };
  }
  if (json.do_center_crop === true) throw new Error('reference: a fixed-size resize with a crop is not covered by this reference');
  return { resize: hw(size, 'size'), crop: null, ...common };
}

/** get_resize_output_image_size(size=shortest, default_to_square=False) as [width, height]. */
export function shortestEdgeSize(width: number, height: number, shortest: number): [number, number] {
  if (width <= height) return [shortest, Math.trunc((shortest * height) / width)];
  return [Math.trunc((shortest * width) / height), shortest];
}

/** center_crop's origin: floor division of the margins, so an odd margin leaves the extra pixel at the bottom/right. */
export function centreCropOrigin(width: number, height: number, cropWidth: number, cropHeight: number): { left: number; top: number } {
  return { left: Math.floor((width - cropWidth) / 2), top: Math.floor((height - cropHeight) / 2) };
}

export function crop(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  if (left < 0 || top < 0 || left + width > image.width || top + height > image.height) {
    throw new Error(`reference: crop ${width}x${height}+${left}+${top} leaves the ${image.width}x${image.height} image`);
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return rgbImage(width, height, out);
}

/** Rescale, normalise and move to planar channels (the tensor layout [3, H, W]). */
export function normalisedChw(image: RgbImage, rescale: number, mean: Triple, std: Triple): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) out[c * plane + p] = (image.data[p * 3 + c] * rescale - mean[c]) / std[c];
  }
  return out;
}

/** The size the processor resizes this image to, before any crop. */
export function resizedSize(processor: ReferenceProcessor, width: number, height: number): [number, number] {
  const r = processor.resize;
  return 'shortestEdge' in r ? shortestEdgeSize(width, height, r.shortestEdge) : [r.width, r.height];
}

/** The processor's output for one upright, opaque image. */
export function referencePixelValues(image: RgbImage, processor: ReferenceProcessor): Float32Array {
  const [w, h] = resizedSize(processor, image.width, image.height);
  let sized = pilResize(image, w, h, processor.filter);
  if (processor.crop) {
    const { left, top } = centreCropOrigin(w, h, processor.crop.width, processor.crop.height);
    sized = crop(sized, left, top, processor.crop.width, processor.crop.height);
  }
  return normalisedChw(sized, processor.rescale, processor.mean, processor.std);
}
