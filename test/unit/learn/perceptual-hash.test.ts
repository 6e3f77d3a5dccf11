import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { hashDistance, hashFromBytes, hashToBytes, perceptualHash } from '../../../src-main/core/media/perceptual-hash.ts';
import { resizedSize } from '../../../src-main/core/models/preprocess.ts';
import type { PreprocessSpec } from '../../../src-main/core/models/types.ts';
import { renderComposition } from '../../fixtures/duplicate-set.ts';

const WIDTH = 640;
const HEIGHT = 480;

async function hashOf(raw: Buffer, shape: (image: Sharp) => Sharp): Promise<bigint> {
  const { data, info } = await shape(sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return perceptualHash({ data, width: info.width, height: info.height, channels: info.channels });
}

const CLIP_B32: PreprocessSpec = {
  mode: 'crop',
  width: 224,
  height: 224,
  resizeShortest: 224,
  resample: 'bicubic',
  rescale: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

describe('perceptual hash', () => {
  const photo = renderComposition('blue', 7);

  it('is the same, within 2 bits, from the decode a model gets and from a small decode of the file', async () => {
    const full = await hashOf(photo, (image) => image);
    const model = resizedSize(CLIP_B32, { width: WIDTH, height: HEIGHT });
    const forModel = await hashOf(photo, (image) => image.resize(model.width, model.height, { fit: 'fill', kernel: 'cubic' }));
    const squashed = await hashOf(photo, (image) => image.resize(224, 224, { fit: 'fill' }));
    const backfill = await hashOf(photo, (image) => image.resize(256, 256, { fit: 'inside' }));
    for (const h of [forModel, squashed, backfill]) expect(hashDistance(full, h)).toBeLessThanOrEqual(2);
  });

  it('barely moves under re-encoding and a brighter edit, and is far from other photos', async () => {
    const original = await hashOf(photo, (image) => image);
    const jpeg = await sharp(photo, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
      .jpeg({ quality: 40 })
      .toBuffer();
    const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const reEncoded = perceptualHash({ data: decoded.data, width: decoded.info.width, height: decoded.info.height, channels: 3 });
    const brighter = await hashOf(photo, (image) => image.linear(1.1, 0));
    expect(hashDistance(original, reEncoded)).toBeLessThanOrEqual(4);
    expect(hashDistance(original, brighter)).toBeLessThanOrEqual(4);
    for (let seed = 20; seed < 30; seed++) {
      expect(hashDistance(original, await hashOf(renderComposition('blue', seed), (image) => image))).toBeGreaterThanOrEqual(14);
    }
  });

  it('reads grey, RGB and RGBA samples alike', async () => {
    const rgb = await hashOf(photo, (image) => image);
    const grey = await hashOf(photo, (image) => image.greyscale());
    const rgba = await hashOf(photo, (image) => image.ensureAlpha());
    expect(hashDistance(rgb, grey)).toBeLessThanOrEqual(2);
    expect(rgba).toBe(rgb);
  });

  it('round-trips through its 8 stored bytes and counts differing bits', () => {
    const h = 0x8000_0000_0000_0001n;
    expect(hashFromBytes(hashToBytes(h))).toBe(h);
    expect(hashDistance(h, 0n)).toBe(2);
    expect(hashDistance(h, h)).toBe(0);
    expect(hashDistance(0n, 0xffff_ffff_ffff_ffffn)).toBe(64);
  });

  it.each([
    ['a buffer of the wrong length', { data: new Uint8Array(10), width: 4, height: 4, channels: 3 }],
    ['no pixels', { data: new Uint8Array(0), width: 0, height: 4, channels: 3 }],
    ['two channels', { data: new Uint8Array(32), width: 4, height: 4, channels: 2 }],
  ])('refuses %s', (_label, image) => {
    expect(() => perceptualHash(image)).toThrow(InputError);
  });
});
