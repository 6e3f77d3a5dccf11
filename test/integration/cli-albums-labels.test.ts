import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlbumPage, AlbumSummary, PhotoLabel, SearchResult } from '../../src-main/core/api/contract.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

let fx: LibraryFixture;

function cli(...argv: string[]): Promise<CliRun> {
  return runCli([...argv, '--library', fx.libraryDir]);
}

async function json<T>(...argv: string[]): Promise<T> {
  const { code, out, err } = await cli(...argv, '--json');
  expect(code, err).toBe(0);
  return JSON.parse(out) as T;
}

const redPhotos = () => fx.manifest.entries.filter((e) => e.kind === 'photo' && e.colour === 'red').map((e) => path.join(fx.photosDir, e.relPath));

beforeAll(async () => {
  fx = await createLibraryFixture('cli-albums');
  const { code } = await cli('index', fx.photosDir, '--model', fx.modelDir);
  expect(code).toBe(0);
});
afterAll(() => fx?.cleanup());

describe('smart albums on the command line', () => {
  it('makes an album from a name that fills itself with the photos it names', async () => {
    const album = await json<AlbumSummary>('albums', 'create', 'Red');
    expect(album.photos).toBe(redPhotos().length);
    const page = await json<AlbumPage>('albums', 'show', 'Red');
    expect(page.photos.map((p) => p.path).sort()).toEqual(redPhotos().sort());
    const listed = await cli('albums', 'list');
    expect(listed.out).toMatch(/Red {2}\(\d+ photos\)/);
  });

  it('keeps the photos the user adds and leaves out the ones the user removes', async () => {
    const all = await json<SearchResult>('search', 'blue', '-k', '1');
    const blue = all.hits[0];
    const red = (await json<AlbumPage>('albums', 'show', 'Red')).photos[0];
    await json('albums', 'add', 'Red', String(blue.id));
    const removed = await json<AlbumSummary>('albums', 'remove', 'Red', String(red.id));
    expect(removed.photos).toBe(redPhotos().length);
    const page = await json<AlbumPage>('albums', 'show', 'Red');
    expect(page.photos[0]).toMatchObject({ id: blue.id, origin: 'added' });
    expect(page.photos.some((p) => p.id === red.id)).toBe(false);
  });

  it('filters a search by album', async () => {
    const result = await json<SearchResult>('search', 'album:Red');
    expect(result.total).toBe(redPhotos().length);
  });

  it('explains a mistyped album or photo id, and deletes an album without touching a photo', async () => {
    expect((await cli('albums', 'show', 'Nope')).code).not.toBe(0);
    const bad = await cli('albums', 'add', 'Red', 'IMG_1.jpg');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/"IMG_1.jpg" is not a photo id/);
    const deleted = await cli('albums', 'delete', 'Red');
    expect(deleted.out).toMatch(/Deleted the album Red\. No photo was touched/);
    expect((await json<AlbumSummary[]>('albums', 'list')).map((a) => a.name)).not.toContain('Red');
  });
});

describe('labels on the command line', () => {
  it('adds a label of the user, given to the photos that stand out for it', async () => {
    const added = await json<{ name: string; photos: number }>('labels', 'add', 'red');
    expect(added.photos).toBe(redPhotos().length);
    const filtered = await json<SearchResult>('search', 'label:red');
    expect(filtered.hits.map((h) => h.path).sort()).toEqual(redPhotos().sort());
  });

  it("shows a photo's labels and takes the user's correction over the model's", async () => {
    const photo = (await json<SearchResult>('search', 'label:red', '-k', '1')).hits[0];
    const labels = await json<PhotoLabel[]>('labels', 'show', String(photo.id));
    expect(labels.map((l) => l.name)).toContain('red');
    const corrected = await json<PhotoLabel[]>('labels', 'no', String(photo.id), 'red');
    expect(corrected.map((l) => l.name)).not.toContain('red');
    expect((await json<SearchResult>('search', 'label:red')).total).toBe(redPhotos().length - 1);
    await json('labels', 'reset', String(photo.id), 'red');
    expect((await json<SearchResult>('search', 'label:red')).total).toBe(redPhotos().length);
  });
});
