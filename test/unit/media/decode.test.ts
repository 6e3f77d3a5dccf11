import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../../src-main/core/errors.ts';
import { instantOf } from '../../../src-main/core/media/date-taken.ts';
import { asMediaError, decodeToRaw, defaultDecodeLimits, openImage } from '../../../src-main/core/media/decode.ts';
import { sceneDifference, type Pixels } from '../../fixtures/scenes.ts';
import { canTestPermissions, type Corpus, makeCorpus, openToOthers, removeDir, runUnprivileged, tempDir } from './helpers.ts';

/** Mean channel error a faithful decode stays under; a wrong colour, pattern, frame or orientation is far above. */
const FAITHFUL = 15;

function pixelsOf(raw: { data: Buffer; info: { width: number; height: number; channels: number } }): Pixels {
  return { data: raw.data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels };
}

function bytesPerSample(raw: { data: Buffer; info: { width: number; height: number; channels: number } }): number {
  return raw.data.length / (raw.info.width * raw.info.height * raw.info.channels);
}

async function reasonFor(file: string, maxPixels?: number): Promise<MediaError> {
  try {
    await decodeToRaw(await openImage(file, maxPixels === undefined ? undefined : { maxPixels }));
  } catch (err) {
    expect(err).toBeInstanceOf(MediaError);
    return err as MediaError;
  }
  throw new Error(`${file} decoded without error`);
}

describe('openImage over the corpus', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await makeCorpus();
  });
  afterAll(() => removeDir(corpus.base));

  const photos = () => corpus.entries.filter((e) => e.kind === 'photo');

  it('opens every photo as upright 8-bit sRGB showing its scene', async () => {
    expect(photos().length).toBeGreaterThanOrEqual(24);
    for (const entry of photos()) {
      const opened = await openImage(corpus.abs(entry));
      const margin = entry.transparentMargin ?? 0;
      const scene = entry.scene!;
      const raw = await decodeToRaw(opened, (image) =>
        margin ? image.extract({ left: margin, top: margin, width: scene.width, height: scene.height }) : image,
      );
      const summary = {
        file: entry.relPath,
        format: opened.meta.format,
        width: opened.meta.width,
        height: opened.meta.height,
        channels: raw.info.channels,
        bytesPerSample: bytesPerSample(raw),
      };
      expect(summary).toEqual({ file: entry.relPath, format: entry.format, width: entry.width, height: entry.height, channels: 3, bytesPerSample: 1 });
      expect(sceneDifference(pixelsOf(raw), scene), entry.relPath).toBeLessThan(FAITHFUL);
    }
  });

  it('fails every broken file with a MediaError that says what is wrong', async () => {
    const broken = corpus.entries.filter((e) => e.kind === 'broken');
    expect(broken.length).toBe(4);
    for (const entry of broken) {
      const error = await reasonFor(corpus.abs(entry));
      expect({ file: entry.relPath, reason: error.reason }).toEqual({ file: entry.relPath, reason: expect.stringContaining(entry.expectedError!) });
      expect(error.subject).toBe(corpus.abs(entry));
    }
  });

  it('applies EXIF orientation: the stored pixels alone do not show the scene', async () => {
    const entry = corpus.byPath('Trips/2021/rotated.jpg');
    const stored = await sharp(corpus.abs(entry)).raw().toBuffer({ resolveWithObject: true });
    expect(stored.info.width).toBe(entry.height);
    expect(sceneDifference(pixelsOf(stored), entry.scene!)).toBeGreaterThan(FAITHFUL);
    const turnedTheWrongWay = await sharp(corpus.abs(entry)).rotate(270).raw().toBuffer({ resolveWithObject: true });
    expect(sceneDifference(pixelsOf(turnedTheWrongWay), entry.scene!)).toBeGreaterThan(FAITHFUL);
    const opened = await openImage(corpus.abs(entry));
    expect(opened.meta.orientation).toBe(6);
    expect(sceneDifference(pixelsOf(await decodeToRaw(opened)), entry.scene!)).toBeLessThan(FAITHFUL);
  });

  it('keeps the orientation through a resize, as the model preprocessing does', async () => {
    const entry = corpus.byPath('Trips/2021/rotated.jpg');
    const raw = await decodeToRaw(await openImage(corpus.abs(entry)), (image) => image.resize(64, 48, { fit: 'fill' }));
    expect(raw.info.width).toBe(64);
    expect(sceneDifference(pixelsOf(raw), entry.scene!)).toBeLessThan(FAITHFUL);
  });

  it('reads date taken, camera and GPS from EXIF', async () => {
    const rotated = await openImage(corpus.abs('Trips/2021/rotated.jpg'));
    // The wall clock where it was taken, without a zone (no offset tag).
    expect(rotated.meta.taken).toEqual({ local: Date.UTC(2021, 5, 15, 12, 30, 0), offsetMinutes: null });
    expect(rotated.meta.camera).toBe('Canon EOS 5D Mark IV');
    expect(rotated.meta.latitude).toBeCloseTo(48.8584, 3);
    expect(rotated.meta.longitude).toBeCloseTo(2.2945, 3);
    for (const entry of corpus.entries.filter((e) => e.kind === 'photo')) {
      const { meta } = await openImage(corpus.abs(entry));
      expect({ file: entry.relPath, takenAt: meta.taken && instantOf(meta.taken.local), camera: meta.camera }).toEqual({
        file: entry.relPath,
        takenAt: entry.takenAt ?? null,
        camera: entry.camera ?? null,
      });
    }
  });

  it('decodes the dated photos into 2019, 2021 and 2023', async () => {
    const years = new Set<number>();
    for (const entry of corpus.entries.filter((e) => e.takenAt !== undefined)) {
      const { meta } = await openImage(corpus.abs(entry));
      years.add(new Date(meta.taken!.local).getUTCFullYear());
    }
    expect([...years].sort()).toEqual([2019, 2021, 2023]);
  });

  it('turns 16-bit and CMYK sources into 3-channel 8-bit sRGB', async () => {
    const deep = await sharp(corpus.abs('formats/deep-16bit.png')).metadata();
    expect(deep.depth).toBe('ushort');
    const cmyk = await sharp(corpus.abs('formats/cmyk.jpg')).metadata();
    expect(cmyk.space).toBe('cmyk');
    for (const rel of ['formats/deep-16bit.png', 'formats/cmyk.jpg']) {
      const raw = await decodeToRaw(await openImage(corpus.abs(rel)));
      expect({ rel, channels: raw.info.channels, bytesPerSample: bytesPerSample(raw) }).toEqual({ rel, channels: 3, bytesPerSample: 1 });
    }
  });

  it('flattens transparency on white', async () => {
    const raw = await decodeToRaw(await openImage(corpus.abs('formats/alpha-margin.png')));
    expect(raw.info.channels).toBe(3);
    expect([...raw.data.subarray(0, 3)]).toEqual([255, 255, 255]);
    const last = raw.data.length - 3;
    expect([...raw.data.subarray(last)]).toEqual([255, 255, 255]);
  });

  it('refuses an image over the pixel cap from its header, before decoding', async () => {
    const error = await openImage(corpus.abs('formats/alpha-margin.png'), { maxPixels: 100_000 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('too-large');
    expect((error as MediaError).reason).toBe('image is 0.156 megapixels, over the 0.1 megapixel limit');
  });
});

