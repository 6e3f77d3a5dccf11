import fs, { type FileHandle } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { MediaError } from '../errors.ts';
import { asMediaError, notAnImage } from './decode-errors.ts';
import type { LocalDateTime } from './date-taken.ts';
import { type ExifFacts, readExif } from './exif.ts';
import { fsReason } from './fs-reason.ts';
import { decodeHeic, heifFamily } from './heic.ts';
import { type ContentIdentity, contentIdentity, identityOfBytes } from './identity.ts';
import { checkPixelLimit, type DecodeLimits, defaultDecodeLimits } from './limits.ts';
import { fsPath } from './path-key.ts';

export { asMediaError } from './decode-errors.ts';
export { type DecodeLimits, defaultDecodeLimits } from './limits.ts';

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heif';

export interface PhotoMeta {
  /** As displayed, after the EXIF orientation. */
  width: number;
  height: number;
  format: PhotoFormat;
  /** EXIF DateTimeOriginal (or CreateDate) where it was taken, with its offset when known; null when absent. */
  taken: LocalDateTime | null;
  /** "Make Model" without the make repeated. */
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
  /** The EXIF orientation that was applied. */
  orientation: number | null;
}

/** The file as it was when its bytes were read: what was decoded is what these describe. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  dev: number;
  ino: number;
}

export interface OpenImageOptions {
  /** Also hash the bytes that are decoded (see identity.ts): what an index stores with the photo. */
  identify?: boolean;
}

export interface OpenedImage {
  /** The photo's path key (see path-key.ts). */
  file: string;
  facts: FileFacts;
  /** Set when asked for with `identify`. */
  identity: ContentIdentity | null;
  /**
   * An undecoded pipeline: oriented, alpha flattened on white, 8-bit sRGB output,
   * first frame only. Add resize/extract and run it through decodeToRaw (or wrap
   * the error of your own toBuffer with asMediaError): decode errors surface there.
   */
  image: Sharp;
  meta: PhotoMeta;
}

export interface RawPixels {
  data: Buffer;
  info: OutputInfo;
}

// Without this libvips keeps recently used files open, which on Windows locks photos
// against being moved or deleted by the user while the app runs.
sharp.cache({ files: 0 });

const WHITE = { r: 255, g: 255, b: 255 };
/** Files up to this size are read once into memory and shared by the header, EXIF and pixel decoders. */
const WHOLE_FILE_LIMIT = 128 * 1024 * 1024;
const HEAD_BYTES = 4096;

interface Source {
  /** The file's bytes, or its path when it is too large to hold in memory. */
  input: Buffer | string;
  head: Buffer;
  facts: FileFacts;
  identity: ContentIdentity | null;
}

/**
 * Reads the photo through one handle: the stat and the bytes come from the same
 * open file, so a file replaced, emptied or turned into a folder at any moment is
 * either read whole as it is now or refused, never half one and half the other.
 * `file` is a path key; every access goes through its file-system path.
 */
async function readSource(file: string, opts: OpenImageOptions): Promise<Source> {
  let handle: FileHandle;
  try {
    handle = await fs.open(fsPath(file), 'r');
  } catch (err) {
    throw new MediaError('file-unreadable', file, fsReason(err), { cause: err });
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new MediaError('file-unreadable', file, 'is a folder, not a file');
    // A FIFO or device named like a photo would block or never end when read.
    if (!stats.isFile()) throw new MediaError('file-unreadable', file, 'not a regular file');
    if (stats.size === 0) throw new MediaError('decode-failed', file, 'empty file (0 bytes)');
    const facts: FileFacts = { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, dev: stats.dev, ino: stats.ino };
    if (stats.size <= WHOLE_FILE_LIMIT) {
      const bytes = await handle.readFile();
      if (bytes.length === 0) throw new MediaError('decode-failed', file, 'empty file (0 bytes)');
      return {
        input: bytes,
        head: bytes.subarray(0, HEAD_BYTES),
        facts: { ...facts, size: bytes.length },
        identity: opts.identify ? await identityOfBytes(bytes) : null,
      };
    }
    const path = fsPath(file);
    // sharp opens large files itself, and only by a string path.
    if (typeof path !== 'string') {
      throw new MediaError('too-large', file, `a photo over ${WHOLE_FILE_LIMIT >> 20} MB whose name is not valid UTF-8 cannot be read; rename it`);
    }
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    const identity = opts.identify ? await contentIdentity(file, stats.size) : null;
    return { input: path, head: head.subarray(0, bytesRead), facts, identity };
  } catch (err) {
    throw asMediaError(file, err);
  } finally {
    await handle.close();
  }
}

function photoFormat(header: Metadata): PhotoFormat | null {
  switch (header.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return header.format;
    case 'heif':
      return header.compression === 'av1' ? 'avif' : 'heif';
    default:
      return null;
  }
}

