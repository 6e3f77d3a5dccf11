import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHit, SearchInput } from '../../src-main/core/api/contract.ts';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { snapshotTree } from '../fixtures/photos.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';

let fx: LibraryFixture;
let service: PhotoSearchService;
let before: Map<string, string>;

const entries = () => fx.manifest.entries;
const entryFor = (hit: SearchHit) => entries().find((e) => path.join(fx.photosDir, e.relPath) === hit.path);
const text = (t: string, extra: Partial<SearchInput> = {}): SearchInput => ({ terms: [{ kind: 'text', text: t, weight: 1 }], k: 10, ...extra });

beforeAll(async () => {
  fx = await createLibraryFixture('engine');
  before = await snapshotTree(fx.photosDir);
  service = fx.open();
  await service.index({ paths: [fx.photosDir] });
});

afterAll(async () => {
  await service?.close();
  fx?.cleanup();
});

describe('indexing a folder of mixed photos', () => {
  it('indexes every readable photo once and skips hidden and system files', async () => {
    const status = await service.status();
    const photos = entries().filter((e) => e.kind === 'photo');
    expect(status.photos).toBe(photos.length);
    const all = await service.search({ ...text('photo'), k: 1000 });
    const paths = all.hits.map((h) => path.relative(fx.photosDir, h.path)).sort();
    expect(paths).toEqual(photos.map((p) => p.relPath).sort());
  });

  it('reports each unreadable file with its reason and indexes the rest', async () => {
    const status = await service.status();
    for (const broken of entries().filter((e) => e.kind === 'broken')) {
      const failure = status.failures.find((f) => f.path === path.join(fx.photosDir, broken.relPath));
      expect(failure, broken.relPath).toBeDefined();
      expect(failure!.reason.toLowerCase()).toContain(broken.expectedError!.toLowerCase());
    }
  });

  it('reads the date taken from EXIF', async () => {
    const dated = entries().find((e) => e.kind === 'photo' && e.takenAt !== undefined)!;
    const hit = (await service.search({ ...text('photo'), k: 1000 })).hits.find((h) => h.path === path.join(fx.photosDir, dated.relPath))!;
    expect(hit.takenAt).toBe(dated.takenAt);
  });

  it('leaves the photo folder exactly as it was', async () => {
    expect(await snapshotTree(fx.photosDir)).toEqual(before);
  });
});

describe('text search', () => {
  it.each(['red', 'green', 'blue', 'yellow'] as const)('"%s" ranks the photos of that colour first', async (colour) => {
    const count = entries().filter((e) => e.kind === 'photo' && e.colour === colour).length;
    const { hits } = await service.search(text(colour, { k: count }));
    expect(hits.map((h) => entryFor(h)?.colour)).toEqual(Array(count).fill(colour));
  });

  it('"stripes" ranks striped photos above the others', async () => {
    const { hits } = await service.search(text('stripes', { k: 3 }));
    expect(hits.map((h) => entryFor(h)?.pattern)).toEqual(['stripes', 'stripes', 'stripes']);
  });

  it('"a blue circle" finds a blue circle first', async () => {
    const [first] = (await service.search(text('a blue circle'))).hits;
    expect(entryFor(first)).toMatchObject({ colour: 'blue', pattern: 'circle' });
  });

  it('a negative term pushes its matches down', async () => {
    const rankOfFirstCircle = (hits: SearchHit[]) => hits.findIndex((h) => entryFor(h)?.pattern === 'circle');
    const plain = await service.search(text('red', { k: 50 }));
    const without = await service.search({
      terms: [
        { kind: 'text', text: 'red', weight: 1 },
        { kind: 'text', text: 'circle', weight: -0.5 },
      ],
      k: 50,
    });
    expect(rankOfFirstCircle(without.hits)).toBeGreaterThan(rankOfFirstCircle(plain.hits));
    const redCount = entries().filter((e) => e.kind === 'photo' && e.colour === 'red' && e.pattern !== 'circle').length;
    expect(without.hits.slice(0, redCount).every((h) => entryFor(h)?.colour === 'red' && entryFor(h)?.pattern !== 'circle')).toBe(true);
  });

  it('a minimum score drops weak matches', async () => {
    const all = await service.search(text('red', { k: 100 }));
    const threshold = all.hits[Math.floor(all.hits.length / 2)].score!;
    const strong = await service.search(text('red', { k: 100, minScore: threshold }));
    expect(strong.hits.length).toBeGreaterThan(0);
    expect(strong.hits.length).toBeLessThan(all.hits.length);
    expect(strong.hits.every((h) => h.score! >= threshold)).toBe(true);
  });
});

