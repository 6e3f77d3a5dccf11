import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelService } from '../../src-main/core/learn/labels/label-service.ts';
import { PROMPT_SET_VERSION } from '../../src-main/core/learn/labels/prompts.ts';
import { BUILTIN_LABELS, labelKey } from '../../src-main/core/learn/labels/vocabulary.ts';
import { LabelTables } from '../../src-main/core/store/learned-labels.ts';
import { LibraryStore } from '../../src-main/core/store/library-store.ts';
import { dot } from '../../src-main/core/vectors/math.ts';
import { EmbeddingSpace, seededRandom } from '../fixtures/embedding-space.ts';
import { writeVectorPhotos } from '../fixtures/vector-library.ts';

/**
 * Adding 200 labels to the 395 built-in ones, on 2000 photos of the generated
 * embedding space: 120 of the new labels are close relatives of built-in ones (a
 * family shared with them), 80 are unrelated to anything in the library. Each photo
 * shows one built-in concept, with a second one at half weight.
 */
const PHOTOS = 2000;
const FAMILIES = 130;
const ADDED = Array.from({ length: 200 }, (_, i) => `added concept ${i + 1}`);

let dir: string;
let store: LibraryStore;
let labels: LabelService;
let ids: number[];
let truth: string[];
const space = new EmbeddingSpace({ seed: 1 });
const model = space.model();

/** The photo's top label under each rule: plain cosine over the vocabulary, the calibrated score alone, and the shipped rule (calibrated, read top-down). */
interface TopLabels {
  cosine: string[];
  calibrated: Array<string | null>;
  shipped: Array<string | null>;
  /** Every (photo, label) the photos carry. */
  given: Set<string>;
}

function topLabels(): TopLabels {
  const tables = new LabelTables(store.db);
  const keys = labels.vocabulary(model.id).map((l) => l.key);
  const vectors = [...tables.textVectors(model.id, PROMPT_SET_VERSION, keys)];
  const photos = store.embeddings.vectors(model.id, ids);
  const cosine = ids.map((id) => {
    const x = photos.get(id)!;
    let best = '';
    let bestScore = -Infinity;
    for (const [key, v] of vectors) {
      const s = dot(v, x);
      if (s > bestScore) [best, bestScore] = [key, s];
    }
    return best;
  });
  const rows = tables.labelsOf(model.id, ids);
  const strongest = new Map<number, string>();
  for (const r of rows) if (!strongest.has(r.photoId)) strongest.set(r.photoId, r.key);
  const calibrated = ids.map((id) => strongest.get(id) ?? null);
  const read = labels.labelsOfPhotos(model.id, ids);
  const shipped = ids.map((id) => read.get(id)?.[0]?.key ?? null);
  return { cosine, calibrated, shipped, given: new Set(rows.map((r) => `${r.photoId}:${r.key}`)) };
}

function changed(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>): number {
  return a.filter((x, i) => x !== b[i]).length / a.length;
}

function accuracy(tops: ReadonlyArray<string | null>): number {
  return tops.filter((t, i) => t === truth[i]).length / tops.length;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-vocabulary-'));
  store = LibraryStore.open(dir);
  const base = BUILTIN_LABELS.map((l) => l.name);
  base.forEach((name, i) => space.addConcept(name, `family ${i % FAMILIES}`));
  ADDED.forEach((name, i) => space.addConcept(name, i < 120 ? `family ${i % FAMILIES}` : `unrelated ${i % 40}`));
  const random = seededRandom(6);
  const pick = () => base[Math.floor(random() * base.length)];
  const photos = Array.from({ length: PHOTOS }, () => {
    const shows = pick();
    return { truth: labelKey(shows), vector: space.photo(shows, random, { name: pick(), weight: 0.5 }) };
  });
  truth = photos.map((p) => p.truth);
  ids = writeVectorPhotos(store, model, photos);
  labels = new LabelService(store);
  await labels.update(model);
});

afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('labels as the vocabulary grows by 200', () => {
  let before: TopLabels;
  let after: TopLabels;

  beforeAll(async () => {
    before = topLabels();
    for (const name of ADDED) await labels.addLabel(name, null);
    const update = await labels.update(model);
    expect(update).toMatchObject({ labels: BUILTIN_LABELS.length + ADDED.length, embedded: ADDED.length, calibrated: ADDED.length, photosLabelled: 0 });
    after = topLabels();
    const report = {
      'plain cosine (before)': { changed: changed(before.cosine, after.cosine), accuracy: [accuracy(before.cosine), accuracy(after.cosine)] },
      'calibrated per label': { changed: changed(before.calibrated, after.calibrated), accuracy: [accuracy(before.calibrated), accuracy(after.calibrated)] },
      'calibrated + hierarchy (shipped)': { changed: changed(before.shipped, after.shipped), accuracy: [accuracy(before.shipped), accuracy(after.shipped)] },
    };
    process.stdout.write(`\nShare of ${PHOTOS} photos whose top label changes when 200 labels are added (accuracy before, after):\n`);
    for (const [rule, r] of Object.entries(report)) {
      process.stdout.write(`  ${rule.padEnd(34)} ${(100 * r.changed).toFixed(2)}%   (${r.accuracy.map((a) => a.toFixed(3)).join(', ')})\n`);
    }
  });

  it('changes fewer top labels than plain cosine classification over the vocabulary', () => {
    expect(changed(before.shipped, after.shipped)).toBeLessThan(0.75 * changed(before.cosine, after.cosine));
  });

  it('without losing accuracy: the top label is right more often than with plain cosine, before and after', () => {
    expect(accuracy(before.shipped)).toBeGreaterThan(accuracy(before.cosine));
    expect(accuracy(after.shipped)).toBeGreaterThan(accuracy(after.cosine));
  });

  it('keeps every label the photos had: new labels are added beside them, never in their place', () => {
    for (const pair of before.given) expect(after.given.has(pair)).toBe(true);
    expect(after.given.size).toBeGreaterThan(before.given.size);
  });

  it('places new labels under built-in ones, never a built-in label under a new one', () => {
    const calibrations = new LabelTables(store.db).calibrations(model.id);
    const added = new Set(ADDED.map(labelKey));
    const refinements = [...calibrations.values()].filter((c) => c.parent !== null);
    expect(refinements.length).toBeGreaterThan(40);
    for (const c of refinements) {
      expect(added.has(c.key)).toBe(true);
      expect(added.has(c.parent!)).toBe(false);
    }
  });
});
