import os from 'node:os';
import { InputError } from '../errors.ts';

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Scales `v` to unit length in place and returns it; a zero vector has no direction and stays zero. */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum === 0 || !Number.isFinite(sum)) return v;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/**
 * Dot product of `a` with the `a.length` values of `b` starting at `bOffset`, so a
 * row of a packed matrix can be scored without making a subarray view per row.
 */
export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  return rowDot(a, 0, b, bOffset, a.length);
}

/** Dot product of `dim` values of `a` from `aOffset` and of `b` from `bOffset`: two rows of packed matrices, no views made. */
export function rowDot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  // Four independent sums let the CPU overlap the multiply-adds instead of waiting on one chain.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += a[aOffset + i] * b[bOffset + i];
    s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
    s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
    s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < dim; i++) s0 += a[aOffset + i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

/** Little-endian float32 bytes, the layout embeddings are stored with whatever the host's byte order. */
export function toBlob(v: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(v.length * 4);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  } else {
    for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i], i * 4);
  }
  return out;
}

/**
 * Reads a blob written by `toBlob`. The bytes are copied into a fresh array because a
 * Buffer from SQLite may start at an offset that is not a multiple of 4, which a
 * Float32Array view cannot do.
 */
export function fromBlob(b: Buffer | Uint8Array): Float32Array {
  if (b.byteLength % 4 !== 0) {
    throw new InputError(`${b.byteLength} bytes`, 'An embedding blob must hold whole float32 values (a multiple of 4 bytes).');
  }
  const out = new Float32Array(b.byteLength / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(b);
  } else {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}