describe('image and combined queries', () => {
  it('similar ranks the near-duplicate first', async () => {
    const original = path.join(fx.photosDir, 'near-dup', 'original.jpg');
    const [first] = (await service.search({ terms: [{ kind: 'file', path: original, weight: 1 }], k: 5 })).hits;
    expect(first.path).toBe(path.join(fx.photosDir, 'near-dup', 'copy-small.jpg'));
  });

  it('an image plus text finds the photo that has both', async () => {
    const redPlain = entries().find((e) => e.kind === 'photo' && e.colour === 'red' && e.pattern === 'plain')!;
    const { hits } = await service.search({
      terms: [
        { kind: 'file', path: path.join(fx.photosDir, redPlain.relPath), weight: 0.5 },
        { kind: 'text', text: 'stripes', weight: 0.5 },
      ],
      k: 3,
    });
    expect(entryFor(hits[0])).toMatchObject({ colour: 'red', pattern: 'stripes' });
  });

  it('an indexed photo given by id is not its own result', async () => {
    const { hits } = await service.search(text('yellow', { k: 1 }));
    const similar = await service.search({ terms: [{ kind: 'photo', id: hits[0].id, weight: 1 }], k: 50 });
    expect(similar.hits.some((h) => h.id === hits[0].id)).toBe(false);
  });
});

describe('filters', () => {
  it('by file type', async () => {
    const { hits } = await service.search({ ...text('red'), k: 100, filters: { types: ['png'] } });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.path.toLowerCase().endsWith('.png'))).toBe(true);
  });

  it('by folder, without matching a folder that merely shares the prefix', async () => {
    const folder = path.join(fx.photosDir, 'Family');
    const { hits } = await service.search({ ...text('blue'), k: 100, filters: { folders: [folder] } });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.path.startsWith(folder + path.sep))).toBe(true);
    const none = await service.search({ ...text('blue'), k: 100, filters: { folders: [folder.slice(0, -1)] } });
    expect(none.hits).toEqual([]);
  });

  it('by date taken: from EXIF, else from a year in the folder names', async () => {
    const { hits } = await service.search({ ...text('photo'), k: 100, filters: { after: '2021-01-01', before: '2021-12-31' } });
    const fromExif = entries().filter((e) => e.kind === 'photo' && e.takenAt !== undefined && new Date(e.takenAt).getFullYear() === 2021);
    // No EXIF date, and written today: its folder, Trips/2021, dates it.
    const fromFolder = entries().filter((e) => e.kind === 'photo' && e.takenAt === undefined && e.relPath.startsWith('Trips/2021/'));
    expect(fromFolder.map((e) => e.relPath)).toEqual(['Trips/2021/green-circle.jpg']);
    expect(hits.map((h) => path.relative(fx.photosDir, h.path)).sort()).toEqual([...fromExif, ...fromFolder].map((e) => e.relPath).sort());
  });

  it('rejects an impossible date with a message naming it', async () => {
    await expect(service.search({ ...text('red'), filters: { after: '2021-02-30' } })).rejects.toThrow(/2021-02-30/);
  });
});

describe('the vector index is a cache of the library', () => {
  it('is rebuilt with identical results after its file is deleted', async () => {
    const query = text('yellow stripes', { k: 10 });
    const first = await service.search(query);
    const status = await service.status();
    await service.close();
    const indexDir = path.join(fx.libraryDir, 'index');
    for (const f of fs.readdirSync(indexDir)) fs.rmSync(path.join(indexDir, f));
    service = fx.open();
    const again = await service.search(query);
    expect((await service.status()).index.state).toBe('rebuilt');
    expect(again.hits.map((h) => [h.id, h.score!.toFixed(5)])).toEqual(first.hits.map((h) => [h.id, h.score!.toFixed(5)]));
    expect((await service.status()).photos).toBe(status.photos);
  });
});
