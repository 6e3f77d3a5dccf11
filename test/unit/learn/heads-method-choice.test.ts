import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMethod, LINEAR_FROM_TAGS, PersonalHeads, type HeadMethod } from '../../../src-main/core/learn/heads/personal-heads.ts';
import { labelFilterSql } from '../../../src-main/core/learn/labels/label-filter.ts';
import { BUILTIN_LABELS } from '../../../src-main/core/learn/labels/vocabulary.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { EmbeddingSpace, seededRandom } from '../../fixtures/embedding-space.ts';
import { writeVectorPhotos, type VectorPhoto } from '../../fixtures/vector-library.ts';

/**
 * Cache model or linear head for personal classifiers, measured on the generated
 * embedding space: two children who look alike (one family of concepts) and a house,
 * among 1200 other photos, each photo with a second concept in it. What counts is
 * what the user gets: F1 of the labels applied to the whole library.
 */
const space = new EmbeddingSpace({ seed: 4 });
const model = space.model();
const PEOPLE = [
  { name: 'Mia', concept: 'child one', family: 'children', photos: 60 },
  { name: 'Max', concept: 'child two', family: 'children', photos: 60 },
  { name: 'our house', concept: 'the house', family: 'house', photos: 40 },
];
let photos: VectorPhoto[];
const results: Array<{ method: HeadMethod; tags: number; f1: number[]; cv: number }> = [];

beforeAll(() => {
  const base = BUILTIN_LABELS.map((l) => l.name);
  base.forEach((n, i) => space.addConcept(n, `family ${i % 130}`));
  for (const p of PEOPLE) space.addConcept(p.concept, p.family);
  const random = seededRandom(11);
  const other = () => ({ name: base[Math.floor(random() * base.length)], weight: 0.5 });
  photos = [
    ...Array.from({ length: 1200 }, () => {
      const shows = base[Math.floor(random() * base.length)];
      return { truth: 'none', vector: space.photo(shows, random, other()) };
    }),
    ...PEOPLE.flatMap((p) => Array.from({ length: p.photos }, () => ({ truth: p.name, vector: space.photo(p.concept, random, other()) }))),
  ];
});

afterAll(() => {
  process.stdout.write('\nPersonal classifiers on the generated space: F1 on the library (Mia, Max, our house), cross-validated accuracy\n');
  for (const r of results)
    process.stdout.write(`  ${r.method.padEnd(6)} ${String(r.tags).padStart(2)} tags  F1 ${r.f1.map((f) => f.toFixed(3)).join(' ')}  CV ${r.cv.toFixed(3)}\n`);
});

async function measure(method: HeadMethod, tags: number): Promise<{ f1: number[]; cv: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-heads-'));
  const store = LibraryStore.open(dir);
  try {
    const ids = writeVectorPhotos(store, model, photos);
    const heads = new PersonalHeads(store);
    for (const p of PEOPLE) heads.tag(p.name, ids.filter((_, i) => photos[i].truth === p.name).slice(0, tags));
    const fit = await heads.fit(model, method);
    await heads.apply(model);
    const f1 = PEOPLE.map((p) => {
      const filter = labelFilterSql(store.db, model.id, [p.name])!;
      const found = new Set(
        store.db
          .prepare(`SELECT p.id FROM photos p WHERE ${filter.where}`)
          .pluck()
          .all(...filter.params) as number[],
      );
      const truth = ids.filter((_, i) => photos[i].truth === p.name);
      return (2 * truth.filter((id) => found.has(id)).length) / (found.size + truth.length);
    });
    const cv = fit.blends.find((b) => b.blend === fit.recommendedBlend)!.accuracy;
    results.push({ method, tags, f1, cv });
    return { f1, cv };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('the method personal classifiers use by default', () => {
  it.each([2, 16])('is the better one with %i tags per category', async (tags) => {
    const linear = await measure('linear', tags);
    const cache = await measure('cache', tags);
    const chosen = defaultMethod(PEOPLE.map(() => tags));
    const [better, worse] = chosen === 'linear' ? [linear, cache] : [cache, linear];
    expect(mean(better.f1)).toBeGreaterThan(mean(worse.f1));
    expect(better.cv).toBeGreaterThan(0.9);
  });

  it('switches at LINEAR_FROM_TAGS, by the category with the fewest tags', () => {
    expect(defaultMethod([LINEAR_FROM_TAGS, LINEAR_FROM_TAGS + 5])).toBe('linear');
    expect(defaultMethod([LINEAR_FROM_TAGS - 1, 16])).toBe('cache');
  });
});
