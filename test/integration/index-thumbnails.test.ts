/**
 * Indexing makes each photo's grid thumbnail and perceptual hash from the decode that
 * feeds the model: every indexed photo has both, each photo is decoded once, and the
 * interface's thumbnail then comes from the cache without reading the photo again.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as DecodeModule from '../../src-main/core/media/decode.ts';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { hashPhotoFile } from '../../src-main/core/learn/hash-backfill.ts';
import { hashDistance, PERCEPTUAL_HASH_VERSION } from '../../src-main/core/media/perceptual-hash.ts';
import { GRID_THUMBNAIL_SIZE, thumbnailKey, thumbnailPath } from '../../src-main/core/media/thumbnail.ts';
import { DEFAULT_THUMBNAIL_SIZE } from '../../src-main/server/media-routes.ts';
import { PerceptualHashTable } from '../../src-main/core/store/perceptual-hashes.ts';
import { writeDuplicateSet } from '../fixtures/duplicate-set.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';

const opened = vi.hoisted(() => ({ files: [] as string[] }));

vi.mock('../../src-main/core/media/decode.ts', async (importOriginal) => {
  const original = await importOriginal<typeof DecodeModule>();
  return {
    ...original,
    openImage: (file: string, ...rest: Parameters<typeof original.openImage> extends [string, ...infer R] ? R : never) => {
      opened.files.push(file);
      return original.openImage(file, ...rest);
    },
  };
});

let fx: LibraryFixture;
let service: PhotoSearchService;
/** The photos opened until the embeddings were written: the steps after them (words in photos) read photos on their own. */
let decodedWhileEmbedding: string[] | null = null;
let photos: Array<{ id: number; path: string; hash: string; width: number; height: number }>;
let textured: Set<string>;

beforeAll(async () => {
  fx = await createLibraryFixture('index-thumbnails');
  const duplicates = path.join(fx.root, 'duplicates');
  textured = new Set((await writeDuplicateSet(duplicates)).map((p) => p.file));
  service = fx.open();
  const off = service.events.on('index-progress', (p) => {
    if (p.phase !== 'embedding' && p.phase !== 'scanning' && p.phase !== 'waiting') decodedWhileEmbedding ??= [...opened.files];
  });
  await service.index({ paths: [fx.photosDir, duplicates] });
  off();
  decodedWhileEmbedding ??= [...opened.files];
  photos = service.store.db.prepare('SELECT id, path, hash, width, height FROM photos ORDER BY id').all() as typeof photos;
});

afterAll(async () => {
  await service?.close();
  fx?.cleanup();
});

describe('indexing writes thumbnails and perceptual hashes from the decode it embeds', () => {
  it('the indexer makes the size the interface asks for by default', () => {
    expect(GRID_THUMBNAIL_SIZE).toBe(DEFAULT_THUMBNAIL_SIZE);
  });

  it('every indexed photo has its grid thumbnail in the cache, upright and no larger than asked', async () => {
    expect(photos.length).toBeGreaterThan(10);
    for (const photo of photos) {
      const file = thumbnailPath(service.paths.thumbnails, thumbnailKey(photo.hash, GRID_THUMBNAIL_SIZE), GRID_THUMBNAIL_SIZE);
      expect(fs.existsSync(file), photo.path).toBe(true);
      const { width, height } = await sharp(file).metadata();
      expect(Math.max(width, height)).toBeLessThanOrEqual(GRID_THUMBNAIL_SIZE);
      // Same orientation as the photo as displayed (its stored width and height are after EXIF rotation).
      expect(Math.sign(width - height)).toBe(Math.sign(photo.width - photo.height));
    }
  });

  it('decodes each photo once to embed it, make its thumbnail and hash it', () => {
    const indexed = new Set(photos.map((p) => p.path));
    const decodesOfIndexed = decodedWhileEmbedding!.filter((f) => indexed.has(f));
    expect(decodesOfIndexed.length).toBe(indexed.size);
    expect(new Set(decodesOfIndexed).size).toBe(indexed.size);
  });

  it('every indexed photo has its perceptual hash, within a few bits of the one a separate decode gives', async () => {
    const table = new PerceptualHashTable(service.store.db);
    for (const photo of photos) expect(table.get(photo.id, PERCEPTUAL_HASH_VERSION), photo.path).toBeDefined();
    // Photo-like content (the duplicate set's soft blobs): the flat test scenes have DCT coefficients at their median, whose bits flip at any change of size.
    const photoLike = photos.filter((p) => textured.has(p.path));
    expect(photoLike.length).toBeGreaterThan(20);
    for (const photo of photoLike) {
      expect(hashDistance(table.get(photo.id, PERCEPTUAL_HASH_VERSION)!, await hashPhotoFile(photo.path)), photo.path).toBeLessThanOrEqual(4);
    }
  });

  it('serves the thumbnail from the cache without reading the photo', async () => {
    const photo = photos[0];
    const moved = `${photo.path}.away`;
    fs.renameSync(photo.path, moved);
    try {
      const file = await service.thumbnailFile(photo.id, GRID_THUMBNAIL_SIZE);
      expect(path.dirname(path.dirname(path.dirname(file)))).toBe(path.resolve(service.paths.thumbnails));
    } finally {
      fs.renameSync(moved, photo.path);
    }
  });
});