describe('openImage on hostile or odd input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('decode');
  });
  afterAll(() => removeDir(dir));

  it('refuses an SVG named like a photo (it can reference other files)', async () => {
    const file = path.join(dir, 'drawing.png');
    await fs.writeFile(file, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>');
    const error = await reasonFor(file);
    expect(error.code).toBe('unsupported-format');
    expect(error.reason).toBe('not an image: svg files are not supported');
  });

  it('says a folder is not a file', async () => {
    await fs.mkdir(path.join(dir, 'folder.jpg'));
    expect((await reasonFor(path.join(dir, 'folder.jpg'))).reason).toBe('is a folder, not a file');
  });

  it('says a missing file is not found', async () => {
    const error = await reasonFor(path.join(dir, 'gone.jpg'));
    expect([error.code, error.reason]).toEqual(['file-unreadable', 'not found']);
  });

  it.runIf(canTestPermissions)('says permission denied for a photo it may not read', async () => {
    await openToOthers(dir);
    const file = path.join(dir, 'private.jpg');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .jpeg()
      .toFile(file);
    await fs.chmod(file, 0o000);
    expect(await runUnprivileged('open', file)).toEqual({ code: 'file-unreadable', reason: 'permission denied' });
  });

  it('flags a large bomb-like PNG as too large with the default cap scaled down', async () => {
    const file = path.join(dir, 'wide.png');
    await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#0f0' } })
      .png()
      .toFile(file);
    const error = await reasonFor(file, 5_000_000);
    expect([error.code, error.reason]).toEqual(['too-large', 'image is 6 megapixels, over the 5 megapixel limit']);
  });
});

describe('defaultDecodeLimits', () => {
  it('caps between 50 and 300 megapixels', () => {
    const { maxPixels } = defaultDecodeLimits();
    expect(maxPixels).toBeGreaterThanOrEqual(50_000_000);
    expect(maxPixels).toBeLessThanOrEqual(300_000_000);
  });
});

describe('asMediaError', () => {
  const file = '/photos/x.jpg';
  const fsError = (code: string) => Object.assign(new Error(`${code}: failed`), { code, syscall: 'open' });
  it.each([
    ['a permission error', fsError('EACCES'), 'file-unreadable', 'permission denied'],
    ['a vanished file', fsError('ENOENT'), 'file-unreadable', 'not found'],
    ['a disk error', fsError('EIO'), 'file-unreadable', 'input/output error'],
    ['sharp pixel limit', new Error('Input image exceeds pixel limit'), 'too-large', 'over the decode pixel limit'],
    ['unknown format', new Error('Input buffer contains unsupported image format'), 'unsupported-format', 'not an image'],
    [
      'repeated libvips lines',
      new Error('VipsJpeg: premature end of JPEG image\nVipsJpeg: premature end of JPEG image'),
      'decode-failed',
      'corrupt or truncated image: VipsJpeg: premature end of JPEG image',
    ],
  ])('maps %s', (_label, err, code, reason) => {
    const mapped = asMediaError(file, err);
    expect(mapped.code).toBe(code);
    expect(mapped.reason).toContain(reason);
    expect(mapped.reason).not.toMatch(/premature end of JPEG image;.*premature end of JPEG image/);
    expect(mapped.subject).toBe(file);
  });

  it('passes a MediaError through unchanged', () => {
    const original = new MediaError('too-large', file, 'image is 400 megapixels, over the 300 megapixel limit');
    expect(asMediaError(file, original)).toBe(original);
  });
});
