import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { InputError, LibraryError } from '../../src-main/core/errors.ts';
import { BLEND_GRID, PersonalHeads, type FitReport } from '../../src-main/core/learn/heads/personal-heads.ts';
import { labelFilterSql } from '../../src-main/core/learn/labels/label-filter.ts';
import { LabelService } from '../../src-main/core/learn/labels/label-service.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { writeRelevanceLibrary, type RelevancePhoto } from '../fixtures/relevance-library.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

let root: string;
let photosDir: string;
let service: PhotoSearchService;
let model: ClipModel;
let heads: PersonalHeads;
let photos: RelevancePhoto[];
const idOf = new Map<string, number>();

/** The user's categories, and what the photos they stand for look like. */
const CATEGORIES = [
  { name: 'Mia', truth: (p: RelevancePhoto) => p.colour === 'red' && p.pattern === 'circle' },
  { name: 'Max', truth: (p: RelevancePhoto) => p.colour === 'blue' && p.pattern === 'stripes' },
  { name: 'our house', truth: (p: RelevancePhoto) => p.colour === 'green' && p.pattern === 'plain' },
];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-personal-'));
  await writeTinyModel(path.join(root, 'model'));
  photosDir = path.join(root, 'photos');
  photos = await writeRelevanceLibrary(photosDir);
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir: path.join(root, 'model'), intraOpThreads: 1 });
  await service.index({ paths: [photosDir] });
  model = (await service.activeModel()).model;
  for (const p of photos) idOf.set(p.file, service.store.photos.byPath(p.file)!.id);
  heads = new PersonalHeads(service.store);
});

afterAll(async () => {
  await service.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function ids(truth: (p: RelevancePhoto) => boolean): number[] {
  return photos.filter(truth).map((p) => idOf.get(p.file)!);
}

function labelled(name: string, modelId = model.id): number[] {
  const filter = labelFilterSql(service.store.db, modelId, [name])!;
  return service.store.db
    .prepare(`SELECT p.id FROM photos p WHERE ${filter.where}`)
    .pluck()
    .all(...filter.params) as number[];
}

function f1(found: readonly number[], truth: readonly number[]): number {
  const t = new Set(truth);
  return (2 * found.filter((id) => t.has(id)).length) / (found.length + truth.length);
}

describe('personal classifiers from a few tagged photos', () => {
  let fit: FitReport;

  beforeAll(async () => {
    for (const c of CATEGORIES) heads.tag(c.name, ids(c.truth).slice(0, 4));
    fit = await heads.fit(model);
    process.stdout.write(
      `\nPersonal classifier (${fit.method}, 4 tags each, ${fit.folds}-fold): cross-validated balanced accuracy by blend ${fit.blends
        .map((b) => `${b.blend}: ${b.accuracy.toFixed(3)}`)
        .join(', ')}\n`,
    );
  });

  it('shows the cross-validated accuracy before applying anything', () => {
    expect(fit.categories.map((c) => [c.name, c.examples])).toEqual(CATEGORIES.map((c) => [c.name, 4]));
    expect(fit.blends.map((b) => b.blend)).toEqual(BLEND_GRID);
    const best = fit.blends.find((b) => b.blend === fit.recommendedBlend)!;
    expect(best.accuracy).toBeGreaterThanOrEqual(0.9);
    // Zero-shot alone cannot know who Mia is: the classifier is what tells the categories apart.
    expect(fit.blends[0].accuracy).toBeLessThan(best.accuracy);
    expect(heads.report(model.id)).toEqual(fit);
    expect(labelled('Mia')).toEqual([]);
  });

  it('labels the whole library with each category once applied (F1 >= 0.9), as a filter and in the photo labels', async () => {
    const applied = await heads.apply(model);
    expect(applied.blend).toBe(fit.recommendedBlend);
    for (const c of CATEGORIES) {
      expect(f1(labelled(c.name), ids(c.truth))).toBeGreaterThanOrEqual(0.9);
      expect(applied.categories.find((a) => a.name === c.name)!.photos).toBe(labelled(c.name).length);
    }
    const shown = new LabelService(service.store).photoLabels(model.id, ids(CATEGORIES[0].truth)[10]);
    expect(shown[0]).toMatchObject({ name: 'Mia', key: 'mia', source: 'personal', refines: null });
    expect(shown[0].strength).toBeGreaterThanOrEqual(0.5);
  });

  it('blends with zero-shot by the weight the user sets', async () => {
    heads.setBlend(0);
    expect((await heads.apply(model)).blend).toBe(0);
    expect(f1(labelled('Mia'), ids(CATEGORIES[0].truth))).toBeLessThan(0.9);
    heads.setBlend(null);
    expect((await heads.apply(model)).blend).toBe(fit.recommendedBlend);
    expect(f1(labelled('Mia'), ids(CATEGORIES[0].truth))).toBeGreaterThanOrEqual(0.9);
    expect(() => heads.setBlend(1.5)).toThrow(InputError);
  });

  it('retrains after more tags in one call', async () => {
    heads.tag('Mia', ids(CATEGORIES[0].truth).slice(4, 8));
    expect(heads.report(model.id)).toBeNull();
    const { fit: again, applied } = await heads.retrain(model);
    expect(again.categories[0].examples).toBe(8);
    expect(applied.categories[0].photos).toBe(labelled('Mia').length);
    expect(f1(labelled('Mia'), ids(CATEGORIES[0].truth))).toBeGreaterThanOrEqual(0.9);
  });

  it('labels photos indexed later', async () => {
    const file = path.join(photosDir, 'later', 'mia-again.jpg');
    await writeJpegScene(file, { colour: 'red', pattern: 'circle', width: 120, height: 90 });
    await service.index({});
    expect(labelled('Mia')).toContain(service.store.photos.byPath(file)!.id);
    expect(await heads.update(model)).toEqual({ refitted: false, photosLabelled: 0 });
  });

  it('is fitted again for another model once that model has embedded the library', async () => {
    await service.close();
    const other = path.join(root, 'model-immich');
    await writeTinyModel(other, { layout: 'immich' });
    service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir: other, intraOpThreads: 1 });
    await service.index({});
    const second = (await service.activeModel()).model;
    expect(second.id).not.toBe(model.id);
    // The index run that embedded the library with the new model fitted the classifiers again.
    const switched = new PersonalHeads(service.store);
    expect(switched.report(second.id)!.categories.map((c) => c.name)).toEqual(['Mia', 'Max', 'our house']);
    for (const c of CATEGORIES) expect(f1(labelled(c.name, second.id), ids(c.truth))).toBeGreaterThanOrEqual(0.9);
    expect(await switched.update(second)).toEqual({ refitted: false, photosLabelled: 0 });
    heads = switched;
    model = second;
  });

  it('refuses too few tags and unknown photos, and forgets a deleted category', async () => {
    heads.tag('the sea', [ids((p) => p.colour === 'blue' && p.pattern === 'plain')[0]]);
    await expect(heads.fit(model)).rejects.toThrow(/at least 2 indexed photos as "the sea"/);
    expect(() => heads.tag('nobody', [999_999])).toThrow(LibraryError);
    expect(heads.categories().map((c) => c.name)).not.toContain('nobody');
    heads.deleteCategory('the sea');
    heads.deleteCategory('Max');
    expect(labelled('Max')).toEqual([]);
    expect(heads.categories().map((c) => c.name)).toEqual(['Mia', 'our house']);
    expect(() => heads.untag('Max', [1])).toThrow(LibraryError);
  });
});
