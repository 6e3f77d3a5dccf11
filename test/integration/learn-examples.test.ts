/**
 * What learning from examples gains, measured on a labelled generated library
 * (test/fixtures/concept-library.ts) indexed with the tiny model: mean average
 * precision of one example, the centroid of N examples (what the query algebra does
 * with several photos today), the cache model (learn/cache-model.ts) with N examples,
 * and words with each; the choice of the default alpha and beta; and one round of
 * relevance feedback against Rocchio's query move. Prints its tables.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { DEFAULT_CACHE_PARAMS, ExampleCache, type CacheModelParams, type TextTerm } from '../../src-main/core/learn/cache-model.ts';
import { rocchio } from '../../src-main/core/learn/feedback.ts';
import { ExampleRanker } from '../../src-main/core/learn/example-ranking.ts';
import { textTerm } from '../../src-main/core/learn/learned-background.ts';
import { LearnedSource } from '../../src-main/core/learn/learned-source.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { ModelIndex } from '../../src-main/core/search/model-index.ts';
import { LibrarySample } from '../../src-main/core/search/ranking/library-sample.ts';
import { dot, l2normalize } from '../../src-main/core/vectors/math.ts';
import { CONCEPTS, writeConceptLibrary, type ConceptPhoto } from '../fixtures/concept-library.ts';
import { averagePrecision, mean, precisionAt } from '../fixtures/retrieval-metrics.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

const SIZES = [1, 2, 4, 8] as const;
/** Random draws of N examples per class and N. */
const DRAWS = 25;
const BETAS = [1, 2, 3.5, 5.5, 7];
const ALPHAS = [0.25, 0.5, 1, 2, 4];

let root: string;
let service: PhotoSearchService;
let model: ClipModel;
let photos: ConceptPhoto[];
/** Embedding of photo i (same order as `photos`). */
let vectors: Float32Array[];
let sample: LibrarySample;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-learn-examples-'));
  const modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
  photos = await writeConceptLibrary(path.join(root, 'photos'));
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir, intraOpThreads: 1 });
  await service.index({ paths: [path.join(root, 'photos')] });
  model = await loadModel(modelDir, { intraOpThreads: 1 });
  const { store } = service;
  const ids = photos.map((p) => store.photos.byPath(p.file)!.id);
  const stored = store.embeddings.vectors(model.id, ids);
  vectors = ids.map((id) => stored.get(id)!);
  sample = LibrarySample.draw(store, model.id, model.dim);
});

