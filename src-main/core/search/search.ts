import type { SearchHit, SearchQuery } from '../api/contract.ts';
import type { ClipModel } from '../models/types.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { dot } from '../vectors/math.ts';
import { filterSql } from './filters.ts';
import type { ModelIndex } from './model-index.ts';
import { resolveQuery } from './query-vector.ts';
import type { TextEmbeddingCache } from './text-cache.ts';

/** Below this many photos left by a filter, scoring them all exactly beats asking the graph. */
const EXACT_SCAN_LIMIT = 20_000;
/** The graph is asked for more than k so that exact re-scoring can reorder its near misses. */
const CANDIDATE_FACTOR = 2;
const MIN_CANDIDATES = 100;

/** How many candidates the graph is asked for when `want` results are needed. */
export function graphCandidates(want: number): number {
  return Math.max(want * CANDIDATE_FACTOR, MIN_CANDIDATES);
}

export interface SearchContext {
  store: LibraryStore;
  model: ClipModel;
  index: ModelIndex;
  textCache: TextEmbeddingCache;
}

export async function searchLibrary(ctx: SearchContext, query: SearchQuery): Promise<SearchHit[]> {
  const { store, model, index } = ctx;
  const { vector, exampleIds } = await resolveQuery(query.terms, model, store, ctx.textCache);
  const filter = filterSql(query.filters);
  const isResult = (id: number, score: number) => !exampleIds.has(id) && (query.minScore === undefined || score >= query.minScore);

  const scored: Array<{ id: number; score: number }> = [];
  const matching = filter
    ? (store.db
        .prepare(`SELECT count(*) FROM photos p WHERE ${filter.where}`)
        .pluck()
        .get(...filter.params) as number)
    : Infinity;
  if (filter && matching <= EXACT_SCAN_LIMIT) {
    // One pass over the filtered photos' vectors, straight from the store.
    for (const { id, vector: v } of store.embeddings.matching(model.id, filter.where, filter.params)) {
      const score = dot(vector, v);
      if (isResult(id, score)) scored.push({ id, score });
    }
  } else {
    const allowed = filter
      ? new Set(
          store.db
            .prepare(`SELECT p.id FROM photos p WHERE ${filter.where}`)
            .pluck()
            .all(...filter.params) as number[],
        )
      : null;
    const accept = allowed ? (id: number) => allowed.has(id) && !exampleIds.has(id) : exampleIds.size ? (id: number) => !exampleIds.has(id) : undefined;
    const candidates = index.hnsw.search(vector, graphCandidates(query.k), accept).map((c) => c.id);
    for (const [id, v] of store.embeddings.vectors(model.id, candidates)) {
      const score = dot(vector, v);
      if (isResult(id, score)) scored.push({ id, score });
    }
  }
  scored.sort((a, b) => b.score - a.score || a.id - b.id);
  const top = scored.slice(0, query.k);
  const summaries = store.photos.summaries(top.map((t) => t.id));
  return top.flatMap((t) => {
    const s = summaries.get(t.id);
    return s ? [{ ...s, score: t.score }] : [];
  });
}