/** sharp hands over the EXIF block of every format but TIFF, whose tags live in the file's own IFDs. */
function exifSource(header: Metadata, format: PhotoFormat, input: Buffer | string): Buffer | string | null {
  if (header.exif && header.exif.length > 0) return header.exif;
  return format === 'tiff' ? input : null;
}

const NO_EXIF: ExifFacts = { taken: null, camera: null, latitude: null, longitude: null };

async function openWithLibheif(file: string, source: Source, limits: DecodeLimits): Promise<OpenedImage> {
  let bytes: Buffer;
  try {
    bytes = typeof source.input === 'string' ? await fs.readFile(source.input) : source.input;
  } catch (err) {
    throw asMediaError(file, err);
  }
  const rgba = await decodeHeic(file, bytes, limits);
  const exif = await readExif(bytes);
  const image = sharp(rgba.data, { raw: { width: rgba.width, height: rgba.height, channels: 4 }, limitInputPixels: limits.maxPixels })
    .flatten({ background: WHITE })
    .toColourspace('srgb');
  return {
    file,
    facts: source.facts,
    identity: source.identity,
    image,
    // libheif has already applied the container's rotation, so no EXIF orientation is applied on top.
    meta: { width: rgba.width, height: rgba.height, format: 'heif', ...exif, orientation: null },
  };
}

/**
 * Whether sharp can decode a HEIF file shows only when it decodes: the header of an
 * HEVC-coded HEIC reads fine with the prebuilt libvips (AV1 only) and its pixels then
 * fail. HEIF has no shrink-on-load to lose, so decode it now and fall back to libheif.
 */
async function openHeifEagerly(file: string, source: Source, header: Metadata, exif: ExifFacts, limits: DecodeLimits): Promise<OpenedImage> {
  let decoded: RawPixels;
  try {
    decoded = await sharp(source.input, { failOn: 'error', limitInputPixels: limits.maxPixels, autoOrient: true })
      .flatten({ background: WHITE })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    return openWithLibheif(file, source, limits);
  }
  const { width, height, channels } = decoded.info;
  return {
    file,
    facts: source.facts,
    identity: source.identity,
    image: sharp(decoded.data, { raw: { width, height, channels: channels as 3 } }),
    meta: { width, height, format: 'heif', ...exif, orientation: header.orientation ?? null },
  };
}

/**
 * Opens a photo for decoding: reads its header and EXIF now, and returns a pipeline
 * that decodes only when run, so sharp's shrink-on-load still applies to whatever
 * resize the caller adds. `file` is a path key (path-key.ts; a plain path is its own
 * key). Every failure is a MediaError whose reason says what is wrong with the file;
 * a header over `limits.maxPixels` is refused here, before any pixel is decoded.
 */
export async function openImage(file: string, limits: DecodeLimits = defaultDecodeLimits(), opts: OpenImageOptions = {}): Promise<OpenedImage> {
  const source = await readSource(file, opts);
  const family = heifFamily(source.head);
  let header: Metadata;
  try {
    header = await sharp(source.input, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (err) {
    if (family === 'heic' || family === 'heif') return openWithLibheif(file, source, limits);
    const failure = asMediaError(file, err);
    throw failure.code === 'unsupported-format' ? notAnImage(file, source.head, 'unrecognised file format', err) : failure;
  }
  const format = photoFormat(header);
  if (!format) throw new MediaError('unsupported-format', file, `not an image: ${header.format} files are not supported`);
  checkPixelLimit(file, header.width, header.height, limits);

  const exifInput = exifSource(header, format, source.input);
  const exif = exifInput ? await readExif(exifInput) : NO_EXIF;
  if (format === 'heif') return openHeifEagerly(file, source, header, exif, limits);
  // No `pages`/`page` option: the default is the first frame of an animation and
  // the primary image of a HEIF collection.
  const image = sharp(source.input, { failOn: 'error', limitInputPixels: limits.maxPixels, autoOrient: true })
    .flatten({ background: WHITE })
    .toColourspace('srgb');
  return {
    file,
    facts: source.facts,
    identity: source.identity,
    image,
    meta: {
      width: header.autoOrient?.width ?? header.width,
      height: header.autoOrient?.height ?? header.height,
      format,
      ...exif,
      orientation: header.orientation ?? null,
    },
  };
}

/**
 * Runs an opened pipeline to raw 8-bit pixels (3 channels, sRGB), after `shape`
 * adds its resize/extract; decode failures that only show up now (a truncated
 * file) become MediaErrors about the photo.
 */
export async function decodeToRaw(opened: OpenedImage, shape: (image: Sharp) => Sharp = (image) => image): Promise<RawPixels> {
  try {
    return await shape(opened.image).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw asMediaError(opened.file, err);
  }
}
