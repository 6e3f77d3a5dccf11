import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { ExampleRanker, MAX_KEYS, type NeighbourIndex } from '../../../src-main/core/learn/example-ranking.ts';
import { FeedbackSession } from '../../../src-main/core/learn/feedback.ts';
import { HnswIndex } from '../../../src-main/core/vectors/hnsw-index.ts';
import { clusteredVectors, randomUnitVector, seededRandom } from '../vectors/random-vectors.ts';

const DIM = 48;
const COUNT = 4000;

function library() {
  const rand = seededRandom(17);
  const vectors = clusteredVectors(COUNT, DIM, 60, 0.1, rand);
  const index = HnswIndex.empty(DIM, COUNT);
  const byId = new Map<number, Float32Array>();
  vectors.forEach((v, i) => {
    index.add(i + 1, v);
    byId.set(i + 1, v);
  });
  let searches = 0;
  const counted: NeighbourIndex = {
    get size() {
      return index.size;
    },
    search(q, k, filter) {
      searches++;
      return index.search(q, k, filter);
    },
  };
  const read = (ids: readonly number[]) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
  return { index: counted, read, ids: [...byId.keys()], rand, searches: () => searches };
}

describe('ranking a library by examples through the graph', () => {
  const lib = library();

  it('puts the same photos first as scoring every photo, and says how many are certain', () => {
    const ranker = new ExampleRanker(lib.index, lib.read);
    const query = { examples: [5, 1200, 3100], counterExamples: [77], text: null };
    const got = ranker.rank(query, 50);
    const exact = ranker.rankAll(query, lib.ids);
    expect(got.certain).toBeGreaterThanOrEqual(50);
    expect(got.candidates).toBeLessThan(COUNT / 2);
    expect(got.ranked.slice(0, got.certain).map((r) => r.id)).toEqual(exact.ranked.slice(0, got.certain).map((r) => r.id));
    for (const r of exact.ranked.slice(got.certain)) expect(r.score).toBeLessThanOrEqual(got.ranked[got.certain - 1].score);
  });

  it('grows the neighbourhoods until enough photos beat the bound on what the others can score', () => {
    const ranker = new ExampleRanker(lib.index, lib.read);
    const got = ranker.rank({ examples: [9], counterExamples: [], text: null }, 1500);
    expect(got.certain).toBeGreaterThanOrEqual(1500);
    expect(got.ranked[got.certain - 1].score).toBeGreaterThan(got.outsideBound);
  });

  it('after a thumbs-up asks the graph only about the new example', () => {
    const ranker = new ExampleRanker(lib.index, lib.read);
    const session = new FeedbackSession({ examples: [42], counterExamples: [] });
    ranker.rank({ ...session.state(), text: null }, 50);
    const before = lib.searches();
    session.mark(2500, 'up');
    session.mark(17, 'down');
    const after = ranker.rank({ ...session.state(), text: null }, 50);
    expect(lib.searches() - before).toBe(1);
    const liked = after.ranked.findIndex((r) => r.id === 2500);
    const disliked = after.ranked.findIndex((r) => r.id === 17);
    expect(liked).toBeGreaterThanOrEqual(0);
    expect(liked).toBeLessThan(3);
    if (disliked >= 0) expect(disliked).toBeGreaterThan(liked);
  });

  it('leaves out excluded photos and searches with a file outside the library as an example', () => {
    const ranker = new ExampleRanker(lib.index, lib.read);
    const outside = randomUnitVector(DIM, lib.rand);
    const got = ranker.rank({ examples: [100, outside], counterExamples: [], text: null }, 20, new Set([100]));
    expect(got.ranked.some((r) => r.id === 100)).toBe(false);
    expect(got.certain).toBeGreaterThanOrEqual(20);
  });

  it('samples a large selection to a few dozen keys, and still ranks first what the selection is like', () => {
    const lib2 = library();
    const ranker = new ExampleRanker(lib2.index, lib2.read);
    const all = lib2.read(lib2.ids);
    const centre = all.get(1)!;
    const closeness = (id: number) => all.get(id)!.reduce((sum, x, i) => sum + x * centre[i], 0);
    const selection = lib2.ids.filter((id) => closeness(id) > 0.5);
    expect(selection.length).toBeGreaterThan(MAX_KEYS * 2);
    const query = { examples: selection, counterExamples: [], text: null };
    const got = ranker.rank(query, 20, new Set(selection));
    expect(lib2.searches()).toBeLessThanOrEqual(MAX_KEYS * 3);
    const exact = ranker.rankAll(query, lib2.ids, new Set(selection));
    expect(got.ranked.slice(0, 20).map((r) => r.id)).toEqual(exact.ranked.slice(0, 20).map((r) => r.id));
    const others = lib2.ids.filter((id) => !selection.includes(id)).map(closeness);
    const typical = others.sort((a, b) => a - b)[others.length >> 1];
    for (const r of got.ranked.slice(0, 20)) expect(closeness(r.id)).toBeGreaterThan(typical + 0.2);
  });

  it('refuses an example photo that has no embedding', () => {
    const ranker = new ExampleRanker(lib.index, lib.read);
    expect(() => ranker.rank({ examples: [COUNT + 99], counterExamples: [], text: null }, 10)).toThrow(InputError);
  });
});

describe('feedback on a result list', () => {
  it('marks, replaces a mark, unmarks, clears and undoes each step', () => {
    const session = new FeedbackSession({ examples: [1], counterExamples: [2] });
    session.mark(10, 'up');
    session.mark(11, 'down');
    session.mark(10, 'down');
    expect(session.state()).toMatchObject({ examples: [1], counterExamples: [2, 11, 10] });
    expect(session.markOf(10)).toBe('down');
    session.unmark(11);
    expect(session.state().counterExamples).toEqual([2, 10]);
    session.clear();
    expect(session.state()).toMatchObject({ examples: [1], counterExamples: [2], marks: [] });
    expect(session.undo()).toBe(true);
    expect(session.state().marks).toEqual([{ id: 10, mark: 'down' }]);
    expect(session.undo()).toBe(true);
    expect(session.undo()).toBe(true);
    expect(session.markOf(10)).toBe('up');
    expect(session.undo()).toBe(true);
    expect(session.undo()).toBe(true);
    expect(session.state().marks).toEqual([]);
    expect(session.undo()).toBe(false);
  });
});
