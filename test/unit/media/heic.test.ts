import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../../src-main/core/errors.ts';
import { decodeToRaw, openImage } from '../../../src-main/core/media/decode.ts';
import { heifFamily } from '../../../src-main/core/media/heic.ts';
import { writeSceneImage } from '../../fixtures/photos.ts';
import { type SceneSpec, sceneDifference } from '../../fixtures/scenes.ts';
import { removeDir, tempDir } from './helpers.ts';

function ftyp(major: string, ...compatible: string[]): Buffer {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size + 8);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  box.write('meta', size + 4, 'latin1');
  return box;
}

describe('heifFamily', () => {
  it.each([
    ['an iPhone HEIC', ftyp('heic', 'mif1', 'heic'), 'heic'],
    ['a HEIC burst', ftyp('hevc', 'msf1', 'hevc'), 'heic'],
    ['a HEIC with extended brand', ftyp('heix', 'mif1'), 'heic'],
    ['a generic mif1 file holding HEVC', ftyp('mif1', 'heic'), 'heic'],
    ['an AVIF', ftyp('avif', 'mif1', 'miaf'), 'avif'],
    ['a generic mif1 file holding AV1', ftyp('mif1', 'avif'), 'avif'],
    ['a generic HEIF of unknown codec', ftyp('mif1', 'miaf'), 'heif'],
    ['an MP4 video', ftyp('isom', 'mp41'), null],
    ['a JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]), null],
    ['a too-short file', Buffer.from('ftyp'), null],
  ])('recognises %s', (_label, head, family) => {
    expect(heifFamily(head)).toBe(family);
  });
});

describe('opening HEIF files', () => {
  let dir: string;
  const scene: SceneSpec = { colour: 'red', pattern: 'circle', width: 320, height: 240 };
  beforeAll(async () => {
    dir = await tempDir('heic');
  });
  afterAll(() => removeDir(dir));

  it('decodes with sharp first: an AV1-coded image branded as HEIC opens and shows its scene', async () => {
    const avif = path.join(dir, 'scene.avif');
    await writeSceneImage(avif, scene, 'avif');
    const bytes = await fs.readFile(avif);
    bytes.write('heic', 8, 'latin1');
    const heic = path.join(dir, 'IMG_0001.HEIC');
    await fs.writeFile(heic, bytes);
    expect(heifFamily(bytes)).toBe('heic');

    const opened = await openImage(heic);
    expect(opened.meta.format).toBe('heif');
    expect([opened.meta.width, opened.meta.height]).toEqual([320, 240]);
    const raw = await decodeToRaw(opened, (image) => image.resize(160, 120));
    expect(raw.info.channels).toBe(3);
    expect(sceneDifference({ data: raw.data, width: raw.info.width, height: raw.info.height, channels: 3 }, scene)).toBeLessThan(15);
  });

  it('gives a clear MediaError for a HEIC neither sharp nor libheif can read', async () => {
    const file = path.join(dir, 'broken.heic');
    await fs.writeFile(file, Buffer.concat([ftyp('heic', 'mif1', 'heic'), Buffer.alloc(2000, 7)]));
    const error = await openImage(file).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('decode-failed');
    expect((error as MediaError).reason).toMatch(/^corrupt or unsupported HEIC image: /);
  });
});
