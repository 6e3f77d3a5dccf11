/**
 * IEEE 754 binary16 ("half") conversion for embedding values. Halves keep 11
 * significant bits: a cosine of two unit vectors of 512 values computed from halves
 * differs from the float32 one by about 2e-5, far below anything a ranking or a
 * match cutoff can tell apart, for half the memory and half the bytes a scan reads.
 *
 * Values under the smallest normal half (2^-14, about 6e-5) are stored as zero, so
 * that the scan kernel (half-kernel.ts) never meets a subnormal: the error this adds
 * to a cosine is below 6e-5 times the query's value at that position.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half nearest to `x` (round to nearest, ties to even), subnormals flushed to zero, overflow to infinity. */
export function toHalf(x: number): number {
  f32[0] = x;
  return halfOfBits(u32[0]);
}

function halfOfBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent >= 0x1f) return ((bits >>> 23) & 0xff) === 0xff && mantissa !== 0 ? sign | 0x7e00 : sign | 0x7c00;
  if (exponent <= 0) return sign;
  let half = sign | (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa rolls into the exponent, which is the correct rounding up to the next binade.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

/** The float32 value of a half. */
export function fromHalf(h: number): number {
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

/** Writes `source` as halves into `target` from index `at`. */
export function writeHalves(source: Float32Array, target: Uint16Array, at: number): void {
  const bits = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let i = 0; i < bits.length; i++) target[at + i] = halfOfBits(bits[i]);
}
