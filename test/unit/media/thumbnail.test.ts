import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, MediaError } from '../../../src-main/core/errors.ts';
import { makeThumbnail } from '../../../src-main/core/media/thumbnail.ts';
import { isWithin } from '../../../src-main/core/paths.ts';
import { sceneDifference } from '../../fixtures/scenes.ts';
import { type Corpus, makeCorpus, removeDir, tempDir } from './helpers.ts';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('makeThumbnail', () => {
  let corpus: Corpus;
  let cache: string;
  beforeAll(async () => {
    corpus = await makeCorpus();
    cache = await tempDir('thumbs');
  });
  afterAll(async () => {
    await removeDir(corpus.base);
    await removeDir(cache);
  });

  it('writes an upright JPEG with the longest side at the requested size, inside the cache folder', async () => {
    const entry = corpus.byPath('Trips/2021/rotated.jpg');
    const thumb = await makeThumbnail(corpus.abs(entry), cache, 'abc123rotated', 256);
    expect(isWithin(cache, thumb)).toBe(true);
    expect(isWithin(corpus.root, thumb)).toBe(false);
    const meta = await sharp(thumb).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 192]);
    const raw = await sharp(thumb).raw().toBuffer({ resolveWithObject: true });
    expect(sceneDifference({ data: raw.data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels }, entry.scene!)).toBeLessThan(15);
  });

  it('never enlarges a photo smaller than the requested size', async () => {
    const thumb = await makeThumbnail(corpus.abs('formats/yellow-plain.jpe'), cache, 'small-one', 1024);
    const meta = await sharp(thumb).metadata();
    expect([meta.width, meta.height]).toEqual([320, 240]);
  });

  it('reuses the cached thumbnail without reading the photo again', async () => {
    const elsewhere = await tempDir('thumb-source');
    try {
      const copy = path.join(elsewhere, 'photo.jpg');
      await fs.copyFile(corpus.abs('Family/red-plain.jpg'), copy);
      const first = await makeThumbnail(copy, cache, 'reused', 128);
      const written = (await fs.stat(first)).mtimeMs;
      await fs.rm(copy);
      const second = await makeThumbnail(copy, cache, 'reused', 128);
      expect(second).toBe(first);
      expect((await fs.stat(second)).mtimeMs).toBe(written);
    } finally {
      await removeDir(elsewhere);
    }
  });

  it('leaves no temp files behind and writes nothing for a broken photo', async () => {
    const before = await filesUnder(cache);
    const error = await makeThumbnail(corpus.abs('truncated.jpg'), cache, 'broken', 128).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toContain('corrupt or truncated image');
    const after = await filesUnder(cache);
    expect(after.sort()).toEqual(before.sort());
    expect(after.every((file) => file.endsWith('.jpg') && !path.basename(file).startsWith('.'))).toBe(true);
  });

  it.each([
    ['a key that climbs out of the cache', '../escape', 128],
    ['a key with a path separator', 'a/b', 128],
    ['an empty key', '', 128],
    ['a size of zero', 'fine', 0],
    ['a fractional size', 'fine', 100.5],
    ['a huge size', 'fine', 100_000],
  ])('refuses %s', async (_label, key, size) => {
    await expect(makeThumbnail(corpus.abs('Family/red-plain.jpg'), cache, key, size)).rejects.toBeInstanceOf(InputError);
  });
});
