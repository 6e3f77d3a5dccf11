import { InputError } from '../errors.ts';
import type { ScoredId } from '../vectors/exact.ts';
import { DEFAULT_CACHE_PARAMS, ExampleCache, type CacheModelParams, type TextTerm } from './cache-model.ts';

/** Nearest neighbours by cosine, best first: vectors/hnsw-index.ts HnswIndex (ModelIndex.hnsw) has this shape. */
export interface NeighbourIndex {
  search(q: Float32Array, k: number, filter?: (id: number) => boolean): ScoredId[];
  /** Live photos in the index. */
  readonly size: number;
}

/** Stored embeddings of photos, `[D]` each; ids without one are left out (store.embeddings.vectors). */
export type VectorReader = (ids: readonly number[]) => Map<number, Float32Array>;

/** A photo of the library (its stored embedding is used) or the embedding of a file outside it. */
export type ExampleRef = number | Float32Array;

export interface ExampleQuery {
  examples: readonly ExampleRef[];
  counterExamples: readonly ExampleRef[];
  text: TextTerm | null;
  params?: Readonly<CacheModelParams>;
}

export interface LearnedRanking {
  /** Candidates, best first, with their cache-model scores. */
  ranked: ScoredId[];
  /**
   * No photo outside the candidates scores above this (up to the recall of the
   * neighbour search): see ExampleCache.bound, with each example's reach the cosine
   * of the farthest neighbour found for it. -Infinity when every photo is a candidate.
   */
  outsideBound: number;
  /** Leading entries of `ranked` whose place is certain: they score above `outsideBound`. */
  certain: number;
  /** Photos scored. */
  candidates: number;
  /** The query's cache model, for its cutoff (learned-background.ts learnedBackground). */
  cache: ExampleCache;
}

/**
 * Neighbours asked for per example (and for the words) in the first round, and how
 * much more each further round asks. Measured over 48 clicks on 100,000 photos of 512
 * values (CPU ms per click, p50 / p95 / max): 512 growing by 2, 10 / 45 / 72; 1024 by
 * 2, 16 / 23 / 100; 256 by 4, 12 / 147 / 222; growing only the neighbourhood that
 * leaves outsiders the most room, 10 / 73 / 109.
 */
const FIRST_NEIGHBOURS = 512;
const GROWTH = 2;

/**
 * Most examples (and, apart, counter-examples) used as cache keys. A larger selection
 * is sampled evenly, each kept key standing for its share of the whole, so the summed
 * affinity stays an unbiased estimate while the cost (a graph search and a cosine per
 * candidate per key) stays that of a few dozen photos.
 */
export const MAX_KEYS = 32;

/** Every n-th of `refs` when there are more than MAX_KEYS, and how many each kept one stands for. */
function sampled(refs: readonly ExampleRef[]): { refs: ExampleRef[]; weight: number } {
  if (refs.length <= MAX_KEYS) return { refs: [...refs], weight: 1 };
  const step = refs.length / MAX_KEYS;
  return { refs: Array.from({ length: MAX_KEYS }, (_, i) => refs[Math.floor(i * step)]), weight: step };
}

/** The cache keys of a query, sampled to MAX_KEYS a side, with the parameters that keep the sums' scale. */
function keysOf(query: ExampleQuery): { examples: ExampleRef[]; counterExamples: ExampleRef[]; params: CacheModelParams } {
  const base = query.params ?? DEFAULT_CACHE_PARAMS;
  const examples = sampled(query.examples);
  const counter = sampled(query.counterExamples);
  return {
    examples: examples.refs,
    counterExamples: counter.refs,
    params: { ...base, alpha: base.alpha * examples.weight, counterWeight: (base.counterWeight * counter.weight) / examples.weight },
  };
}

interface Neighbourhood {
  k: number;
  ids: number[];
  /** Cosine of the farthest neighbour found: no photo left out is closer. */
  reach: number;
}

/**
 * Ranks a library by the cache model (cache-model.ts) without scoring all of it: the
 * candidates are the nearest neighbours of each example and of the words in the
 * graph, and a photo outside all those neighbourhoods is at most as close to each
 * example as that example's farthest neighbour found, which bounds its score. When
 * fewer than `want` candidates beat that bound, the neighbourhoods grow until enough
 * do.
 *
 * One ranker serves one library state and one filter: it keeps the neighbourhoods
 * and vectors it has read, so a thumbs-up that adds an example asks the graph only
 * about the new one. Make a new ranker when the library changes.
 */
