/**
 * The OCR reader on the real PP-OCRv4 model shipped by npm: where lines and their
 * outlines land on a photo turned any way, the early exit, noise, and the model's
 * lifecycle. Inputs are rendered here; each reading is done once per test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, ModelError } from '../../../src-main/core/errors.ts';
import { TextReader } from '../../../src-main/core/text/reader.ts';
import { findTextModelEntry, resolveTextModelFiles, type TextModelFiles } from '../../../src-main/core/text/text-model.ts';
import type { NormPoint, RgbImage, TextReading } from '../../../src-main/core/text/types.ts';
import { renderScene } from '../../fixtures/scenes.ts';

const WIDTH = 960;
const HEIGHT = 640;
/** Where the page draws its lines: baseline y and left x, in px of the upright page. */
const PAGE = [
  { text: 'CAFE LUNA Receipt #20419', x: 60, y: 150, size: 40 },
  { text: '2 x Cappuccino 7.80', x: 60, y: 300, size: 40 },
  { text: 'WiFi password: sunflower42', x: 60, y: 450, size: 40 },
];

async function page(rotation: 0 | 90 | 180 | 270): Promise<RgbImage> {
  const runs = PAGE.map((l) => `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans" font-size="${l.size}" fill="#202020">${l.text}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}"><rect width="100%" height="100%" fill="#f5f2ea"/>${runs}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).rotate(rotation).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Where a point of the upright page (normalised) is in the photo turned clockwise by `rotation`. */
function turned(p: NormPoint, rotation: 0 | 90 | 180 | 270): NormPoint {
  switch (rotation) {
    case 0:
      return p;
    case 90:
      return { x: 1 - p.y, y: p.x };
    case 180:
      return { x: 1 - p.x, y: 1 - p.y };
    case 270:
      return { x: p.y, y: 1 - p.x };
  }
}

const centre = (box: NormPoint[]): NormPoint => ({ x: box.reduce((s, p) => s + p.x, 0) / 4, y: box.reduce((s, p) => s + p.y, 0) / 4 });

let files: TextModelFiles;
let reader: TextReader;
const readings = new Map<number, TextReading>();

beforeAll(async () => {
  files = resolveTextModelFiles(findTextModelEntry(), path.join(os.tmpdir(), 'no-text-models'));
  reader = await TextReader.open(files, { intraOpThreads: 1 });
  for (const rotation of [0, 90, 180, 270] as const) readings.set(rotation, await reader.readText(await page(rotation)));
}, 300_000);
afterAll(() => reader?.dispose());

describe('reading a photo', () => {
  for (const rotation of [0, 90, 180, 270] as const) {
    it(`reads a page turned ${rotation} degrees line by line, in reading order, with outlines on the words`, () => {
      const reading = readings.get(rotation)!;
      expect(reading.modelId).toBe(reader.modelId);
      expect(reading.lines.map((l) => l.text.replace(/\s+/g, ''))).toEqual(PAGE.map((l) => l.text.replace(/\s+/g, '')));
      reading.lines.forEach((line, i) => {
        expect(line.confidence).toBeGreaterThan(0.8);
        expect(line.confidence).toBeLessThanOrEqual(1);
        // The middle of the drawn text: half a cap height above the baseline, halfway along.
        const drawn = PAGE[i];
        const approxWidth = 0.6 * drawn.size * drawn.text.length;
        const expected = turned({ x: (drawn.x + approxWidth / 2) / WIDTH, y: (drawn.y - drawn.size * 0.35) / HEIGHT }, rotation);
        const got = centre(line.box);
        expect(Math.abs(got.x - expected.x), `x of line ${i}`).toBeLessThan(0.08);
        expect(Math.abs(got.y - expected.y), `y of line ${i}`).toBeLessThan(0.08);
        for (const p of line.box) {
          expect(p.x).toBeGreaterThanOrEqual(0);
          expect(p.x).toBeLessThanOrEqual(1);
          expect(p.y).toBeGreaterThanOrEqual(0);
          expect(p.y).toBeLessThanOrEqual(1);
        }
      });
    });
  }

  it('finds nothing, not even a stray letter, in photos without text', async () => {
    for (const pattern of ['circle', 'stripes', 'plain'] as const) {
      const scene = renderScene({ colour: 'blue', pattern, width: 1280, height: 960 });
      const reading = await reader.readText({ data: scene.data, width: scene.width, height: scene.height });
      expect(reading.lines, pattern).toEqual([]);
    }
  });

  it('says no text at the early exit for a plain photo and yes for a page', async () => {
    const scene = renderScene({ colour: 'green', pattern: 'circle', width: 480, height: 360 });
    expect(await reader.mayHoldText({ data: scene.data, width: scene.width, height: scene.height })).toBe(false);
    expect(await reader.mayHoldText(await page(90))).toBe(true);
  });

  it('refuses pixels that are not 8-bit RGB', async () => {
    await expect(reader.readText({ data: new Uint8Array(10 * 10 * 4), width: 10, height: 10 })).rejects.toThrow(InputError);
  });
});

describe('the reader’s model', () => {
  it('is named by its weights, not its folder', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-ocr-copy-'));
    try {
      const moved = { ...files, dir: copy };
      for (const key of ['detector', 'recogniser', 'classifier', 'dictionary'] as const) {
        moved[key] = path.join(copy, path.basename(files[key]));
        fs.copyFileSync(files[key], moved[key]);
      }
      expect((await TextReader.open(moved)).modelId).toBe(reader.modelId);
      expect(reader.modelId).toMatch(/^pp-ocrv4-mobile-r\d+-[0-9a-f]{12}$/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('loads only when first used, names a broken file then, and reloads after dispose', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-ocr-broken-'));
    try {
      const broken = { ...files, dir, detector: path.join(dir, 'det.onnx') };
      fs.writeFileSync(broken.detector, 'not an onnx model');
      const lazy = await TextReader.open(broken);
      const err = await lazy.readText(await page(0)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect((err as Error).message).toContain(broken.detector);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await reader.dispose();
    const again = await reader.readText(await page(0));
    expect(again.lines).toHaveLength(PAGE.length);
  });
});
