/**
 * Synthetic photos for the parity tests. Each channel carries different content,
 * so a channel swap shows, and the detail sits near the model's resolution, so a
 * one-pixel shift, a wrong filter or a wrong crop changes many values rather than
 * a few: a diagonal colour wave, hard-edged blocks 8x11 model pixels, a disc, a
 * grating whose period is 5.6 model pixels, and per-pixel noise.
 */
import type { RgbImage, RgbaImage } from '../../reference/rgb-image.ts';

/** Deterministic uniform numbers in [0, 1) (xorshift32). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Source pixels per model-input pixel along each axis, once the photo is resized for a model. */
export interface DetailScale {
  x: number;
  y: number;
}

/**
 * `scale` sets the size of the detail on each axis. Detail is never finer than a
 * few model pixels, apart from faint noise: how two resamplers alias a pattern
 * finer than their output says nothing about whether either follows the
 * reference. Nor is it finer than a few source pixels, as a camera's optics
 * never put a full-contrast pattern into one pixel.
 */
export function scene(width: number, height: number, seed: number, scale: DetailScale): RgbImage {
  const next = random(seed);
  const ux = Math.max(1, scale.x);
  const uy = Math.max(1, scale.y);
  const short = Math.min(width, height);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      const block = (Math.floor(x / (8 * ux)) + Math.floor(y / (11 * uy))) % 2;
      const disc = Math.hypot(x - width * 0.55, y - height * 0.45) < short * 0.3;
      const grating = Math.sin(2 * Math.PI * (x / (5.6 * ux) + (0.6 * y) / (5.6 * uy)));
      const noise = (next() - 0.5) * 24;
      const i = (y * width + x) * 3;
      data[i] = clamp8(128 + 90 * Math.sin(2 * Math.PI * (2 * u + 3 * v)) + (block ? 25 : -25) + noise);
      data[i + 1] = clamp8(255 * v + (disc ? -90 : 0) + noise);
      data[i + 2] = clamp8(128 + 100 * grating + noise);
    }
  }
  return { width, height, data };
}

/** Every pixel its own random colour: for images so small that each pixel matters. */
export function speckle(width: number, height: number, seed: number): RgbImage {
  const next = random(seed);
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(next() * 256)) };
}

/**
 * The scene with alpha: opaque in the middle, fading to fully transparent at the
 * left and right edges, plus a transparent hole whose hidden colour is black
 * (a decoder that dropped alpha instead of compositing would show it).
 */
export function translucent(width: number, height: number, seed: number, scale: DetailScale): RgbaImage {
  const rgb = scene(width, height, seed, scale);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const edge = Math.min(x, width - 1 - x) / (width * 0.3);
      const hole = Math.hypot(x - width / 2, y - height / 2) < Math.min(width, height) * 0.15;
      data.set(hole ? [0, 0, 0] : rgb.data.subarray(p * 3, p * 3 + 3), p * 4);
      data[p * 4 + 3] = hole ? 0 : clamp8(255 * Math.min(1, edge));
    }
  }
  return { width, height, data };
}
