/**
 * Pins the reference implementations themselves, so that the parity tests compare
 * the app against the definition and not against a slip in the reference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { centreCropOrigin, shortestEdgeSize } from '../../reference/hf-image-processor.ts';
import { type ExifOrientation, displayed, onWhite, storedFor } from '../../reference/image-ops.ts';
import { type PilFilter, pilResize } from '../../reference/pil-resample.ts';
import { rgbImage } from '../../reference/rgb-image.ts';

interface PillowCase {
  width: number;
  height: number;
  rgb: number[];
  filter: PilFilter;
  outWidth: number;
  outHeight: number;
  expected: number[];
}

// Random pixels resized by Pillow itself (recorded by hand; see recordedWith in the file).
const pillow = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/parity/pillow-resize.json'), 'utf8')) as { cases: PillowCase[] };

describe('pilResize', () => {
  it.each(pillow.cases.map((c) => [`${c.width}x${c.height} -> ${c.outWidth}x${c.outHeight} ${c.filter}`, c] as const))(
    'equals Pillow byte for byte: %s',
    (_name, c) => {
      const out = pilResize(rgbImage(c.width, c.height, Uint8Array.from(c.rgb)), c.outWidth, c.outHeight, c.filter);
      expect([...out.data]).toEqual(c.expected);
    },
  );
});

describe("transformers' sizes", () => {
  it.each([
    [333, 517, [224, 347]],
    [1024, 768, [298, 224]],
    [7, 5, [313, 224]],
    [2000, 40, [11200, 224]],
    [224, 224, [224, 224]],
  ])('a %ix%i photo is resized to %j (long side truncated)', (w, h, size) => {
    expect(shortestEdgeSize(w, h, 224)).toEqual(size);
  });

  it('crops with floor division: an odd margin leaves the extra row at the bottom', () => {
    expect(centreCropOrigin(224, 347, 224, 224)).toEqual({ left: 0, top: 61 });
    expect(centreCropOrigin(298, 224, 224, 224)).toEqual({ left: 37, top: 0 });
  });
});

describe('orientation and alpha', () => {
  // Stored 3x2:  a b c      orientation 6 shows it turned a quarter clockwise: d a
  //              d e f                                                          e b
  //                                                                             f c
  const stored = rgbImage(3, 2, Uint8Array.from([1, 2, 3, 4, 5, 6].flatMap((v) => [v, v, v])));
  const values = (image: { data: Uint8Array }) => [...image.data].filter((_, i) => i % 3 === 0);

  it('turns orientation 6 clockwise and 8 anticlockwise', () => {
    expect(values(displayed(stored, 6))).toEqual([4, 1, 5, 2, 6, 3]);
    expect(values(displayed(stored, 8))).toEqual([3, 6, 2, 5, 1, 4]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8] as ExifOrientation[])('storedFor undoes displayed for orientation %i', (o) => {
    expect(displayed(storedFor(stored, o), o)).toEqual(stored);
  });

  it("composites on white like Pillow's alpha_composite (which it matches for every colour and alpha, checked by hand)", () => {
    const rgba = { width: 4, height: 1, data: Uint8Array.from([0, 0, 0, 128, 200, 100, 50, 255, 9, 9, 9, 0, 255, 0, 0, 1]) };
    expect([...onWhite(rgba).data]).toEqual([127, 127, 127, 200, 100, 50, 255, 255, 255, 255, 254, 254]);
  });
});
