import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { InputError, LibraryError } from '../../src-main/core/errors.ts';
import { photosLeftBy } from '../fixtures/filter-photos.ts';
import { albumFilterSql } from '../../src-main/core/learn/albums/album-filter.ts';
import { AlbumService } from '../../src-main/core/learn/albums/album-service.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { writeRelevanceLibrary, type RelevancePhoto } from '../fixtures/relevance-library.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

let root: string;
let photosDir: string;
let service: PhotoSearchService;
let model: ClipModel;
let albums: AlbumService;
let photos: RelevancePhoto[];
const idOf = new Map<string, number>();
const report: string[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-albums-'));
  await writeTinyModel(path.join(root, 'model'));
  photosDir = path.join(root, 'photos');
  photos = await writeRelevanceLibrary(photosDir);
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir: path.join(root, 'model'), intraOpThreads: 1 });
  await service.index({ paths: [photosDir] });
  model = (await service.activeModel()).model;
  for (const p of photos) idOf.set(p.file, service.store.photos.byPath(p.file)!.id);
  albums = new AlbumService(service.store);
});

afterAll(async () => {
  process.stdout.write(`\nAlbums made from a name (${photos.length} photos):\n${report.join('\n')}\n`);
  await service.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function ids(truth: (p: RelevancePhoto) => boolean): number[] {
  return photos.filter(truth).map((p) => idOf.get(p.file)!);
}

function f1(found: readonly number[], truth: readonly number[]): number {
  if (found.length === 0 && truth.length === 0) return 1;
  const t = new Set(truth);
  return (2 * found.filter((id) => t.has(id)).length) / (found.length + truth.length);
}

function members(album: string): number[] {
  return albums.show(album, model.id).photos.map((p) => p.id);
}

describe('smart albums from a name', () => {
  it.each([
    ['Red circles', (p: RelevancePhoto) => p.colour === 'red' && p.pattern === 'circle'],
    ['Stripes', (p: RelevancePhoto) => p.pattern === 'stripes'],
    ['Green', (p: RelevancePhoto) => p.colour === 'green'],
    ['Blue stripes', (p: RelevancePhoto) => p.colour === 'blue' && p.pattern === 'stripes'],
  ])('"%s" fills itself with its true photos (F1 >= 0.9)', async (name, truth) => {
    const album = await albums.create({ name }, model);
    const score = f1(members(name), ids(truth));
    report.push(`  ${name.padEnd(14)} true ${String(ids(truth).length).padStart(3)}  members ${String(album.photos).padStart(3)}  F1 ${score.toFixed(3)}`);
    expect(score).toBeGreaterThanOrEqual(0.9);
    expect(album.cover).toBe(members(name)[0]);
    expect(albums.show(name, model.id).photos.every((p) => p.origin === 'auto' && p.strength > 0 && p.strength <= 1)).toBe(true);
  });

  it('stays empty for a name the model does not understand', async () => {
    expect((await albums.create({ name: 'Hiking' }, model)).photos).toBe(0);
  });

  it('fills from example photos and a description when the name says nothing', async () => {
    const redCircles = ids((p) => p.colour === 'red' && p.pattern === 'circle');
    await albums.create({ name: 'Mia', examples: redCircles.slice(0, 3) }, model);
    expect(f1(members('Mia'), redCircles)).toBeGreaterThanOrEqual(0.9);
    expect(
      albums
        .show('mia', model.id)
        .photos.slice(0, 3)
        .map((p) => p.origin),
    ).toEqual(['added', 'added', 'added']);
    await albums.create({ name: 'Weekend', description: 'blue stripes' }, model);
    expect(
      f1(
        members('Weekend'),
        ids((p) => p.colour === 'blue' && p.pattern === 'stripes'),
      ),
    ).toBeGreaterThanOrEqual(0.9);
  });

  it('picks up a matching photo added later, after index', async () => {
    const later = path.join(photosDir, 'later');
    await writeJpegScene(path.join(later, 'red-circle.jpg'), { colour: 'red', pattern: 'circle', width: 100, height: 80 });
    await writeJpegScene(path.join(later, 'yellow.jpg'), { colour: 'yellow', pattern: 'plain', width: 100, height: 80 });
    await service.index({});
    const fresh = service.store.photos.byPath(path.join(later, 'red-circle.jpg'))!.id;
    const yellow = service.store.photos.byPath(path.join(later, 'yellow.jpg'))!.id;
    expect(members('Red circles')).toContain(fresh);
    expect(members('Red circles')).not.toContain(yellow);
    expect(members('Blue stripes')).not.toContain(fresh);
    expect(await albums.update(model)).toMatchObject({ refilled: 0, photosChecked: 0, photosAdded: 0 });
  });

  it("keeps the user's additions and removals when it fills itself again", async () => {
    const [out] = ids((p) => p.colour === 'red' && p.pattern === 'circle');
    const [extra] = ids((p) => p.colour === 'blue' && p.pattern === 'plain');
    const before = albums.show('Red circles', model.id).total;
    albums.remove('Red circles', [out], model.id);
    const summary = albums.add('red circles', [extra], model.id);
    expect(summary.photos).toBe(before);
    const check = () => {
      const shown = albums.show('Red circles', model.id);
      expect(shown.photos[0]).toEqual({ id: extra, strength: 1, origin: 'added' });
      expect(shown.photos.map((p) => p.id)).not.toContain(out);
    };
    check();
    await albums.refresh('Red circles', model);
    check();
    await albums.update(model);
    check();
  });

  it('is a filter that holds exactly what the album shows', () => {
    const inAlbum = (...names: string[]) => {
      return photosLeftBy(service.store.db, albumFilterSql(service.store.db, model.id, names)!);
    };
    expect(inAlbum('red CIRCLES')).toEqual([...members('Red circles')].sort((a, b) => a - b));
    const both = inAlbum('Stripes', 'Blue stripes');
    expect(both).toEqual([...members('Blue stripes')].sort((a, b) => a - b));
    expect(inAlbum('no such album')).toEqual([]);
    expect(albumFilterSql(service.store.db, model.id, [' '])).toBeNull();
  });

  it('keeps to its filters', async () => {
    const later = path.join(photosDir, 'later');
    await albums.create({ name: 'New red circles', filters: { folders: [later] } }, model);
    expect(members('New red circles')).toEqual([service.store.photos.byPath(path.join(later, 'red-circle.jpg'))!.id]);
  });

  it('lists, pages, and deletes albums without touching a photo', async () => {
    expect(albums.list(model.id).map((a) => a.name)).toEqual([
      'Blue stripes',
      'Green',
      'Hiking',
      'Mia',
      'New red circles',
      'Red circles',
      'Stripes',
      'Weekend',
    ]);
    const page = albums.show('Stripes', model.id, { offset: 10, k: 5 });
    expect(page.photos).toHaveLength(5);
    expect(page.photos[0].id).toBe(members('Stripes')[10]);
    const photoCount = service.store.photos.count();
    albums.delete('Weekend');
    expect(albums.list(null).map((a) => a.name)).not.toContain('Weekend');
    expect(service.store.photos.count()).toBe(photoCount);
    expect(() => albums.show('Weekend', model.id)).toThrow(LibraryError);
    await expect(albums.create({ name: 'stripes' }, model)).rejects.toBeInstanceOf(InputError);
    await expect(albums.create({ name: ' ' }, model)).rejects.toBeInstanceOf(InputError);
  });
});
