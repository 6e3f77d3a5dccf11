/**
 * Enlarging resize with the resampling CLIP-family processors use (Pillow's): an
 * output pixel i samples around (i + 0.5) * in / out, the filter is stretched by
 * the scale on an axis that shrinks, and each axis is rounded to 8 bits before the
 * next. libvips places samples half a pixel apart from this when it enlarges, which
 * visibly shifts small images, so photos smaller than the model's input take this
 * path; everything else is resized by sharp, which agrees with Pillow when shrinking.
 */
export type ResampleFilter = 'bicubic' | 'bilinear';

const FILTERS: Record<ResampleFilter, { support: number; at: (x: number) => number }> = {
  bicubic: {
    support: 2,
    at: (x) => {
      const t = Math.abs(x);
      if (t < 1) return (1.5 * t - 2.5) * t * t + 1;
      if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
      return 0;
    },
  },
  bilinear: { support: 1, at: (x) => Math.max(0, 1 - Math.abs(x)) },
};

/** Where each output pixel reads from, and with what normalised weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  width: number;
  weights: Float64Array;
}

function taps(inSize: number, outSize: number, filter: ResampleFilter): Taps {
  const { support, at } = FILTERS[filter];
  const scale = inSize / outSize;
  const stretch = Math.max(1, scale);
  const reach = support * stretch;
  const width = Math.ceil(reach) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - reach + 0.5));
    const end = Math.min(inSize, Math.trunc(centre + reach + 0.5));
    let total = 0;
    for (let j = first; j < end; j++) total += weights[o * width + j - first] = at((j - centre + 0.5) / stretch);
    for (let j = 0; j < end - first; j++) weights[o * width + j] /= total || 1;
    start[o] = first;
    count[o] = end - first;
  }
  return { start, count, width, weights };
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Resizes interleaved 8-bit RGB from inW x inH to outW x outH: rows first, then columns. */
export function resampleRgb(rgb: Uint8Array, inW: number, inH: number, outW: number, outH: number, filter: ResampleFilter): Uint8Array {
  const across = taps(inW, outW, filter);
  const rows = new Uint8Array(outW * inH * 3);
  for (let y = 0; y < inH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let t = 0; t < across.count[x]; t++) sum += across.weights[x * across.width + t] * rgb[(y * inW + across.start[x] + t) * 3 + c];
        rows[(y * outW + x) * 3 + c] = clampByte(sum);
      }
    }
  }
  const down = taps(inH, outH, filter);
  const out = new Uint8Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let t = 0; t < down.count[y]; t++) sum += down.weights[y * down.width + t] * rows[((down.start[y] + t) * outW + x) * 3 + c];
        out[(y * outW + x) * 3 + c] = clampByte(sum);
      }
    }
  }
  return out;
}
