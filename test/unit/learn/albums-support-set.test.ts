import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { albumScore, fillAlbum } from '../../../src-main/core/learn/albums/support-set.ts';
import { embedEnsembles } from '../../../src-main/core/learn/labels/prompts.ts';
import { BUILTIN_LABELS } from '../../../src-main/core/learn/labels/vocabulary.ts';
import { LibrarySample } from '../../../src-main/core/search/ranking/library-sample.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { dot } from '../../../src-main/core/vectors/math.ts';
import { EmbeddingSpace, seededRandom } from '../../fixtures/embedding-space.ts';
import { writeVectorPhotos } from '../../fixtures/vector-library.ts';

/**
 * What the support set of pseudo-examples does to an album, on the generated
 * embedding space: 2000 photos of the built-in concepts and 50 of each album's theme,
 * every photo with a second concept in it. The zero-shot ranking is the query's
 * cosine; the album's is support-set.ts's combined score.
 */
const THEMES = ['hiking', 'beach', 'birthday party', 'cat', 'snow', 'receipt'];
const space = new EmbeddingSpace({ seed: 6 });
const model = space.model();
let dir: string;
let store: LibraryStore;
let ids: number[];
let truthOf: string[];
const rows: string[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-support-'));
  store = LibraryStore.open(dir);
  const base = BUILTIN_LABELS.map((l) => l.name);
  base.forEach((n, i) => space.addConcept(n, `family ${i % 130}`));
  const random = seededRandom(21);
  const other = () => ({ name: base[Math.floor(random() * base.length)], weight: 0.5 });
  const photos = [
    ...Array.from({ length: 2000 }, () => {
      const shows = base[Math.floor(random() * base.length)];
      return { truth: shows, vector: space.photo(shows, random, other()) };
    }),
    ...THEMES.flatMap((t) => Array.from({ length: 50 }, () => ({ truth: t, vector: space.photo(t, random, other()) }))),
  ];
  truthOf = photos.map((p) => p.truth);
  ids = writeVectorPhotos(store, model, photos);
});

afterAll(() => {
  process.stdout.write(`\nAlbums on the generated space, zero-shot -> with the support set:\n${rows.join('\n')}\n`);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function averagePrecision(ranked: readonly number[], truth: ReadonlySet<number>): number {
  let hits = 0;
  let sum = 0;
  ranked.forEach((id, i) => {
    if (truth.has(id)) sum += ++hits / (i + 1);
  });
  return sum / truth.size;
}

function f1(found: readonly number[], truth: ReadonlySet<number>): number {
  return (2 * found.filter((id) => truth.has(id)).length) / (found.length + truth.size);
}

describe('the support set of an album made from a name', () => {
  it.each(THEMES)('"%s": ranks the true photos higher, and keeps at least as many of them', async (theme) => {
    const truth = new Set(ids.filter((_, i) => truthOf[i] === theme));
    const [query] = await embedEnsembles(model, [{ name: theme }]);
    const sample = LibrarySample.draw(store, model.id, model.dim);
    const { scorer, members } = fillAlbum(store, model.id, sample, query, [], null);
    const support = [...store.embeddings.vectors(model.id, scorer.support)].map(([id, vector]) => ({ id, vector }));
    const all = [...store.embeddings.all(model.id)];
    const zeroShot = all.map((r) => ({ id: r.id, score: dot(query, r.vector) })).sort((a, b) => b.score - a.score);
    const album = all.map((r) => ({ id: r.id, score: albumScore(scorer, query, support, r.id, r.vector) })).sort((a, b) => b.score - a.score);
    const apBefore = averagePrecision(
      zeroShot.map((s) => s.id),
      truth,
    );
    const apAfter = averagePrecision(
      album.map((s) => s.id),
      truth,
    );
    const f1Before = f1(
      zeroShot.slice(0, members.length).map((s) => s.id),
      truth,
    );
    const f1After = f1(
      members.map((m) => m.id),
      truth,
    );
    rows.push(
      `  ${theme.padEnd(15)} AP ${apBefore.toFixed(3)} -> ${apAfter.toFixed(3)}   F1 ${f1Before.toFixed(3)} -> ${f1After.toFixed(3)}   (${members.length} photos)`,
    );
    expect(members.map((m) => m.id)).toEqual(album.slice(0, members.length).map((s) => s.id));
    expect(apAfter).toBeGreaterThan(apBefore);
    expect(f1After).toBeGreaterThanOrEqual(f1Before);
  });
});
