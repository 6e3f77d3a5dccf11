import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { loadModel } from '../../../src-main/core/models/clip-model.ts';
import { pixelValues } from '../../../src-main/core/models/preprocess.ts';
import type { ClipModel } from '../../../src-main/core/models/types.ts';
import { writeTinyModel, type TinyColour, type TinyPattern } from '../../fixtures/tiny-model.ts';
import { COLOURS, PATTERNS, jpegPhoto } from './photos.ts';
import { dot, tempDirs } from './temp-dirs.ts';

const temp = tempDirs();
let model: ClipModel;

interface Photo {
  colour: TinyColour;
  pattern: TinyPattern;
  vector: Float32Array;
}

async function embedPhotos(width: number, height: number): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (const colour of COLOURS) {
    for (const pattern of PATTERNS) {
      const pixels = await pixelValues(await jpegPhoto(colour, pattern, width, height), model.preprocess, { width, height });
      const [vector] = await model.encodeImages(pixels, 1);
      photos.push({ colour, pattern, vector });
    }
  }
  return photos;
}

function ranked(query: Float32Array, photos: Photo[]): Photo[] {
  return [...photos].sort((a, b) => dot(query, b.vector) - dot(query, a.vector));
}

const label = (p: Photo): string => `${p.colour} ${p.pattern}`;

let landscape: Photo[];
let portrait: Photo[];

beforeAll(async () => {
  const dir = path.join(await temp.make(), 'tiny-clip');
  await writeTinyModel(dir);
  model = await loadModel(dir, { intraOpThreads: 1 });
  landscape = await embedPhotos(300, 200);
  portrait = await embedPhotos(180, 320);
});

afterAll(async () => {
  await model?.dispose();
  await temp.cleanup();
});

describe.each([
  ['landscape 300x200', () => landscape],
  ['portrait 180x320', () => portrait],
])('text-to-image retrieval on %s JPEG photos', (_name, photos) => {
  it('ranks the red plain photo first for "red" among the plain photos of each colour', async () => {
    const [red] = await model.encodeTexts(['red']);
    const plain = photos().filter((p) => p.pattern === 'plain');
    expect(ranked(red, plain).map(label)[0]).toBe('red plain');
  });

  it('puts every striped photo above every circle photo for "stripes"', async () => {
    const [stripes] = await model.encodeTexts(['stripes']);
    const order = ranked(
      stripes,
      photos().filter((p) => p.pattern !== 'plain'),
    ).map((p) => p.pattern);
    expect(order).toEqual([...Array(4).fill('stripes'), ...Array(4).fill('circle')]);
  });

  it.each([
    ['blue circle', 'blue circle'],
    ['a photo of a red circle', 'red circle'],
    ['Yellow Stripes', 'yellow stripes'],
    ['green lines', 'green stripes'],
    ['a plain green picture', 'green plain'],
  ])('finds %s: best of all 12 colour x pattern photos is %s', async (query, expected) => {
    const [q] = await model.encodeTexts([query]);
    const order = ranked(q, photos());
    expect(label(order[0])).toBe(expected);
    expect(dot(q, order[0].vector)).toBeGreaterThan(dot(q, order[1].vector) + 0.1);
  });
});

describe('image embeddings', () => {
  it('are unit length', () => {
    for (const p of landscape) expect(dot(p.vector, p.vector)).toBeCloseTo(1, 5);
  });

  it('match the same colour and pattern across sizes and aspect ratios', () => {
    for (const p of landscape) expect(label(ranked(p.vector, portrait)[0])).toBe(label(p));
  });

  it('keep each photo on its own row when several are encoded in one batch', async () => {
    const chosen: Array<[TinyColour, TinyPattern]> = [
      ['yellow', 'stripes'],
      ['red', 'circle'],
      ['blue', 'plain'],
    ];
    const tensors = await Promise.all(
      chosen.map(async ([c, p]) => pixelValues(await jpegPhoto(c, p, 300, 200), model.preprocess, { width: 300, height: 200 })),
    );
    const batch = new Float32Array(tensors.reduce((n, t) => n + t.length, 0));
    tensors.forEach((t, i) => batch.set(t, i * t.length));
    const rows = await model.encodeImages(batch, chosen.length);
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      const single = landscape.find((p) => p.colour === chosen[i][0] && p.pattern === chosen[i][1])!;
      expect(dot(row, single.vector)).toBeCloseTo(1, 5);
    });
  });

  it('rejects a pixel buffer whose size does not match the image count', async () => {
    const { width, height } = model.preprocess;
    await expect(model.encodeImages(new Float32Array(3 * width * height), 2)).rejects.toBeInstanceOf(InputError);
  });

  it('returns nothing for an empty batch', async () => {
    expect(await model.encodeImages(new Float32Array(0), 0)).toEqual([]);
  });
});
