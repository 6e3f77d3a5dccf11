import { quadCentre, quadSides, uprightPoint, type LineTurn, type PixelQuad, type Point } from './geometry.ts';

export interface PlacedLine {
  quad: PixelQuad;
  turn: LineTurn;
  /** Short side of the line's box, px. */
  heightPx: number;
  text: string;
  confidence: number;
}

/** Lines whose centres are closer than this share of their height, across the reading direction, are on one row. */
const SAME_ROW = 0.5;
/** Neighbours on a row closer than this many line heights are one line the detector cut in two ("PLATFORM" | "9", "3" | "00"). */
const SPLIT_GAP = 0.8;
/** A gap wider than this many line heights between the pieces is a space between words. */
const WORD_GAP = 0.25;
/** Pieces of one line have about the same height. */
const SAME_HEIGHT = 1.6;
/** Lines at least this many times longer than high show the text's slant reliably. */
const SLANT_RATIO = 2;

/** The inverse of uprightPoint: from the frame of text read after `turn` back to the image. */
function imagePoint(p: Point, turn: LineTurn, width: number, height: number): Point {
  switch (turn) {
    case 0:
      return p;
    case 180:
      return { x: width - p.x, y: height - p.y };
    case 90:
      return { x: width - p.y, y: p.x };
    case 270:
      return { x: p.y, y: height - p.x };
  }
}

const rotate = (p: Point, angle: number): Point => ({
  x: p.x * Math.cos(angle) - p.y * Math.sin(angle),
  y: p.x * Math.sin(angle) + p.y * Math.cos(angle),
});

/**
 * The frame the photo's text reads in: turned by the orientation most of the text length
 * needed, then straightened by the median slant of its long lines (a receipt photographed
 * a few degrees off square). In it, lines run left to right and follow each other downwards.
 */
class TextFrame {
  private constructor(
    private readonly turn: LineTurn,
    private readonly slant: number,
    private readonly width: number,
    private readonly height: number,
  ) {}

  static of(lines: readonly PlacedLine[], width: number, height: number): TextFrame {
    const length = new Map<LineTurn, number>();
    for (const line of lines) {
      const { along, across } = quadSides(line.quad);
      length.set(line.turn, (length.get(line.turn) ?? 0) + Math.max(along, across));
    }
    const turn = [...length].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    const slants: number[] = [];
    for (const line of lines) {
      if (line.turn !== turn) continue;
      const q = line.quad.map((p) => uprightPoint(p, turn, width, height));
      // The longer of two adjacent edges runs along the text.
      const [a, b] = Math.hypot(q[1].x - q[0].x, q[1].y - q[0].y) >= Math.hypot(q[2].x - q[1].x, q[2].y - q[1].y) ? [q[0], q[1]] : [q[1], q[2]];
      const { along, across } = quadSides(line.quad);
      if (Math.max(along, across) < SLANT_RATIO * Math.min(along, across)) continue;
      let angle = Math.atan2(b.y - a.y, b.x - a.x);
      if (angle > Math.PI / 2) angle -= Math.PI;
      if (angle <= -Math.PI / 2) angle += Math.PI;
      slants.push(angle);
    }
    slants.sort((x, y) => x - y);
    return new TextFrame(turn, slants.length > 0 ? slants[Math.floor(slants.length / 2)] : 0, width, height);
  }

  toFrame(p: Point): Point {
    return rotate(uprightPoint(p, this.turn, this.width, this.height), -this.slant);
  }

  fromFrame(p: Point): Point {
    return imagePoint(rotate(p, this.slant), this.turn, this.width, this.height);
  }
}

interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function bounds(points: Point[]): Bounds {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

/** Corners clockwise from the top-left-most one, in the image's frame. */
function clockwise(points: Point[]): PixelQuad {
  const cx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const cy = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sorted = [...points].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  const first = sorted.reduce((best, p, i) => (p.x + p.y < sorted[best].x + sorted[best].y ? i : best), 0);
  return [0, 1, 2, 3].map((k) => sorted[(first + k) % 4]) as PixelQuad;
}

function ordered<T extends PlacedLine>(lines: readonly T[], frame: TextFrame): T[] {
  const placed = lines.map((line) => ({ line, at: frame.toFrame(quadCentre(line.quad)) })).sort((a, b) => a.at.y - b.at.y);
  const rows: (typeof placed)[] = [];
  for (const item of placed) {
    const row = rows.at(-1);
    const first = row?.[0];
    if (row && first && Math.abs(item.at.y - first.at.y) < SAME_ROW * Math.min(item.line.heightPx, first.line.heightPx)) row.push(item);
    else rows.push([item]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.at.x - b.at.x).map((item) => item.line));
}

/**
 * Puts lines in reading order (top to bottom, left to right within a row, in the frame the
 * text reads in, so a sideways or slanted receipt lists its lines as the receipt reads),
 * then joins neighbours that are pieces of one line: same orientation, about the same
 * height, on one row and less than SPLIT_GAP line heights apart. The detector cuts lines
 * at wide letter spacing or a small "." ("PLATFORM" | "9"); a lone piece would otherwise
 * be dropped as a stray character. Joined text gets a space when the gap is a word gap;
 * the confidence is the per-character mean; the outline covers both pieces.
 */
export function arrangeLines(lines: readonly PlacedLine[], width: number, height: number): PlacedLine[] {
  const frame = TextFrame.of(lines, width, height);
  const out: Array<PlacedLine & { box: Bounds }> = [];
  for (const line of ordered(lines, frame)) {
    const box = bounds(line.quad.map((p) => frame.toFrame(p)));
    const last = out.at(-1);
    if (last && last.turn === line.turn) {
      const h = Math.min(last.box.y1 - last.box.y0, box.y1 - box.y0);
      const tallest = Math.max(last.box.y1 - last.box.y0, box.y1 - box.y0);
      const overlap = Math.min(last.box.y1, box.y1) - Math.max(last.box.y0, box.y0);
      const gap = box.x0 - last.box.x1;
      if (tallest <= SAME_HEIGHT * h && overlap >= 0.5 * h && gap > -0.2 * h && gap < SPLIT_GAP * h) {
        const joined: Bounds = { x0: last.box.x0, x1: box.x1, y0: Math.min(last.box.y0, box.y0), y1: Math.max(last.box.y1, box.y1) };
        const a = [...last.text].length;
        const b = [...line.text].length;
        const corners = [
          { x: joined.x0, y: joined.y0 },
          { x: joined.x1, y: joined.y0 },
          { x: joined.x1, y: joined.y1 },
          { x: joined.x0, y: joined.y1 },
        ].map((p) => frame.fromFrame(p));
        out[out.length - 1] = {
          quad: clockwise(corners),
          turn: line.turn,
          heightPx: Math.max(last.heightPx, line.heightPx),
          text: `${last.text}${gap > WORD_GAP * h ? ' ' : ''}${line.text}`,
          confidence: a + b > 0 ? (last.confidence * a + line.confidence * b) / (a + b) : 0,
          box: joined,
        };
        continue;
      }
    }
    out.push({ ...line, box });
  }
  return out.map(({ box: _box, ...line }) => line);
}
