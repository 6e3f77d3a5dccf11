import { describe, expect, it } from 'vitest';
import { containRect, foundWords, growOutline, placePoints, svgPoints, wordOutlines } from '../../../src-renderer/lib/text-boxes.ts';

describe('containRect: where a letterboxed photo lands in its box', () => {
  it.each([
    // box, image, expected
    [
      'a wide photo in a tall box: bars above and below',
      { width: 400, height: 400 },
      { width: 800, height: 400 },
      { left: 0, top: 100, width: 400, height: 200 },
    ],
    [
      'a tall photo in a wide box: bars left and right',
      { width: 1000, height: 500 },
      { width: 300, height: 600 },
      { left: 375, top: 0, width: 250, height: 500 },
    ],
    ['a small photo is scaled up to fill', { width: 900, height: 420 }, { width: 90, height: 42 }, { left: 0, top: 0, width: 900, height: 420 }],
    ['the same shape: no bars', { width: 1136, height: 672 }, { width: 2272, height: 1344 }, { left: 0, top: 0, width: 1136, height: 672 }],
  ])('%s', (_, box, image, expected) => {
    const rect = containRect(box, image)!;
    expect(rect.left).toBeCloseTo(expected.left, 6);
    expect(rect.top).toBeCloseTo(expected.top, 6);
    expect(rect.width).toBeCloseTo(expected.width, 6);
    expect(rect.height).toBeCloseTo(expected.height, 6);
  });

  it('follows a resize: the same photo in a box twice the size lands twice as far and twice as large', () => {
    const small = containRect({ width: 600, height: 500 }, { width: 900, height: 420 })!;
    const large = containRect({ width: 1200, height: 1000 }, { width: 900, height: 420 })!;
    expect(large).toEqual({ left: small.left * 2, top: small.top * 2, width: small.width * 2, height: small.height * 2 });
  });

  it('is null before the box is laid out or when the photo has no size', () => {
    expect(containRect({ width: 0, height: 300 }, { width: 100, height: 100 })).toBeNull();
    expect(containRect({ width: 300, height: 300 }, { width: 100, height: 0 })).toBeNull();
  });
});

describe('placePoints: a line outline 0..1 over the photo, in px over the box', () => {
  it('puts the photo’s corners on the corners of the displayed photo, not of the box', () => {
    const rect = containRect({ width: 400, height: 400 }, { width: 800, height: 400 })!;
    const corners = placePoints(
      [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
        { x: 1, y: 1 },
        { x: 0, y: 1 },
      ],
      rect,
    );
    expect(corners).toEqual([
      { x: 0, y: 100 },
      { x: 400, y: 100 },
      { x: 400, y: 300 },
      { x: 0, y: 300 },
    ]);
    expect(placePoints([{ x: 0.5, y: 0.25 }], rect)).toEqual([{ x: 200, y: 150 }]);
    expect(svgPoints(corners)).toBe('0.0,100.0 400.0,100.0 400.0,300.0 0.0,300.0');
  });
});

describe('wordOutlines: the part of a matched line a found word takes', () => {
  const line = {
    text: 'WiFi password: sunflower42',
    box: [
      { x: 0.1, y: 0.5 },
      { x: 0.9, y: 0.5 },
      { x: 0.9, y: 0.6 },
      { x: 0.1, y: 0.6 },
    ],
  };

  it('cuts each word out of the line, in order and inside it, whatever its case', () => {
    const [wifi, password] = wordOutlines(line, ['wifi', 'PASSWORD']);
    expect(wifi[0]).toEqual({ x: 0.1, y: 0.5 });
    expect(wifi[1].x).toBeGreaterThan(0.1);
    expect(password[0].x).toBeGreaterThan(wifi[1].x);
    expect(password[1].x).toBeLessThan(0.6);
    for (const outline of [wifi, password]) {
      expect(outline.map((p) => p.y)).toEqual([0.5, 0.5, 0.6, 0.6]);
      expect(outline[1].x).toBeCloseTo(outline[2].x, 9);
    }
  });

  it('follows a sideways line: the word is cut along the line’s own direction', () => {
    const sideways = {
      text: 'YELLOW CAB',
      box: [
        { x: 0.6, y: 0.1 },
        { x: 0.6, y: 0.9 },
        { x: 0.5, y: 0.9 },
        { x: 0.5, y: 0.1 },
      ],
    };
    const [cab] = wordOutlines(sideways, ['cab']);
    expect(cab.map((p) => p.x)).toEqual([0.6, 0.6, 0.5, 0.5]);
    expect(cab[0].y).toBeGreaterThan(0.5);
    expect(cab[1].y).toBeCloseTo(0.9, 9);
  });

  it('gives every place a word occurs, and the whole line when none of the words is in it', () => {
    expect(wordOutlines({ ...line, text: 'ab ab' }, ['ab'])).toHaveLength(2);
    expect(wordOutlines(line, ['receipt'])).toEqual([line.box]);
  });
});

describe('growOutline: a frame around the letters, not on them', () => {
  it('grows an upright box by the margin on every side', () => {
    const grown = growOutline(
      [
        { x: 10, y: 20 },
        { x: 50, y: 20 },
        { x: 50, y: 30 },
        { x: 10, y: 30 },
      ],
      3,
    );
    expect(grown).toEqual([
      { x: 7, y: 17 },
      { x: 53, y: 17 },
      { x: 53, y: 33 },
      { x: 7, y: 33 },
    ]);
  });

  it('grows a sideways line along its own edges', () => {
    // Text running down the page: its top edge goes from (60, 10) to (60, 90), its height leftwards.
    const grown = growOutline(
      [
        { x: 60, y: 10 },
        { x: 60, y: 90 },
        { x: 50, y: 90 },
        { x: 50, y: 10 },
      ],
      2,
    );
    expect(grown).toEqual([
      { x: 62, y: 8 },
      { x: 62, y: 92 },
      { x: 48, y: 92 },
      { x: 48, y: 8 },
    ]);
  });
});

describe('foundWords: what the search found in the photo, from its reasons', () => {
  it('takes the words of the "words in photo" reasons only', () => {
    expect(
      foundWords([
        { source: 'visual', text: 'looks like the query (strong)' },
        { source: 'text', text: "words in photo: 'WiFi password'" },
        { source: 'names', text: "file name contains 'wifi'" },
        { source: 'text', text: "words in photo: 'Receipt #20419 password'" },
      ]),
    ).toEqual(['WiFi', 'password', 'Receipt', '#20419']);
    expect(foundWords([{ source: 'text', text: "words in photo: '欢迎'" }])).toEqual(['欢迎']);
    expect(foundWords([])).toEqual([]);
  });
});
