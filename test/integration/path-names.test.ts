/**
 * A photo or folder is the same whatever its name holds (characters outside the
 * Basic Multilingual Plane, bytes that are not UTF-8, a path longer than the
 * system allows) and however a path reaches it (a symbolic link to the library,
 * to a subfolder, or the real path).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { createScratch, libraryPaths, writePhoto, type Scratch } from '../helpers/scratch-library.ts';

let scratch: Scratch;

beforeAll(async () => {
  scratch = await createScratch('path-names');
});
afterAll(() => scratch?.cleanup());

const red = (k = 50) => ({ terms: [{ kind: 'text' as const, text: 'red', weight: 1 }], k });

describe('names with characters outside the Basic Multilingual Plane', () => {
  let photos: string;
  let library: string;
  let service: PhotoSearchService;
  const folders = ['🎉 party', '𝄞 music', '👨‍👩‍👧 family', '𠜎 rare CJK', 'plain'];

  beforeAll(async () => {
    photos = scratch.dir('astral', '🎆 photos');
    library = path.join(scratch.root, 'astral', 'library');
    for (const folder of folders) {
      fs.mkdirSync(path.join(photos, folder));
      await writePhoto(path.join(photos, folder, 'red.png'), 'red');
    }
    // A sibling whose name starts with a whole folder name must not match that folder.
    fs.mkdirSync(path.join(photos, '🎉 party2'));
    await writePhoto(path.join(photos, '🎉 party2', 'red 😀.jpg'), 'red');
    service = scratch.open(library);
    const run = await service.index({ paths: [photos] });
    expect(run.embedded).toBe(folders.length + 1);
  });
  afterAll(() => service?.close());

  it.each(folders)('--folder "%s" finds exactly its photo', async (folder) => {
    const { hits } = await service.search({ ...red(), filters: { folders: [path.join(photos, folder)] } });
    expect(hits.map((h) => h.path)).toEqual([path.join(photos, folder, 'red.png')]);
  });

  it('finds a photo whose own name has an emoji, by its folder', async () => {
    const { hits } = await service.search({ ...red(), filters: { folders: [path.join(photos, '🎉 party2')] } });
    expect(hits.map((h) => h.path)).toEqual([path.join(photos, '🎉 party2', 'red 😀.jpg')]);
  });

  it('the command line filters the same way', async () => {
    const { code, out } = await scratch.cli(library, 'search', 'red', '--folder', path.join(photos, '🎉 party'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out).hits.map((h: { path: string }) => h.path)).toEqual([path.join(photos, '🎉 party', 'red.png')]);
  });

  it('counts and forgets a folder with such a name', async () => {
    const status = await service.status();
    expect(status.folders).toEqual([expect.objectContaining({ path: photos, photos: folders.length + 1 })]);
    expect(await service.forgetFolder({ path: photos })).toEqual({ removedPhotos: folders.length + 1 });
    expect((await service.status()).photos).toBe(0);
  });
});

describe('a library reached through symbolic links', () => {
  let disk: string;
  let link: string;
  let library: string;
  let service: PhotoSearchService;

  beforeAll(async () => {
    disk = scratch.dir('links', 'disk', 'Pictures');
    const elsewhere = scratch.dir('links', 'elsewhere');
    await writePhoto(path.join(disk, 'Family', 'red.png'), 'red');
    await writePhoto(path.join(disk, 'Family', 'blue.png'), 'blue');
    await writePhoto(path.join(disk, 'Trips', 'red trip.jpg'), 'red');
    await writePhoto(path.join(elsewhere, 'red elsewhere.png'), 'red');
    fs.symlinkSync(elsewhere, path.join(disk, 'Linked'), 'dir');
    link = path.join(scratch.dir('links', 'home'), 'Pictures');
    fs.symlinkSync(disk, link, 'dir');
    library = path.join(scratch.root, 'links', 'library');
    service = scratch.open(library);
    const run = await service.index({ paths: [link] });
    expect(run.embedded).toBe(4);
  });
  afterAll(() => service?.close());

  it.each([
    ['the link', () => path.join(link, 'Family')],
    ['the real path', () => path.join(disk, 'Family')],
  ])('--folder through %s finds the photos of that folder', async (_label, folder) => {
    const { hits } = await service.search({ ...red(), filters: { folders: [folder()] } });
    expect(hits.map((h) => path.basename(h.path)).sort()).toEqual(['blue.png', 'red.png']);
  });

  it.each([
    ['the link to the library', () => path.join(link, 'Linked')],
    ['the link inside the library', () => path.join(disk, 'Linked')],
    ['the real folder it points to', () => path.join(scratch.root, 'links', 'elsewhere')],
  ])('--folder through %s finds the photo of a linked subfolder', async (_label, folder) => {
    const { hits } = await service.search({ ...red(), filters: { folders: [folder()] } });
    expect(hits.map((h) => path.basename(h.path))).toEqual(['red elsewhere.png']);
  });

  it('similar through the link uses the stored photo and does not list it', async () => {
    const { code, out } = await scratch.cli(library, 'similar', path.join(link, 'Family', 'red.png'), '--json');
    expect(code).toBe(0);
    const hits = JSON.parse(out).hits as Array<{ path: string; score: number }>;
    expect(hits.map((h) => path.basename(h.path))).not.toContain('red.png');
    expect(
      hits
        .slice(0, 2)
        .map((h) => path.basename(h.path))
        .sort(),
    ).toEqual(['red elsewhere.png', 'red trip.jpg']);
  });

  it('an --image through the link is the indexed photo, not a new one', async () => {
    const { hits } = await service.search({ terms: [{ kind: 'file', path: path.join(link, 'Linked', 'red elsewhere.png'), weight: 1 }], k: 10 });
    expect(hits.map((h) => path.basename(h.path))).not.toContain('red elsewhere.png');
  });

  it('indexing the real path again adds no second folder', async () => {
    const run = await service.index({ paths: [disk] });
    expect(run).toMatchObject({ embedded: 0, removed: 0 });
    expect((await service.status()).folders).toHaveLength(1);
  });

  it('forgets the folder given by its link', async () => {
    const { code, out } = await scratch.cli(library, 'forget', link);
    expect(code, out).toBe(0);
    const status = await service.status();
    expect(status.folders).toEqual([]);
    expect(status.photos).toBe(0);
  });
});

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('file and folder names that are not valid UTF-8', () => {
  let photos: string;
  let library: string;
  let service: PhotoSearchService;

  beforeAll(async () => {
    photos = scratch.dir('latin1', 'photos');
    library = path.join(scratch.root, 'latin1', 'library');
    await writePhoto(path.join(photos, 'ok.jpg'), 'blue');
    await writePhoto(Buffer.concat([Buffer.from(`${photos}/`), latin1('Et\xe9.jpg')]), 'yellow');
    fs.mkdirSync(Buffer.concat([Buffer.from(`${photos}/`), latin1('Caf\xe9')]));
    await writePhoto(Buffer.concat([Buffer.from(`${photos}/`), latin1('Caf\xe9/r\xf6d.png')]), 'red');
    fs.writeFileSync(Buffer.concat([Buffer.from(`${photos}/`), latin1('notes \xff.jpg')]), 'not a photo');
    service = scratch.open(library);
  });
  afterAll(() => service?.close());

  it('indexes them, and lists the one that is not a photo with its reason', async () => {
    const run = await service.index({ paths: [photos] });
    expect(run).toMatchObject({ embedded: 3, failed: 1 });
    const status = await service.status();
    expect(status.photos).toBe(3);
    expect(status.failures).toHaveLength(1);
    expect(status.failures[0].displayPath).toBe(path.join(photos, 'notes ÿ.jpg'));
    expect(status.failures[0].reason).toMatch(/not an image/);
  });

  it('shows their names readably and finds them by content', async () => {
    const { hits } = await service.search({ ...red(1) });
    expect(hits[0].displayPath).toBe(path.join(photos, 'Café', 'röd.png'));
    const yellow = await service.search({ terms: [{ kind: 'text', text: 'yellow', weight: 1 }], k: 1 });
    expect(yellow.hits[0].displayPath).toBe(path.join(photos, 'Eté.jpg'));
    const thumb = await service.thumbnailFile(hits[0].id, 128);
    expect(fs.statSync(thumb).size).toBeGreaterThan(0);
  });

  it('filters by such a folder and keeps every photo on a second run', async () => {
    const { hits } = await service.search({ ...red(), filters: { folders: [path.dirname((await service.search(red(1))).hits[0].path)] } });
    expect(hits.map((h) => h.displayPath)).toEqual([path.join(photos, 'Café', 'röd.png')]);
    const again = await service.index({});
    expect(again).toMatchObject({ embedded: 0, removed: 0, failed: 0, unchanged: 4 });
    expect(await libraryPaths(service)).toHaveLength(3);
  });

  it('status on the command line shows readable names', async () => {
    const { out } = await scratch.cli(library, 'status');
    expect(out).toContain(path.join(photos, 'notes ÿ.jpg'));
  });
});

describe('a photo below a path longer than the system allows', () => {
  it('is listed in status with a reason, and the rest is indexed', async () => {
    const photos = scratch.dir('long', 'photos');
    await writePhoto(path.join(photos, 'short.jpg'), 'red');
    const sample = path.join(photos, 'short.jpg');
    const segment = 'd'.repeat(200);
    // The shell creates the tree with relative paths, one level at a time: no single call sees the whole path.
    execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 1 25); do mkdir "$2" && cd "$2"; done && cp "$3" deep.jpg`, 'sh', photos, segment, sample]);
    const library = path.join(scratch.root, 'long', 'library');
    const service = scratch.open(library);
    try {
      const run = await service.index({ paths: [photos] });
      expect(run.embedded).toBe(1);
      const status = await service.status();
      expect(status.failures).toHaveLength(1);
      expect(status.failures[0].path.startsWith(path.join(photos, segment))).toBe(true);
      expect(status.failures[0].reason).toMatch(/path too long/);
    } finally {
      await service.close();
      execFileSync('bash', ['-c', `cd "$1" && rm -rf "$2"`, 'sh', photos, segment]);
    }
  });
});
