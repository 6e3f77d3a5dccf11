import type { Quad } from './types.ts';

/** A point in pixels of the image the reader was given. */
export interface Point {
  x: number;
  y: number;
}

/** Four corners in pixels, clockwise from the top-left in the image's frame (as the DB post-process orders them). */
export type PixelQuad = [Point, Point, Point, Point];

const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Extent along the image's x-like edge (p0-p1) and y-like edge (p0-p3), each averaged over its two opposite sides. */
export function quadSides(q: PixelQuad): { along: number; across: number } {
  return {
    along: (distance(q[0], q[1]) + distance(q[3], q[2])) / 2,
    across: (distance(q[0], q[3]) + distance(q[1], q[2])) / 2,
  };
}

export function quadCentre(q: PixelQuad): Point {
  return { x: (q[0].x + q[1].x + q[2].x + q[3].x) / 4, y: (q[0].y + q[1].y + q[2].y + q[3].y) / 4 };
}

/** How a line's crop was turned to be read: 0 upright, 90 (turned counter-clockwise), 180, 270 (turned counter-clockwise, then flipped). */
export type LineTurn = 0 | 90 | 180 | 270;

/**
 * The position of an image point in the frame of text read after `turn`: there, lines run
 * left to right and follow each other downwards, so sorting by (y, x) gives reading order.
 */
export function uprightPoint(p: Point, turn: LineTurn, width: number, height: number): Point {
  switch (turn) {
    case 0:
      return p;
    case 180:
      return { x: width - p.x, y: height - p.y };
    case 90:
      return { x: p.y, y: width - p.x };
    case 270:
      return { x: height - p.y, y: p.x };
  }
}

/** A line's text height as a share of the photo: the shorter side of its normalised outline. */
export function textHeight(box: Quad): number {
  const [a, b, , d] = box;
  return Math.min(Math.hypot(a.x - b.x, a.y - b.y), Math.hypot(a.x - d.x, a.y - d.y));
}
