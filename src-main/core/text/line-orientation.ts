import type { Image } from 'paddleocr';
import { quadSides, type LineTurn, type PixelQuad } from './geometry.ts';

/** PaddleOCR turns a crop whose height is at least this many times its width (get_rotate_crop_image): it must be a vertical line. */
const TALL_RATIO = 1.5;
/** Mean upside-down probability above which a group of lines is flipped, below 1 - this kept; in between both readings are tried. */
const FLIP_CERTAIN = 0.65;

export interface LineCrop {
  quad: PixelQuad;
  /** The line cut out of the photo, turned 90 degrees counter-clockwise when `turned`. */
  crop: Image;
  turned: boolean;
}

/** Crop size exactly as paddleocr.js's cropRotated computes it, to know whether it turned the crop. */
function cropSize(q: PixelQuad): { width: number; height: number } {
  const d = (a: number, b: number) => Math.floor(Math.hypot(q[a].x - q[b].x, q[a].y - q[b].y));
  return { width: Math.max(d(0, 1), d(2, 3), 1), height: Math.max(d(0, 3), d(1, 2), 1) };
}

/**
 * Cuts each detected line out of the photo as a horizontal strip. Clearly vertical boxes are
 * turned a quarter counter-clockwise (PaddleOCR's rule); when most of the photo's elongated
 * boxes are vertical, the photo is sideways (a receipt shot in landscape) and every box
 * taller than wide is turned too, so that short words and numbers ("7.80") are read the
 * same way as the long lines around them. Whether a turned line ends up upside down is
 * left to the angle classifier (see flipPlan).
 */
export function cropLines(image: Image, quads: readonly PixelQuad[]): LineCrop[] {
  let tall = 0;
  let wide = 0;
  for (const q of quads) {
    const { along, across } = quadSides(q);
    const long = Math.max(along, across);
    if (long < TALL_RATIO * Math.min(along, across)) continue;
    if (across > along) tall += long;
    else wide += long;
  }
  const sideways = tall > wide;
  return quads.map((quad) => {
    const size = cropSize(quad);
    let crop = image.cropRotated(quad);
    let turned = size.height / size.width >= TALL_RATIO;
    if (!turned && sideways && size.height > size.width) {
      crop = crop.rotateCounterClockwise();
      turned = true;
    }
    return { quad, crop, turned };
  });
}

/** 'keep' reads the crop as cut, 'flip' turned half a turn, 'both' reads both and keeps the more confident reading. */
export type FlipPlan = 'keep' | 'flip' | 'both';

/**
 * Decides per group of lines (turned and not turned) whether they are upside down, from
 * the angle classifier's per-line probabilities weighted by line length: lines in one photo
 * share an orientation, and a long line is judged more reliably than "7.80". When the
 * group's vote is unclear, both readings are tried.
 */
export function flipPlan(lines: readonly LineCrop[], upsideDown: Float32Array): FlipPlan[] {
  const plan = new Array<FlipPlan>(lines.length);
  for (const turned of [false, true]) {
    let sum = 0;
    let weight = 0;
    lines.forEach((line, i) => {
      if (line.turned !== turned) return;
      const w = Math.min(20, line.crop.width / Math.max(1, line.crop.height));
      sum += w * upsideDown[i];
      weight += w;
    });
    if (weight === 0) continue;
    const mean = sum / weight;
    const decision: FlipPlan = mean >= FLIP_CERTAIN ? 'flip' : mean <= 1 - FLIP_CERTAIN ? 'keep' : 'both';
    lines.forEach((line, i) => {
      if (line.turned === turned) plan[i] = decision;
    });
  }
  return plan;
}

/** The turn that makes a line upright, from how it was cropped and whether it was flipped. */
export function lineTurn(turned: boolean, flipped: boolean): LineTurn {
  if (turned) return flipped ? 270 : 90;
  return flipped ? 180 : 0;
}
