/**
 * Pillow's Image.resize for 8-bit RGB images (ImagingResample, reducing_gap=None,
 * as transformers calls it), written from its definition:
 *
 * - Separable: a horizontal pass, then a vertical pass over its output; each pass
 *   rounds and clamps to 8 bits, so the intermediate image is 8-bit too.
 * - Output pixel i samples around centre (i + 0.5) * scale, scale = in / out.
 * - Antialiasing: when shrinking (scale > 1) the filter is stretched by the scale,
 *   its support becoming support * scale input pixels; when enlarging it is used
 *   as is. Taps run over input pixels [trunc(centre - support + 0.5),
 *   trunc(centre + support + 0.5)) clipped to the image, each weighted by
 *   filter((j - centre + 0.5) / max(scale, 1)); the weights of a pixel are divided
 *   by their sum, which also renormalises the kernel where the image edge cuts it.
 * - Weights become fixed point with 22 fractional bits (rounded away from zero);
 *   sums start at half a unit and are shifted right (floor), then clamped to 0..255.
 */
import { type RgbImage, rgbImage } from './rgb-image.ts';

export type PilFilter = 'bicubic' | 'bilinear';

interface Kernel {
  /** Half-width of the filter in output pixels. */
  support: number;
  weight(x: number): number;
}

/** Keys's cubic convolution with a = -0.5 (Catmull-Rom), Pillow's BICUBIC. */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

const KERNELS: Record<PilFilter, Kernel> = {
  bicubic: { support: 2, weight: cubic },
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
};

const FRACTION_BITS = 22;
const ONE = 2 ** FRACTION_BITS;

/** For each output pixel along one axis: the first input pixel it reads and its fixed-point weights. */
interface AxisTaps {
  first: Int32Array;
  weights: number[][];
}

function axisTaps(inSize: number, outSize: number, kernel: Kernel): AxisTaps {
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = kernel.support * stretch;
  const first = new Int32Array(outSize);
  const weights: number[][] = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const raw: number[] = [];
    let sum = 0;
    for (let j = lo; j < hi; j++) {
      const w = kernel.weight((j - centre + 0.5) / stretch);
      raw.push(w);
      sum += w;
    }
    first[i] = lo;
    weights.push(
      raw.map((w) => {
        const unit = (sum !== 0 ? w / sum : w) * ONE;
        return unit < 0 ? Math.trunc(unit - 0.5) : Math.trunc(unit + 0.5);
      }),
    );
  }
  return { first, weights };
}

function to8bit(acc: number): number {
  const v = Math.floor(acc / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontal(src: RgbImage, width: number, taps: AxisTaps): RgbImage {
  const out = new Uint8Array(width * src.height * 3);
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width * 3;
    for (let x = 0; x < width; x++) {
      const w = taps.weights[x];
      const base = row + taps.first[x] * 3;
      for (let c = 0; c < 3; c++) {
        let acc = ONE / 2;
        for (let k = 0; k < w.length; k++) acc += src.data[base + k * 3 + c] * w[k];
        out[(y * width + x) * 3 + c] = to8bit(acc);
      }
    }
  }
  return rgbImage(width, src.height, out);
}

function vertical(src: RgbImage, height: number, taps: AxisTaps): RgbImage {
  const stride = src.width * 3;
  const out = new Uint8Array(src.width * height * 3);
  for (let y = 0; y < height; y++) {
    const w = taps.weights[y];
    const base = taps.first[y] * stride;
    for (let i = 0; i < stride; i++) {
      let acc = ONE / 2;
      for (let k = 0; k < w.length; k++) acc += src.data[base + k * stride + i] * w[k];
      out[y * stride + i] = to8bit(acc);
    }
  }
  return rgbImage(src.width, height, out);
}

/** Resizes to exactly width x height; an axis whose size does not change is not resampled. */
export function pilResize(image: RgbImage, width: number, height: number, filter: PilFilter): RgbImage {
  const kernel = KERNELS[filter];
  const across = width === image.width ? image : horizontal(image, width, axisTaps(image.width, width, kernel));
  return height === image.height ? across : vertical(across, height, axisTaps(image.height, height, kernel));
}
