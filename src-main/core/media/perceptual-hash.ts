import { InputError } from '../errors.ts';

/**
 * A perceptual hash of a photo's content: 64 bits that stay nearly the same when the
 * photo is resized, re-encoded, converted to another format, cropped by a few percent
 * or mildly edited, and differ in about half their bits between unrelated photos.
 *
 * The method is the DCT hash of pHash (Zauner 2010, "Implementation and Benchmarking
 * of Perceptual Image Hash Functions") in the layout of the ImageHash library's
 * `phash`: the luma (Rec. 601) is averaged down to 32 x 32 over exact pixel areas,
 * transformed with a 2-D DCT-II, and each coefficient of the lowest 8 x 8 frequencies
 * becomes one bit, set when it is above the median of the 63 non-DC ones. Averaging
 * the whole frame to a square makes the hash ignore the aspect ratio, so a hash taken
 * from a model's squashed square input equals the one taken from the photo itself.
 *
 * The input must be the photo as displayed (EXIF orientation applied), whole (before
 * any centre crop), at any size: a 224-pixel decode costs well under a millisecond.
 */
export const PERCEPTUAL_HASH_VERSION = 1;
/** Bits in a hash. */
export const PERCEPTUAL_HASH_BITS = 64;

const SIDE = 32;
const LOW = 8;

export interface RawImage {
  /** Interleaved 8-bit samples, row after row. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA; alpha is ignored, flatten first). */
  channels: number;
}

/** cos(pi (2x + 1) u / 2N), the DCT-II basis, [u][x]. */
const BASIS: Float64Array = (() => {
  const out = new Float64Array(LOW * SIDE);
  for (let u = 0; u < LOW; u++) for (let x = 0; x < SIDE; x++) out[u * SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIDE));
  return out;
})();

/**
 * The 64-bit perceptual hash of `image`.
 * @throws InputError when the buffer does not hold width x height x channels samples
 */
export function perceptualHash(image: RawImage): bigint {
  const { data, width, height, channels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || ![1, 3, 4].includes(channels)) {
    throw new InputError(`${width}x${height}x${channels}`, 'A perceptual hash needs a whole image of 1, 3 or 4 channels.');
  }
  if (data.length !== width * height * channels) {
    throw new InputError(`${data.length} bytes`, `Expected ${width * height * channels} bytes for a ${width}x${height} image of ${channels} channels.`);
  }
  const small = areaAverageLuma(image);
  const coefficients = lowFrequencies(small);
  const ac = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = (ac[(ac.length - 1) >> 1] + ac[ac.length >> 1]) / 2;
  let hash = 0n;
  for (let i = 0; i < PERCEPTUAL_HASH_BITS; i++) hash = (hash << 1n) | (coefficients[i] > median ? 1n : 0n);
  return hash;
}

/** Bits that differ between two hashes: 0 for the same content, about 32 for unrelated photos. */
export function hashDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** The hash as 8 bytes, most significant first: how the store keeps it. */
export function hashToBytes(hash: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt.asUintN(64, hash));
  return out;
}

/** Reads 8 bytes written by hashToBytes. */
export function hashFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new InputError(`${bytes.length} bytes`, 'A perceptual hash is stored in exactly 8 bytes.');
  return Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64BE();
}

/**
 * Which source pixels cover each of SIDE output cells along one axis, with the share
 * of each pixel that falls inside the cell, so that any size averages exactly.
 */
function coverage(size: number): { first: Int32Array; weights: Float64Array[] } {
  const first = new Int32Array(SIDE);
  const weights: Float64Array[] = [];
  const step = size / SIDE;
  for (let cell = 0; cell < SIDE; cell++) {
    const start = cell * step;
    const end = start + step;
    const lo = Math.floor(start);
    const hi = Math.min(size, Math.ceil(end));
    const w = new Float64Array(hi - lo);
    for (let p = lo; p < hi; p++) w[p - lo] = (Math.min(end, p + 1) - Math.max(start, p)) / step;
    first[cell] = lo;
    weights.push(w);
  }
  return { first, weights };
}

/** Luma averaged down to SIDE x SIDE, row-major. */
function areaAverageLuma({ data, width, height, channels }: RawImage): Float64Array {
  const cols = coverage(width);
  const rows = coverage(height);
  // Horizontal pass: every source row reduced to SIDE values.
  const reduced = new Float64Array(height * SIDE);
  const luma = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    let at = y * width * channels;
    if (channels === 1) {
      for (let x = 0; x < width; x++) luma[x] = data[at++];
    } else {
      for (let x = 0; x < width; x++, at += channels) luma[x] = 0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2];
    }
    for (let cell = 0; cell < SIDE; cell++) {
      const w = cols.weights[cell];
      const x0 = cols.first[cell];
      let sum = 0;
      for (let k = 0; k < w.length; k++) sum += w[k] * luma[x0 + k];
      reduced[y * SIDE + cell] = sum;
    }
  }
  const out = new Float64Array(SIDE * SIDE);
  for (let cell = 0; cell < SIDE; cell++) {
    const w = rows.weights[cell];
    const y0 = rows.first[cell];
    for (let k = 0; k < w.length; k++) {
      const from = (y0 + k) * SIDE;
      for (let x = 0; x < SIDE; x++) out[cell * SIDE + x] += w[k] * reduced[from + x];
    }
  }
  return out;
}

/** The LOW x LOW lowest DCT-II coefficients of a SIDE x SIDE block, row-major (u vertical, v horizontal). */
function lowFrequencies(block: Float64Array): Float64Array {
  const half = new Float64Array(SIDE * LOW);
  for (let y = 0; y < SIDE; y++) {
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let x = 0; x < SIDE; x++) sum += block[y * SIDE + x] * BASIS[v * SIDE + x];
      half[y * LOW + v] = sum;
    }
  }
  const out = new Float64Array(LOW * LOW);
  for (let u = 0; u < LOW; u++) {
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < SIDE; y++) sum += half[y * LOW + v] * BASIS[u * SIDE + y];
      out[u * LOW + v] = sum;
    }
  }
  return out;
}
