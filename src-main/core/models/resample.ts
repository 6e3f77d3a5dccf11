/**
 * Enlarging resize with the resampling CLIP-family processors use (Pillow's): an
 * output pixel i samples around (i + 0.5) * in / out, the filter is stretched by
 * the scale on an axis that shrinks, and each axis is rounded to 8 bits before the
 * next. libvips places samples half a pixel apart from this when it enlarges, which
 * visibly shifts small images, so photos smaller than the model's input take this
 * path; everything else is resized by sharp, which agrees with Pillow when shrinking.
 * Only the window the model's centre crop keeps is computed (resampleRgbWindow), so a
 * thin strip enlarged a thousandfold costs no more than a square photo.
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

/** A rectangle of pixels: columns left..left+width, rows top..top+height. */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where each output pixel of `from`..`from + count` reads from, and with what normalised weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  width: number;
  weights: Float64Array;
}

/**
 * The taps of outputs `from`..`from + count` of a resize from `inSize` to `outSize`:
 * the same numbers as for the whole output, computed only where they are needed,
 * so a window of a huge enlargement costs what the window costs.
 */
function taps(inSize: number, outSize: number, filter: ResampleFilter, from: number, count: number): Taps {
  const { support, at } = FILTERS[filter];
  const scale = inSize / outSize;
  const stretch = Math.max(1, scale);
  const reach = support * stretch;
  const width = Math.ceil(reach) * 2 + 1;
  const start = new Int32Array(count);
  const used = new Int32Array(count);
  const weights = new Float64Array(count * width);
  for (let k = 0; k < count; k++) {
    const centre = (from + k + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - reach + 0.5));
    const end = Math.min(inSize, Math.trunc(centre + reach + 0.5));
    let total = 0;
    for (let j = first; j < end; j++) total += weights[k * width + j - first] = at((j - centre + 0.5) / stretch);
    for (let j = 0; j < end - first; j++) weights[k * width + j] /= total || 1;
    start[k] = first;
    used[k] = end - first;
  }
  return { start, count: used, width, weights };
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

function span(t: Taps): { first: number; end: number } {
  let first = Infinity;
  let end = 0;
  for (let k = 0; k < t.start.length; k++) {
    first = Math.min(first, t.start[k]);
    end = Math.max(end, t.start[k] + t.count[k]);
  }
  return { first, end };
}

/**
 * The part of an inW x inH source that `window` of its resize to outW x outH reads:
 * decode only this much and pass it as `source` to resampleRgbWindow.
 */
export function sourceRegion(inW: number, inH: number, outW: number, outH: number, window: PixelRect, filter: ResampleFilter): PixelRect {
  const x = span(taps(inW, outW, filter, window.left, window.width));
  const y = span(taps(inH, outH, filter, window.top, window.height));
  return { left: x.first, top: y.first, width: x.end - x.first, height: y.end - y.first };
}

/**
 * `window` of the resize of interleaved 8-bit RGB from inW x inH to outW x outH, as
 * window.width x window.height RGB: exactly those pixels of resampleRgb's output.
 * `rgb` holds the `source` part of the input (all of it by default), which must
 * cover sourceRegion(...). Rows first, then columns, each rounded to 8 bits.
 */
export function resampleRgbWindow(
  rgb: Uint8Array,
  inW: number,
  inH: number,
  outW: number,
  outH: number,
  window: PixelRect,
  filter: ResampleFilter,
  source: PixelRect = { left: 0, top: 0, width: inW, height: inH },
): Uint8Array {
  const across = taps(inW, outW, filter, window.left, window.width);
  const down = taps(inH, outH, filter, window.top, window.height);
  const rowsRead = span(down);
  const rowCount = rowsRead.end - rowsRead.first;
  const w = window.width;
  const rows = new Uint8Array(w * rowCount * 3);
  for (let r = 0; r < rowCount; r++) {
    const inRow = (rowsRead.first + r - source.top) * source.width;
    for (let x = 0; x < w; x++) {
      const from = inRow + across.start[x] - source.left;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let t = 0; t < across.count[x]; t++) sum += across.weights[x * across.width + t] * rgb[(from + t) * 3 + c];
        rows[(r * w + x) * 3 + c] = clampByte(sum);
      }
    }
  }
  const out = new Uint8Array(w * window.height * 3);
  for (let y = 0; y < window.height; y++) {
    const firstRow = down.start[y] - rowsRead.first;
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let t = 0; t < down.count[y]; t++) sum += down.weights[y * down.width + t] * rows[((firstRow + t) * w + x) * 3 + c];
        out[(y * w + x) * 3 + c] = clampByte(sum);
      }
    }
  }
  return out;
}

/** Resizes interleaved 8-bit RGB from inW x inH to outW x outH: rows first, then columns. */
export function resampleRgb(rgb: Uint8Array, inW: number, inH: number, outW: number, outH: number, filter: ResampleFilter): Uint8Array {
  return resampleRgbWindow(rgb, inW, inH, outW, outH, { left: 0, top: 0, width: outW, height: outH }, filter);
}
