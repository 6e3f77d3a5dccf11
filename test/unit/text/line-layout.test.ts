import { describe, expect, it } from 'vitest';
import type { LineTurn, PixelQuad } from '../../../src-main/core/text/geometry.ts';
import { isRealText } from '../../../src-main/core/text/line-filter.ts';
import { cropLines } from '../../../src-main/core/text/line-orientation.ts';
import { arrangeLines, type PlacedLine } from '../../../src-main/core/text/reading-order.ts';
import { Image } from 'paddleocr';

describe('telling real text from noise', () => {
  const cases: Array<[string, { text: string; confidence: number; heightPx: number }, boolean]> = [
    ['a word', { text: 'Cappuccino', confidence: 0.97, heightPx: 30 }, true],
    ['a price', { text: '7.80', confidence: 0.99, heightPx: 30 }, true],
    ['two Chinese characters', { text: '出口', confidence: 0.95, heightPx: 40 }, true],
    ['a circle read as a letter', { text: 'O', confidence: 0.93, heightPx: 200 }, false],
    ['a lone Chinese character', { text: '口', confidence: 0.9, heightPx: 80 }, false],
    ['a shape read with low confidence', { text: 'lIl', confidence: 0.41, heightPx: 40 }, false],
    ['punctuation only', { text: '-- .', confidence: 0.9, heightPx: 20 }, false],
    ['a speck', { text: 'ab', confidence: 0.9, heightPx: 4 }, false],
  ];
  for (const [name, line, real] of cases) it(`${name}: ${real ? 'kept' : 'dropped'}`, () => expect(isRealText(line)).toBe(real));
});

/** An axis-aligned box in the image, as the detector outlines a line. */
function box(x0: number, y0: number, x1: number, y1: number): PixelQuad {
  return [
    { x: x0, y: y0 },
    { x: x1, y: y0 },
    { x: x1, y: y1 },
    { x: x0, y: y1 },
  ];
}

/** The same box turned about the image centre by `degrees` (clockwise on screen). */
function tilted(q: PixelQuad, degrees: number, cx: number, cy: number): PixelQuad {
  const a = (degrees * Math.PI) / 180;
  return q.map((p) => ({
    x: cx + (p.x - cx) * Math.cos(a) - (p.y - cy) * Math.sin(a),
    y: cy + (p.x - cx) * Math.sin(a) + (p.y - cy) * Math.cos(a),
  })) as PixelQuad;
}

const line = (text: string, quad: PixelQuad, turn: LineTurn = 0): PlacedLine => ({ text, quad, turn, confidence: 0.95, heightPx: 30 });

describe('arranging lines', () => {
  it('joins the pieces of a line the detector cut, and keeps columns apart', () => {
    const arranged = arrangeLines(
      [
        line('9', box(330, 100, 355, 130)),
        line('PLATFORM', box(100, 100, 315, 130)),
        line('7.80', box(600, 200, 660, 230)),
        line('Cappuccino', box(100, 200, 260, 230)),
      ],
      800,
      600,
    );
    expect(arranged.map((l) => l.text)).toEqual(['PLATFORM 9', 'Cappuccino', '7.80']);
    const joined = arranged[0].quad;
    expect(Math.min(...joined.map((p) => p.x))).toBeCloseTo(100);
    expect(Math.max(...joined.map((p) => p.x))).toBeCloseTo(355);
  });

  it('reads a slanted receipt row by row', () => {
    const rows = [0, 1, 2, 3].flatMap((i) => [
      line(`item ${i}`, box(100, 100 + i * 50, 300, 130 + i * 50)),
      line(`${i}.00`, box(600, 100 + i * 50, 680, 130 + i * 50)),
    ]);
    const slanted = rows.map((l) => ({ ...l, quad: tilted(l.quad, 6, 400, 300) }));
    expect(arrangeLines(slanted, 800, 600).map((l) => l.text)).toEqual(['item 0', '0.00', 'item 1', '1.00', 'item 2', '2.00', 'item 3', '3.00']);
  });

  it('reads a page photographed sideways in the page’s order', () => {
    // A page turned a quarter clockwise: its first line is the rightmost column, read top to bottom.
    const lines = [line('second', box(500, 100, 530, 500), 90), line('first', box(600, 100, 630, 500), 90), line('third', box(400, 100, 430, 300), 90)];
    expect(arrangeLines(lines, 800, 600).map((l) => l.text)).toEqual(['first', 'second', 'third']);
  });
});

describe('cutting lines out of a sideways photo', () => {
  it('turns every upright box when most of the text runs vertically, even short words', () => {
    const image = new Image(400, 400, 3, new Uint8Array(400 * 400 * 3).fill(255));
    const crops = cropLines(image, [box(300, 20, 330, 380), box(250, 20, 280, 300), box(200, 20, 230, 60)]);
    expect(crops.map((c) => c.turned)).toEqual([true, true, true]);
    for (const c of crops) expect(c.crop.width).toBeGreaterThan(c.crop.height);
  });

  it('leaves a short box upright on a page that reads across', () => {
    const image = new Image(400, 400, 3, new Uint8Array(400 * 400 * 3).fill(255));
    const crops = cropLines(image, [box(20, 20, 380, 50), box(20, 80, 300, 110), box(20, 150, 50, 190)]);
    expect(crops.map((c) => c.turned)).toEqual([false, false, false]);
  });
});