afterAll(async () => {
  await model?.dispose();
  await service?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function membersOf(concept: string): number[] {
  return photos.flatMap((p, i) => (p.concept === concept ? [i] : []));
}

/** Photos by descending score, ties by position, without `exclude`. */
function order(scores: ArrayLike<number>, exclude: readonly number[] = []): number[] {
  const out: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!exclude.includes(i)) out.push(i);
  return out.sort((a, b) => scores[b] - scores[a] || a - b);
}

/** AP of the class when its examples are given: the examples are not results. */
function apWith(scores: ArrayLike<number>, members: readonly number[], examples: readonly number[]): number {
  return averagePrecision(order(scores, examples), new Set(members.filter((m) => !examples.includes(m))));
}

const scoreAll = (score: (v: Float32Array) => number): number[] => vectors.map(score);

function centroid(examples: readonly number[], text?: Float32Array): Float32Array {
  const sum = new Float32Array(model.dim);
  for (const v of [...(text ? [text] : []), ...examples.map((e) => vectors[e])]) for (let d = 0; d < sum.length; d++) sum[d] += v[d];
  return l2normalize(sum);
}

function bestScore(query: Float32Array): number {
  return Math.max(...vectors.map((v) => dot(v, query)));
}

type Method = (examples: readonly number[], concept: number) => number[];

describe('learning from examples on a library where one example is ambiguous', () => {
  let draws: Map<string, number[][]>;
  let words: TextTerm[];
  let wordVectors: Float32Array[];

  beforeAll(async () => {
    const random = stream(5);
    draws = new Map();
    for (const concept of CONCEPTS) {
      const members = membersOf(concept.name);
      for (const n of SIZES) {
        draws.set(
          `${concept.name}/${n}`,
          Array.from({ length: DRAWS }, () => {
            const pool = [...members];
            return Array.from({ length: n }, () => pool.splice(Math.floor(random() * pool.length), 1)[0]);
          }),
        );
      }
    }
    wordVectors = await model.encodeTexts(CONCEPTS.map((c) => c.words));
    words = wordVectors.map((t) => textTerm(t, sample, bestScore(t)));
  });

  /** mAP over the classes and draws, per N. */
  function mapOf(method: Method): number[] {
    return SIZES.map((n) =>
      mean(
        CONCEPTS.map((concept, c) => {
          const members = membersOf(concept.name);
          return mean(draws.get(`${concept.name}/${n}`)!.map((examples) => apWith(method(examples, c), members, examples)));
        }),
      ),
    );
  }

  const cacheModel =
    (params: CacheModelParams, withWords: boolean): Method =>
    (examples, c) => {
      const cache = new ExampleCache(
        examples.map((e) => vectors[e]),
        [],
        withWords ? words[c] : null,
        params,
      );
      return scoreAll((v) => cache.score(v));
    };

  it('the cache model with 4 examples beats the best single example and the centroid; words and examples beat either', () => {
    const single = CONCEPTS.map((concept) => {
      const members = membersOf(concept.name);
      const aps = members.map((e) =>
        apWith(
          scoreAll((v) => dot(v, vectors[e])),
          members,
          [e],
        ),
      );
      return { best: Math.max(...aps), mean: mean(aps) };
    });
    const rows: Array<[string, number[]]> = [
      ['centroid of N examples (query algebra today)', mapOf((examples) => scoreAll((v) => dot(v, centroid(examples))))],
      ['cache model, N examples', mapOf(cacheModel(DEFAULT_CACHE_PARAMS, false))],
      ['words alone', mapOf((_examples, c) => scoreAll((v) => dot(v, wordVectors[c])))],
      ['words + centroid (query algebra today)', mapOf((examples, c) => scoreAll((v) => dot(v, centroid(examples, wordVectors[c]))))],
      ['words + cache model', mapOf(cacheModel(DEFAULT_CACHE_PARAMS, true))],
    ];
    const best = mean(single.map((s) => s.best));
    const meanSingle = mean(single.map((s) => s.mean));
    const table = [
      `mAP, ${CONCEPTS.length} classes x ${DRAWS} draws of N examples (alpha ${DEFAULT_CACHE_PARAMS.alpha}, beta ${DEFAULT_CACHE_PARAMS.beta})`,
      `| method | ${SIZES.map((n) => `N=${n}`).join(' | ')} |`,
      `| --- | ${SIZES.map(() => '---').join(' | ')} |`,
      `| one example: the best one / the mean | ${best.toFixed(3)} / ${meanSingle.toFixed(3)} | | | |`,
      ...rows.map(([label, values]) => `| ${label} | ${values.map((v) => v.toFixed(3)).join(' | ')} |`),
    ];
    console.log(table.join('\n'));

    const [centroidRow, cacheRow, wordsRow, wordsCentroidRow, wordsCacheRow] = rows.map(([, v]) => v);
    const four = SIZES.indexOf(4);
    expect(cacheRow[four]).toBeGreaterThan(best + 0.2);
    expect(cacheRow[four]).toBeGreaterThan(centroidRow[four] + 0.2);
    expect(wordsCacheRow[four]).toBeGreaterThan(Math.max(cacheRow[four], wordsRow[four], wordsCentroidRow[four]));
  });

  it('the default alpha and beta are where words and examples rank best (within 0.02 mAP)', () => {
    const grid = BETAS.map((beta) => ALPHAS.map((alpha) => mean(mapOf(cacheModel({ alpha, beta, counterWeight: 1 }, true)))));
    console.log(
      [
        'words + cache model, mAP averaged over N = 1, 2, 4, 8',
        `| beta \\ alpha | ${ALPHAS.join(' | ')} |`,
        `| --- | ${ALPHAS.map(() => '---').join(' | ')} |`,
        ...grid.map((row, b) => `| ${BETAS[b]} | ${row.map((v) => v.toFixed(3)).join(' | ')} |`),
      ].join('\n'),
    );
    const chosen = mean(mapOf(cacheModel(DEFAULT_CACHE_PARAMS, true)));
    expect(chosen).toBeGreaterThanOrEqual(Math.max(...grid.flat()) - 0.02);
    // Too flat a kernel loses the second look: the measurement must tell settings apart.
    expect(chosen).toBeGreaterThan(grid[BETAS.indexOf(1)][ALPHAS.indexOf(0.25)] + 0.1);
  });

  it('through the graph, the examples source answers with the class as its matches', () => {
    const { store } = service;
    const index = ModelIndex.open(store, service.paths.vectorIndex(model.id), model);
    const ids = photos.map((p) => store.photos.byPath(p.file)!.id);
    const members = membersOf('A');
    const examples = [
      ...members.filter((i) => photos[i].pattern === 'circle').slice(0, 2),
      ...members.filter((i) => photos[i].pattern === 'stripes').slice(0, 2),
    ];
    const ranker = new ExampleRanker(index.hnsw, (wanted) => store.embeddings.vectors(model.id, wanted));
    const source = new LearnedSource(
      { ranker, sample, population: photos.length, allowed: null },
      { examples: examples.map((e) => ids[e]), counterExamples: [], text: null },
      20,
      new Set(examples.map((e) => ids[e])),
    );
    const answer = source.answer('description');
    const classIds = new Set(members.map((m) => ids[m]));
    const matched = answer.hits.filter((h) => h.match);
    expect(matched.length).toBe(source.matches);
    expect(matched.length).toBeGreaterThanOrEqual(members.length - examples.length - 2);
    expect(matched.every((h) => classIds.has(h.id))).toBe(true);
    expect(source.relevance(matched[0].score, true)).toEqual({ value: 100, strength: 'strong' });
    expect(answer.hits.some((h) => examples.some((e) => ids[e] === h.id))).toBe(false);
  });

  it('one round of feedback (3 up, 3 down on the first page) raises precision@20 of an ambiguous query', async () => {
    const scenarios: Array<{ words: string; wants: string; truth: (p: ConceptPhoto) => boolean }> = [
      { words: 'red', wants: 'red circles', truth: (p) => p.colour === 'red' && p.pattern === 'circle' },
      { words: 'circle', wants: 'green circles', truth: (p) => p.colour === 'green' && p.pattern === 'circle' },
      { words: 'red circle blue stripes', wants: 'class A (both looks)', truth: (p) => p.concept === 'A' },
      { words: 'green circle yellow stripes', wants: 'class B (both looks)', truth: (p) => p.concept === 'B' },
    ];
    const lines = [
      'one round of feedback: precision@20 / AP of the rest of the class, marked photos left out',
      '| words | wants | before | Rocchio | cache model | Rocchio + cache model |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    const gains: number[] = [];
    for (const scenario of scenarios) {
      const [t] = await model.encodeTexts([scenario.words]);
      const relevant = new Set(photos.flatMap((p, i) => (scenario.truth(p) ? [i] : [])));
      const firstPage = order(scoreAll((v) => dot(v, t))).slice(0, 20);
      const up = firstPage.filter((i) => relevant.has(i)).slice(0, 3);
      const down = firstPage.filter((i) => !relevant.has(i)).slice(0, 3);
      const marked = [...up, ...down];
      const rest = new Set([...relevant].filter((i) => !marked.includes(i)));
      const measure = (scores: number[]) => {
        const ranked = order(scores, marked);
        return { p20: precisionAt(ranked, relevant, 20), ap: averagePrecision(ranked, rest) };
      };
      const moved = rocchio(
        t,
        up.map((i) => vectors[i]),
        down.map((i) => vectors[i]),
      );
      const withCache = (term: TextTerm) => {
        const cache = new ExampleCache(
          up.map((i) => vectors[i]),
          down.map((i) => vectors[i]),
          term,
        );
        return measure(scoreAll((v) => cache.score(v)));
      };
      const before = measure(scoreAll((v) => dot(v, t)));
      const results = [
        before,
        measure(scoreAll((v) => dot(v, moved))),
        withCache(textTerm(t, sample, bestScore(t))),
        withCache(textTerm(moved, sample, bestScore(moved))),
      ];
      lines.push(`| ${scenario.words} | ${scenario.wants} | ${results.map((r) => `${r.p20.toFixed(2)} / ${r.ap.toFixed(2)}`).join(' | ')} |`);
      gains.push(results[2].p20 - before.p20);
      expect(up.length).toBe(3);
      expect(down.length).toBe(3);
    }
    console.log(lines.join('\n'));
    // "red" wanting red circles: the first page mixes every red photo.
    expect(gains[0]).toBeGreaterThanOrEqual(0.4);
    for (const gain of gains) expect(gain).toBeGreaterThan(0);
  });
});
