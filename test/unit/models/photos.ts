/**
 * Renders test photos in the shared convention (background colour, pattern in the
 * same colour at half brightness) as raw RGB, and decodes them through sharp the
 * way the indexer does.
 */
import sharp, { type Sharp } from 'sharp';
import { TINY_PHOTO_COLOURS, type TinyColour, type TinyPattern } from '../../fixtures/tiny-model.ts';

export const COLOURS = Object.keys(TINY_PHOTO_COLOURS) as TinyColour[];
export const PATTERNS: TinyPattern[] = ['plain', 'circle', 'stripes'];

export function renderRgb(colour: TinyColour, pattern: TinyPattern, width: number, height: number): Uint8Array {
  const full = TINY_PHOTO_COLOURS[colour];
  const half = full.map((v) => Math.round(v / 2));
  const radius = 0.3 * Math.min(width, height);
  const period = height / 8;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - width / 2;
      const dy = y + 0.5 - height / 2;
      const dark = (pattern === 'circle' && dx * dx + dy * dy <= radius * radius) || (pattern === 'stripes' && y % period < period / 2);
      rgb.set(dark ? half : full, (y * width + x) * 3);
    }
  }
  return rgb;
}

/** A photo as the decoder hands it over: JPEG bytes opened by sharp. */
export async function jpegPhoto(colour: TinyColour, pattern: TinyPattern, width: number, height: number): Promise<Sharp> {
  const jpeg = await sharp(renderRgb(colour, pattern, width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
  return sharp(jpeg);
}
