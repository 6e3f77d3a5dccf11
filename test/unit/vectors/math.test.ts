import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { dot, fromBlob, l2normalize, toBlob } from '../../../src-main/core/vectors/math.ts';

describe('l2normalize', () => {
  it('scales a vector to unit length in place, keeping its direction', () => {
    const v = new Float32Array([3, 0, -4]);
    const out = l2normalize(v);
    expect(out).toBe(v);
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), 0, expect.closeTo(-0.8, 6)]);
  });

  it('leaves a zero vector at zero instead of filling it with NaN', () => {
    expect(Array.from(l2normalize(new Float32Array(4)))).toEqual([0, 0, 0, 0]);
  });
});

describe('dot', () => {
  it('multiplies with a row inside a packed matrix when given an offset', () => {
    const a = new Float32Array([1, 2, 3, 4, 5]);
    const matrix = new Float32Array([9, 9, 9, 9, 9, 1, 1, 1, 1, 2, 9]);
    expect(dot(a, matrix, 5)).toBe(1 + 2 + 3 + 4 + 10);
    expect(dot(a, new Float32Array([5, 4, 3, 2, 1]))).toBe(35);
  });
});

describe('embedding blobs', () => {
  it('round-trips exactly as 4 little-endian bytes per value', () => {
    const v = new Float32Array([1.5, -0.1, 3.4e38, -0]);
    const blob = toBlob(v);
    expect(blob.length).toBe(16);
    expect(blob.readFloatLE(0)).toBe(1.5);
    expect(Array.from(fromBlob(blob))).toEqual(Array.from(v));
  });

  it('reads a blob that starts at an odd byte offset, as SQLite may hand it over', () => {
    const v = new Float32Array([0.25, -2, 7]);
    const backing = Buffer.alloc(13);
    toBlob(v).copy(backing, 1);
    const read = fromBlob(backing.subarray(1));
    expect(Array.from(read)).toEqual([0.25, -2, 7]);
    backing.fill(0);
    expect(Array.from(read)).toEqual([0.25, -2, 7]);
  });

  it('rejects a blob that does not hold whole float32 values', () => {
    expect(() => fromBlob(Buffer.alloc(10))).toThrow(InputError);
  });
});
