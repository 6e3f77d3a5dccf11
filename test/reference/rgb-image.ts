/** Interleaved 8-bit pixels, row after row: the form every reference step takes and returns. */
export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes (R, G, B). */
  data: Uint8Array;
}

/** Same layout with a fourth, alpha byte per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function rgbImage(width: number, height: number, data: Uint8Array): RgbImage {
  if (data.length !== width * height * 3) throw new Error(`reference: ${data.length} bytes cannot be ${width}x${height} RGB`);
  return { width, height, data };
}
