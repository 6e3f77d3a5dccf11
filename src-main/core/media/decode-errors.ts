import { MediaError } from '../errors.ts';
import { fsReason, isFsError } from './fs-reason.ts';

/**
 * libvips appends to one error log per thread, so a sharp message can repeat the
 * same line or carry older lines; keep each line once and drop sharp's wrapper.
 */
function decoderMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const lines = raw
    .split('\n')
    .map((line) => line.replace(/^Input (buffer|file) has corrupt header: /, '').trim())
    .filter(Boolean);
  const text = [...new Set(lines)].join('; ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function isUnsupportedFormat(err: unknown): boolean {
  return err instanceof Error && /unsupported image format/i.test(err.message);
}

function isPixelLimit(err: unknown): boolean {
  return err instanceof Error && /exceeds pixel limit/i.test(err.message);
}

/** Text files renamed to .jpg are common enough (notes, HTML error pages saved as images) to say so. */
function looksLikeText(head: Uint8Array): boolean {
  const sample = head.subarray(0, 512);
  if (sample.length === 0) return false;
  for (const byte of sample) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) return false;
  }
  return true;
}

export function notAnImage(file: string, head: Uint8Array, detail: string, cause?: unknown): MediaError {
  const reason = looksLikeText(head) ? 'the file contains text' : detail;
  return new MediaError('unsupported-format', file, `not an image: ${reason}`, { cause });
}

export function corrupt(file: string, err: unknown): MediaError {
  return new MediaError('decode-failed', file, `corrupt or truncated image: ${decoderMessage(err)}`, { cause: err });
}

/**
 * Turns any failure while reading or decoding `file` into a MediaError with a human
 * reason. sharp decodes lazily, so whoever finally runs a pipeline from openImage
 * (toBuffer, toFile) must pass its error through this.
 */
export function asMediaError(file: string, err: unknown): MediaError {
  if (err instanceof MediaError) return err;
  if (isFsError(err)) return new MediaError('file-unreadable', file, fsReason(err), { cause: err });
  if (isPixelLimit(err)) return new MediaError('too-large', file, 'image is over the decode pixel limit', { cause: err });
  if (isUnsupportedFormat(err)) return new MediaError('unsupported-format', file, 'not an image: unrecognised file format', { cause: err });
  return corrupt(file, err);
}
