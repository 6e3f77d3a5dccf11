import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { InputError, LibraryError } from '../../src-main/core/errors.ts';
import { photosLeftBy } from '../fixtures/filter-photos.ts';
import { labelFilterSql } from '../../src-main/core/learn/labels/label-filter.ts';
import { LabelService } from '../../src-main/core/learn/labels/label-service.ts';
import { BUILTIN_LABELS } from '../../src-main/core/learn/labels/vocabulary.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { writeRelevanceLibrary, type RelevancePhoto } from '../fixtures/relevance-library.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

let root: string;
let photosDir: string;
let service: PhotoSearchService;
let model: ClipModel;
let labels: LabelService;
let photos: RelevancePhoto[];
const idOf = new Map<string, number>();

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-labels-'));
  await writeTinyModel(path.join(root, 'model'));
  photosDir = path.join(root, 'photos');
  photos = await writeRelevanceLibrary(photosDir);
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir: path.join(root, 'model'), intraOpThreads: 1 });
  await service.index({ paths: [photosDir] });
  model = (await service.activeModel()).model;
  for (const p of photos) idOf.set(p.file, service.store.photos.byPath(p.file)!.id);
  labels = new LabelService(service.store);
});

afterAll(async () => {
  await service.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Ids of the photos `label:<names>` leaves. */
function filtered(...names: string[]): number[] {
  return photosLeftBy(service.store.db, labelFilterSql(service.store.db, model.id, names)!);
}

function ids(truth: (p: RelevancePhoto) => boolean): number[] {
  return photos.filter(truth).map((p) => idOf.get(p.file)!);
}

function f1(found: readonly number[], truth: readonly number[]): number {
  const t = new Set(truth);
  return (2 * found.filter((id) => t.has(id)).length) / (found.length + truth.length);
}

const redCircle = (p: RelevancePhoto) => p.colour === 'red' && p.pattern === 'circle';

describe('labels on a library whose content is known', () => {
  it('is prepared by indexing: the built-in vocabulary embedded once, and none of it given where it does not stand out', async () => {
    expect(service.store.db.prepare('SELECT count(*) FROM label_texts').pluck().get()).toBeGreaterThanOrEqual(BUILTIN_LABELS.length);
    // The tiny model reads every built-in label as the same shared direction: nothing stands out for any of them.
    expect(service.store.db.prepare('SELECT count(*) FROM photo_labels').pluck().get()).toBe(0);
    expect(await labels.update(model)).toEqual({ labels: BUILTIN_LABELS.length, embedded: 0, calibrated: 0, photosLabelled: 0 });
  });

  it('gives a label the user adds to the photos it fits, with a strength, and filters by it', async () => {
    const added = await labels.addLabel('Red  Circle', model);
    expect(added).toMatchObject({ name: 'Red Circle', key: 'red circle', origin: 'user', group: 'user' });
    expect(f1(filtered('red circle'), ids(redCircle))).toBeGreaterThanOrEqual(0.9);
    expect(added.photos).toBe(filtered('RED circle').length);
    const onRed = labels.photoLabels(model.id, ids(redCircle)[0]);
    expect(onRed[0]).toMatchObject({ name: 'Red Circle', source: 'vocabulary', refines: null });
    expect(onRed[0].strength).toBeGreaterThan(0.39);
    expect(onRed[0].strength).toBeLessThanOrEqual(1);
    expect(labels.photoLabels(model.id, ids((p) => p.colour === 'blue' && p.pattern === 'stripes')[0])).toEqual([]);
  });

  it('lists a label added later as a refinement of the broader label its photos carry', async () => {
    await labels.addLabel('red', model);
    await labels.addLabel('red stripes', model);
    const redStripes = ids((p) => p.colour === 'red' && p.pattern === 'stripes');
    expect(
      f1(
        filtered('red'),
        ids((p) => p.colour === 'red'),
      ),
    ).toBeGreaterThanOrEqual(0.9);
    expect(f1(filtered('red stripes'), redStripes)).toBeGreaterThanOrEqual(0.9);
    const shown = labels.photoLabels(model.id, redStripes[0]);
    expect(shown.map((l) => [l.key, l.refines])).toEqual([
      ['red', null],
      ['red stripes', 'red'],
    ]);
    expect(shown[0].strength).toBeGreaterThanOrEqual(shown[1].strength);
    expect(filtered('red', 'red stripes').sort()).toEqual([...redStripes].sort());
  });

  it('lets the user correct a photo, and the correction wins even after the label is made again', async () => {
    const [wrong] = ids(redCircle);
    const [missing] = ids((p) => p.colour === 'blue' && p.pattern === 'plain');
    labels.correct(wrong, 'red circle', false);
    labels.correct(missing, 'Red circle', true);
    labels.correct(missing, 'my favourite', true);
    const check = () => {
      expect(filtered('red circle')).not.toContain(wrong);
      expect(filtered('red circle')).toContain(missing);
      expect(labels.photoLabels(model.id, wrong).map((l) => l.key)).not.toContain('red circle');
      expect(labels.photoLabels(model.id, missing)).toEqual(
        expect.arrayContaining([
          { name: 'Red circle', key: 'red circle', strength: 1, source: 'user', refines: null },
          { name: 'my favourite', key: 'my favourite', strength: 1, source: 'user', refines: null },
        ]),
      );
      expect(filtered('my favourite')).toEqual([missing]);
    };
    check();
    labels.removeLabel('red circle');
    await labels.addLabel('red circle', model);
    check();
    labels.correct(wrong, 'red circle', null);
    expect(filtered('red circle')).toContain(wrong);
  });

  it('removes a label from every photo, and brings a built-in label back when it is added again', async () => {
    labels.removeLabel('red stripes');
    expect(filtered('red stripes')).toEqual([]);
    expect(labels.vocabulary(model.id).some((l) => l.key === 'red stripes')).toBe(false);
    labels.removeLabel('Beach');
    expect(labels.removedLabels()).toEqual(['beach']);
    expect(labels.vocabulary(model.id).some((l) => l.key === 'beach')).toBe(false);
    expect(await labels.addLabel('beach', model)).toMatchObject({ origin: 'builtin', group: 'scene' });
    expect(labels.removedLabels()).toEqual([]);
  });

  it('labels the photos indexed later, without labelling the others again', async () => {
    const later = path.join(photosDir, 'later');
    await writeJpegScene(path.join(later, 'new-red-circle.jpg'), { colour: 'red', pattern: 'circle', width: 90, height: 70 });
    await writeJpegScene(path.join(later, 'new-green.jpg'), { colour: 'green', pattern: 'plain', width: 90, height: 70 });
    await service.index({});
    // The index run labelled the new photos; nothing is left to do.
    expect(await labels.update(model)).toMatchObject({ embedded: 0, calibrated: 0, photosLabelled: 0 });
    const fresh = service.store.photos.byPath(path.join(later, 'new-red-circle.jpg'))!.id;
    expect(labels.photoLabels(model.id, fresh).map((l) => l.key)).toEqual(expect.arrayContaining(['red', 'red circle']));
    expect(labels.photoLabels(model.id, service.store.photos.byPath(path.join(later, 'new-green.jpg'))!.id)).toEqual([]);
  });

  it.each([
    ['an empty name', () => labels.addLabel('  ', model), InputError],
    ['a label already there', () => labels.addLabel('RED', model), InputError],
    ['an unknown label', async () => labels.removeLabel('no such label'), LibraryError],
    ['a photo not in the library', async () => labels.correct(999_999, 'red', true), LibraryError],
  ])('refuses %s', async (_what, run, type) => {
    await expect(run()).rejects.toBeInstanceOf(type);
  });
});
