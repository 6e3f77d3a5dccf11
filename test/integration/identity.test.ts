/**
 * Different content never shares an identity: files whose first and last blocks
 * are equal (scans with the same margins) are told apart, an edit in the middle
 * of a file is noticed, and re-indexing an unchanged library still reads no photo.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { BACKGROUND, type Colour } from '../fixtures/scenes.ts';
import { createScratch, libraryPaths, writePhoto, type Scratch } from '../helpers/scratch-library.ts';

let scratch: Scratch;

beforeAll(async () => {
  scratch = await createScratch('identity');
});
afterAll(() => scratch?.cleanup());
afterEach(() => vi.restoreAllMocks());

const SIDE = 1200;
const BAND = 300;

/** An uncompressed RGB TIFF: white bands of BAND rows at the top and bottom, `middle` between them. */
async function bandedTiff(file: string, middle: Colour): Promise<void> {
  const pixels = Buffer.alloc(SIDE * SIDE * 3, 255);
  const [r, g, b] = BACKGROUND[middle];
  for (let y = BAND; y < SIDE - BAND; y++) {
    for (let x = 0; x < SIDE; x++) pixels.set([r, g, b], (y * SIDE + x) * 3);
  }
  await sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } })
    .tiff({ compression: 'none' })
    .toFile(file);
}

async function topHit(service: PhotoSearchService, text: string): Promise<string> {
  const { hits } = await service.search({ terms: [{ kind: 'text', text, weight: 1 }], k: 1 });
  return path.basename(hits[0].path);
}

describe('files that share their first and last blocks', () => {
  let photos: string;
  let service: PhotoSearchService;

  beforeAll(async () => {
    photos = scratch.dir('bands', 'photos');
    service = scratch.open(path.join(scratch.root, 'bands', 'library'));
  });
  afterAll(() => service?.close());

  it('are embedded each for their own content, never reused for one another', async () => {
    await bandedTiff(path.join(photos, 'red scan.tif'), 'red');
    expect(await service.index({ paths: [photos] })).toMatchObject({ embedded: 1 });
    await bandedTiff(path.join(photos, 'blue scan.tif'), 'blue');
    expect(fs.statSync(path.join(photos, 'red scan.tif')).size).toBe(fs.statSync(path.join(photos, 'blue scan.tif')).size);
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 1, reused: 0 });
    expect(await topHit(service, 'red')).toBe('red scan.tif');
    expect(await topHit(service, 'blue')).toBe('blue scan.tif');
  });

  it('a new file is not taken for a deleted one that shared those blocks (no false move)', async () => {
    fs.rmSync(path.join(photos, 'red scan.tif'));
    await bandedTiff(path.join(photos, 'yellow scan.tif'), 'yellow');
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 1, reused: 0, removed: 1 });
    expect(await topHit(service, 'yellow')).toBe('yellow scan.tif');
  });

  it('an edit of the middle of a file is noticed, also when its modification time is put back', async () => {
    const file = path.join(photos, 'blue scan.tif');
    const { mtime, atime } = fs.statSync(file);
    await bandedTiff(file, 'green');
    fs.utimesSync(file, atime, mtime);
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 1, reused: 0 });
    expect(await topHit(service, 'green')).toBe('blue scan.tif');
  });

  it('a true copy still keeps the embedding it was made from', async () => {
    fs.copyFileSync(path.join(photos, 'yellow scan.tif'), path.join(photos, 'copy of yellow.tif'));
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 0, reused: 1 });
    expect(await libraryPaths(service)).toContain(path.join(photos, 'copy of yellow.tif'));
  });

  it('a true move still keeps its embedding', async () => {
    fs.mkdirSync(path.join(photos, 'sorted'));
    fs.renameSync(path.join(photos, 'copy of yellow.tif'), path.join(photos, 'sorted', 'yellow.tif'));
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 0, reused: 1, removed: 0 });
  });
});

describe('re-indexing an unchanged library', () => {
  it('opens no photo', async () => {
    const photos = scratch.dir('unchanged', 'photos');
    for (const colour of ['red', 'green', 'blue'] as const) await writePhoto(path.join(photos, `${colour}.jpg`), colour);
    const service = scratch.open(path.join(scratch.root, 'unchanged', 'library'));
    try {
      await service.index({ paths: [photos] });
      const opened: string[] = [];
      const record = (file: unknown) => {
        const name = Buffer.isBuffer(file) ? file.toString() : String(file);
        if (name.startsWith(photos)) opened.push(name);
      };
      const open = fsp.open.bind(fsp);
      const readFile = fsp.readFile.bind(fsp);
      vi.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => (record(file), open(file, ...rest)));
      vi.spyOn(fsp, 'readFile').mockImplementation(async (file, ...rest) => (record(file), readFile(file, ...rest)) as never);
      const run = await service.index({});
      expect(run).toMatchObject({ embedded: 0, unchanged: 3 });
      expect(opened).toEqual([]);
    } finally {
      await service.close();
    }
  });
});
