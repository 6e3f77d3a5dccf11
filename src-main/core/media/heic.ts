import type { HeicImages } from 'heic-decode';
import { MediaError } from '../errors.ts';
import { checkPixelLimit, type DecodeLimits } from './limits.ts';

/** avif: AV1-coded; heic: HEVC-coded (iPhone photos); heif: the generic container brand, codec unknown. */
export type HeifFamily = 'avif' | 'heic' | 'heif';

const AVIF_BRANDS: ReadonlySet<string> = new Set(['avif', 'avis']);
const HEVC_BRANDS: ReadonlySet<string> = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const GENERIC_BRANDS: ReadonlySet<string> = new Set(['mif1', 'msf1', 'mif2', 'miaf']);

function ascii(bytes: Uint8Array, start: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + 4));
}

/** Which HEIF flavour a file is, from the brands of its leading ftyp box; null when it is not HEIF. */
export function heifFamily(head: Uint8Array): HeifFamily | null {
  if (head.length < 16 || ascii(head, 4) !== 'ftyp') return null;
  const boxSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  const major = ascii(head, 8);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= Math.min(boxSize, head.length); at += 4) compatible.push(ascii(head, at));
  if (AVIF_BRANDS.has(major)) return 'avif';
  if (HEVC_BRANDS.has(major)) return 'heic';
  if (!GENERIC_BRANDS.has(major)) return null;
  if (compatible.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (compatible.some((brand) => HEVC_BRANDS.has(brand))) return 'heic';
  return 'heif';
}

export interface RgbaImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes the first image of a HEIC file with libheif compiled to wasm (heic-decode),
 * for the HEVC photos sharp cannot read. libheif applies the container's rotation
 * and mirroring itself. The wasm module is large, so it is loaded on first use.
 */
export async function decodeHeic(file: string, buffer: Uint8Array, limits: DecodeLimits): Promise<RgbaImage> {
  const { default: decode } = await import('heic-decode');
  let images: HeicImages;
  try {
    images = await decode.all({ buffer });
  } catch (err) {
    throw new MediaError('decode-failed', file, `corrupt or unsupported HEIC image: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    const first = images[0];
    checkPixelLimit(file, first.width, first.height, limits);
    const { data, width, height } = await first.decode();
    return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width, height };
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw new MediaError('decode-failed', file, `corrupt or unsupported HEIC image: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    images.dispose();
  }
}