export class ExampleRanker {
  private readonly vectors = new Map<number, Float32Array>();
  private readonly neighbourhoods = new Map<ExampleRef, Neighbourhood>();

  constructor(
    private readonly index: NeighbourIndex,
    private readonly read: VectorReader,
    /** Photos that may be results (a filter); all when absent. */
    private readonly accept?: (id: number) => boolean,
  ) {}

  /**
   * The best photos for `query`: at least `want` of them certain when the library has
   * that many, more candidates after them.
   * @param exclude photos that are not results (the examples of "more like these")
   * @throws InputError for an example photo without an embedding, or an empty query
   */
  rank(query: ExampleQuery, want: number, exclude: ReadonlySet<number> = new Set()): LearnedRanking {
    const keys = keysOf(query);
    const cache = this.cacheOf(keys, query.text);
    const sources: ExampleRef[] = [...keys.examples];
    const textVector = query.text?.vector;
    if (textVector) sources.push(textVector);
    const population = this.index.size;
    const first = Math.max(FIRST_NEIGHBOURS, want + exclude.size);
    const ks = sources.map((ref) => Math.max(first, this.neighbourhoods.get(ref)?.k ?? 0));
    for (;;) {
      const areas = sources.map((ref, i) => this.neighbourhood(ref, ks[i]));
      const ids = new Set<number>();
      for (const area of areas) for (const id of area.ids) if (!exclude.has(id)) ids.add(id);
      const ranked: ScoredId[] = [];
      for (const [id, v] of this.load([...ids])) ranked.push({ id, score: cache.score(v) });
      ranked.sort((a, b) => b.score - a.score || a.id - b.id);
      const everything = ks.some((k) => k >= population);
      const reach = areas.map((a) => a.reach);
      const outsideBound = everything ? -Infinity : cache.bound(reach.slice(0, keys.examples.length), textVector ? reach[reach.length - 1] : null);
      let certain = 0;
      while (certain < ranked.length && ranked[certain].score > outsideBound) certain++;
      if (everything || certain >= want) return { ranked, outsideBound, certain, candidates: ranked.length, cache };
      for (let i = 0; i < ks.length; i++) ks[i] = Math.min(population, ks[i] * GROWTH);
    }
  }

  /**
   * Scores exactly the photos `ids` (all the photos a selective filter leaves, where
   * the graph would walk past most of them): every one is a candidate, best first.
   * @throws InputError as rank()
   */
  rankAll(query: ExampleQuery, ids: readonly number[], exclude: ReadonlySet<number> = new Set()): LearnedRanking {
    const cache = this.cacheOf(keysOf(query), query.text);
    const ranked: ScoredId[] = [];
    for (const [id, v] of this.load(ids.filter((id) => !exclude.has(id)))) ranked.push({ id, score: cache.score(v) });
    ranked.sort((a, b) => b.score - a.score || a.id - b.id);
    return { ranked, outsideBound: -Infinity, certain: ranked.length, candidates: ranked.length, cache };
  }

  private cacheOf(keys: ReturnType<typeof keysOf>, text: TextTerm | null): ExampleCache {
    return new ExampleCache(
      keys.examples.map((ref) => this.vectorOf(ref)),
      keys.counterExamples.map((ref) => this.vectorOf(ref)),
      text,
      keys.params,
    );
  }

  private vectorOf(ref: ExampleRef): Float32Array {
    if (typeof ref !== 'number') return ref;
    const v = this.load([ref]).get(ref);
    if (!v) throw new InputError(String(ref), `Photo ${ref} has no embedding for the active model yet; index it first.`);
    return v;
  }

  private neighbourhood(ref: ExampleRef, k: number): Neighbourhood {
    const known = this.neighbourhoods.get(ref);
    if (known && known.k >= k) return known;
    const query = this.vectorOf(ref);
    const found = this.index.search(query, k, this.accept);
    const area = { k, ids: found.map((f) => f.id), reach: found.length > 0 ? found[found.length - 1].score : 1 };
    this.neighbourhoods.set(ref, area);
    return area;
  }

  /** Vectors of `ids`, read from the store once each. */
  private load(ids: readonly number[]): Map<number, Float32Array> {
    const missing = ids.filter((id) => !this.vectors.has(id));
    if (missing.length > 0) for (const [id, v] of this.read(missing)) this.vectors.set(id, v);
    const out = new Map<number, Float32Array>();
    for (const id of ids) {
      const v = this.vectors.get(id);
      if (v) out.set(id, v);
    }
    return out;
  }
}
