import os from 'node:os';
import { MediaError } from '../errors.ts';

export interface DecodeLimits {
  /** Largest width × height decoded; a larger image is refused before any pixel is decoded. */
  maxPixels: number;
}

const MIN_PIXELS = 50_000_000;
const MAX_PIXELS = 300_000_000;

/**
 * A decoded RGBA pixel takes 4 bytes and a decode pool holds several images plus
 * libvips' working copies, so one image may use at most about 1/32 of RAM.
 */
export function defaultDecodeLimits(): DecodeLimits {
  return { maxPixels: Math.min(MAX_PIXELS, Math.max(MIN_PIXELS, Math.floor(os.totalmem() / 32))) };
}

function megapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toPrecision(3)));
}

/** Refuses a decompression bomb from its header, before it can exhaust memory. */
export function checkPixelLimit(file: string, width: number, height: number, limits: DecodeLimits): void {
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw new MediaError('too-large', file, `image is ${megapixels(pixels)} megapixels, over the ${megapixels(limits.maxPixels)} megapixel limit`);
  }
}
