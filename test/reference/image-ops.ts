/** What happens to a decoded image before the processor sees it: orientation and alpha. */
import { type RgbImage, type RgbaImage, rgbImage } from './rgb-image.ts';

export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * For a displayed pixel (x, y), the stored pixel it shows, per the EXIF/TIFF
 * definition of each orientation value: 2 mirror, 3 half turn, 4 flip,
 * 5 transpose, 6 quarter turn clockwise, 7 transverse, 8 quarter turn
 * anticlockwise. Stored size is sw x sh.
 */
function storedPixel(orientation: ExifOrientation, x: number, y: number, sw: number, sh: number): [number, number] {
  switch (orientation) {
    case 1:
      return [x, y];
    case 2:
      return [sw - 1 - x, y];
    case 3:
      return [sw - 1 - x, sh - 1 - y];
    case 4:
      return [x, sh - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, sh - 1 - x];
    case 7:
      return [sw - 1 - y, sh - 1 - x];
    case 8:
      return [sw - 1 - y, x];
  }
}

const swapsAxes = (orientation: ExifOrientation): boolean => orientation >= 5;

/** The upright image a viewer shows for stored pixels tagged with `orientation`. */
export function displayed(stored: RgbImage, orientation: ExifOrientation): RgbImage {
  const [w, h] = swapsAxes(orientation) ? [stored.height, stored.width] : [stored.width, stored.height];
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = storedPixel(orientation, x, y, stored.width, stored.height);
      out.set(stored.data.subarray((sy * stored.width + sx) * 3, (sy * stored.width + sx) * 3 + 3), (y * w + x) * 3);
    }
  }
  return rgbImage(w, h, out);
}

/** The stored pixels that, tagged with `orientation`, display as `upright`. */
export function storedFor(upright: RgbImage, orientation: ExifOrientation): RgbImage {
  const [sw, sh] = swapsAxes(orientation) ? [upright.height, upright.width] : [upright.width, upright.height];
  const out = new Uint8Array(sw * sh * 3);
  for (let y = 0; y < upright.height; y++) {
    for (let x = 0; x < upright.width; x++) {
      const [sx, sy] = storedPixel(orientation, x, y, sw, sh);
      out.set(upright.data.subarray((y * upright.width + x) * 3, (y * upright.width + x) * 3 + 3), (sy * sw + sx) * 3);
    }
  }
  return rgbImage(sw, sh, out);
}

/** "Over" onto an opaque white background, rounded to the nearest 8-bit level. */
export function onWhite(image: RgbaImage): RgbImage {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const a = image.data[p * 4 + 3];
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round((image.data[p * 4 + c] * a + 255 * (255 - a)) / 255);
  }
  return rgbImage(image.width, image.height, out);
}
