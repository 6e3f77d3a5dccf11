import type { HitReason, PhotoTextLine } from '../../src-main/core/api/contract.ts';

export interface Size {
  width: number;
  height: number;
}

/** A rectangle in CSS px, relative to the box the image is drawn in. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Where an image drawn with `object-fit: contain` lands in its box (CSS Images 3,
 * "contain"): scaled to fit whole, centred, with bars on the two sides it does not
 * fill. Null when either has no area (a box not laid out yet, an image of unknown size).
 */
export function containRect(box: Size, image: Size): Rect | null {
  if (box.width <= 0 || box.height <= 0 || image.width <= 0 || image.height <= 0) return null;
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return { left: (box.width - width) / 2, top: (box.height - height) / 2, width, height };
}

/** Points 0..1 over the photo (PhotoTextLine.box) to CSS px in the box the photo is drawn in at `rect`. */
export function placePoints(points: readonly Point[], rect: Rect): Point[] {
  return points.map((p) => ({ x: rect.left + p.x * rect.width, y: rect.top + p.y * rect.height }));
}

/** The `points` attribute of an SVG polygon, to 0.1 px. */
export function svgPoints(points: readonly Point[]): string {
  return points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

const REASON = /^words in photo: '(.*)'$/su;

/**
 * The words a search found in a photo, from its reasons ("words in photo: 'wifi
 * password'", as core/search/sources/words-in-photos.ts words them): the text as it
 * stands in the photo, so a typo the search forgave is drawn where the right word is.
 */
export function foundWords(reasons: readonly HitReason[]): string[] {
  const words: string[] = [];
  for (const reason of reasons) {
    const found = reason.source === 'text' ? REASON.exec(reason.text) : null;
    if (found) words.push(...found[1].split(/\s+/u).filter((w) => w.length > 0));
  }
  return [...new Set(words)];
}

/**
 * Advance widths in em, by kind of character, of a typical sans-serif (Helvetica's and
 * DejaVu Sans's metrics rounded to classes): enough to place a word inside a line's box
 * within a character or so, which is all the recogniser's line outline allows.
 */
function advance(ch: string): number {
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch)) return 1;
  if (/[ilj.,:;'!|()[\]]/u.test(ch) || ch === ' ') return 0.3;
  if (/[mwMW@]/u.test(ch)) return 0.9;
  if (/[A-Z0-9#%&]/u.test(ch)) return 0.68;
  return 0.55;
}

function lerp(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/**
 * The outlines of `words` inside a recognised line (case-insensitive, every place
 * each occurs), cut from the line's four corners (clockwise from the top left) in
 * proportion to the width of the characters before, in and after the word. A line in
 * which none of the words is found gives its whole outline: it matched, so it is shown.
 */
export function wordOutlines(line: Pick<PhotoTextLine, 'text' | 'box'>, words: readonly string[]): Point[][] {
  const chars = [...line.text];
  const [tl, tr, br, bl] = line.box;
  if (!tl || !tr || !br || !bl) return [];
  const edges = [0];
  for (const ch of chars) edges.push(edges[edges.length - 1] + advance(ch));
  const total = edges[edges.length - 1];
  const lower = chars.map((c) => c.toLowerCase());
  const outlines: Point[][] = [];
  for (const word of words) {
    const wanted = [...word.toLowerCase()];
    if (wanted.length === 0) continue;
    for (let i = 0; i + wanted.length <= lower.length; i++) {
      if (!wanted.every((c, k) => lower[i + k] === c)) continue;
      const from = edges[i] / total;
      const to = edges[i + wanted.length] / total;
      outlines.push([lerp(tl, tr, from), lerp(tl, tr, to), lerp(bl, br, to), lerp(bl, br, from)]);
    }
  }
  return outlines.length > 0 || total === 0 ? outlines : [[tl, tr, br, bl]];
}

/**
 * An outline (four corners in px, clockwise from the top left of its text) grown by
 * `px` on every side, along its own edges, so that it frames the letters instead of
 * touching them, however the text is turned.
 */
export function growOutline(points: readonly Point[], px: number): Point[] {
  if (points.length !== 4) return [...points];
  const [tl, tr, , bl] = points;
  const unit = (a: Point, b: Point): Point => {
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    return len === 0 ? { x: 0, y: 0 } : { x: (b.x - a.x) / len, y: (b.y - a.y) / len };
  };
  const along = unit(tl, tr);
  const across = unit(tl, bl);
  const centre = { x: points.reduce((s, p) => s + p.x, 0) / 4, y: points.reduce((s, p) => s + p.y, 0) / 4 };
  return points.map((p) => {
    const d = { x: p.x - centre.x, y: p.y - centre.y };
    const a = Math.sign(d.x * along.x + d.y * along.y);
    const c = Math.sign(d.x * across.x + d.y * across.y);
    return { x: p.x + px * (a * along.x + c * across.x), y: p.y + px * (a * along.y + c * across.y) };
  });
}
