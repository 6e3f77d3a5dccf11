import type { DayRun, HitReason, QueryTerm, SearchHit, SearchQuery, SortOrder } from '../api/contract.ts';
import { InputError } from '../errors.ts';
import { albumFilterSql } from '../learn/albums/album-filter.ts';
import { DEFAULT_CACHE_PARAMS } from '../learn/cache-model.ts';
import type { ExampleRanker } from '../learn/example-ranking.ts';
import { textTerm } from '../learn/learned-background.ts';
import { labelFilterSql } from '../learn/labels/label-filter.ts';
import { LearnedSource } from '../learn/learned-source.ts';
import type { ClipModel } from '../models/types.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { filterSql, intersectSorted, type IdFilter, type SqlFilter } from './filters.ts';
import { interpret, type PlaceFinder } from './interpret.ts';
import type { ModelIndex } from './model-index.ts';
import { resolveQuery } from './query-vector.ts';
import { fuse } from './ranking/fusion.ts';
import type { LibrarySample } from './ranking/library-sample.ts';
import { cameraAnswer, type CameraNames } from './sources/cameras.ts';
import { nameAnswer } from './sources/names.ts';
import { placeFilter } from './sources/places.ts';
import type { QueryPart, SourceAnswer, SourceHit } from './sources/source.ts';
import { EXACT_SCAN_LIMIT, VisualSource } from './sources/visual.ts';
import type { TextEmbeddingCache } from './text-cache.ts';

/** Answers a place part with the photos taken at any of the places it names (core/places). */
export type PlaceAnswerer = (part: QueryPart, places: readonly string[], filter: SqlFilter | null) => SourceAnswer;
/** Answers any part with the photos whose recognised text contains it (core/text). */
export type WordsInPhotosAnswerer = (part: QueryPart, filter: SqlFilter | null) => SourceAnswer;
/** Answers a date part with the photos taken in it (search/filters.ts decides what "taken on a day" means). */
export type DateAnswerer = (part: QueryPart, date: SearchQuery['dateWords'][number], filter: SqlFilter | null) => SourceAnswer;

export interface SearchContext {
  store: LibraryStore;
  model: ClipModel;
  index: ModelIndex;
  textCache: TextEmbeddingCache;
  /** The library sample for the active model, drawn again when the library has changed enough. */
  sample(): LibrarySample;
  /** The library's cameras, read once per change of the library. */
  cameras(): CameraNames;
  /** Photos with a vector of the active model. */
  embedded: number;
  /**
   * The cache model's ranker for this filter, kept across the clicks of one result list (learn/example-ranking.ts);
   * `allowed`: ascending ids of the photos the filter leaves, null without one.
   */
  exampleRanker(filter: SqlFilter | null, allowed: readonly number[] | null): ExampleRanker;
  /**
   * The filter `make` gives for `key` (a label, place or album filter), kept while the
   * library is unchanged, with the photos it leaves listed once: queries typed under
   * the same chip share them.
   */
  listedFilter(key: string, make: () => IdFilter | null): IdFilter | null;
  findPlaces: PlaceFinder;
  placeAnswer: PlaceAnswerer;
  dateAnswer: DateAnswerer;
  wordsInPhotos: WordsInPhotosAnswerer;
}

/** One photo of a ranking, before its summary is read. */
export interface RankedPhoto {
  id: number;
  match: boolean;
  score: number | null;
  relevance: number;
  strength: SearchHit['strength'];
  reasons: HitReason[];
}

/**
 * The whole answer to a query: every photo the filters leave, matches first. The
 * head (what the sources ranked) is computed at once; the rest only when a page
 * reaches it, since listing it can mean an exact scan of the library.
 */
export class Ranking {
  private full: RankedPhoto[] | null = null;
  private dayRuns: DayRun[] | null = null;

  constructor(
    private readonly head: RankedPhoto[],
    readonly matches: number,
    readonly total: number,
    private readonly rest: (head: readonly RankedPhoto[]) => RankedPhoto[],
    /** Set for a list in date order (then `head` is the whole list): the days it covers, for a timeline's headers. */
    private readonly dayOf?: () => Map<number, string | null>,
  ) {}

  page(offset: number, k: number): RankedPhoto[] {
    if (offset + k <= this.head.length || this.head.length >= this.total) return this.head.slice(offset, offset + k);
    this.full ??= [...this.head, ...this.rest(this.head)];
    return this.full.slice(offset, offset + k);
  }

  /** The whole list as runs of one day (contract DayRun), matches and weaker matches apart; null unless in date order. Read once. */
  days(): DayRun[] | null {
    if (!this.dayOf) return null;
    if (this.dayRuns) return this.dayRuns;
    const dayOf = this.dayOf();
    const runs: DayRun[] = [];
    this.head.forEach((p, i) => {
      const day = dayOf.get(p.id) ?? null;
      const last = runs[runs.length - 1];
      if (last && last.day === day && i !== this.matches) last.count += 1;
      else runs.push({ day, count: 1 });
    });
    this.dayRuns = runs;
    return runs;
  }
}

/** The calendar day where each photo the filter leaves was taken (`taken_local` is wall-clock fields as UTC ms). */
function daysTaken(store: LibraryStore, filter: SqlFilter | null): Map<number, string | null> {
  const rows = store.db
    .prepare(`SELECT p.id, date(p.taken_local / 1000, 'unixepoch') AS day FROM photos p ${whereClause(filter)}`)
    .raw()
    .all(...(filter?.params ?? [])) as Array<[number, string | null]>;
  return new Map(rows);
}

/** By the clock where each photo was taken (`taken_local`), so the order agrees with the days shown. */
const DATE_ORDER: Record<Exclude<SortOrder, 'relevance'>, string> = {
  newest: 'p.taken_local DESC, p.id DESC',
  oldest: 'p.taken_local ASC, p.id ASC',
};

function bothFilters(a: SqlFilter | null, b: SqlFilter | null): SqlFilter | null {
  if (!a || !b) return a ?? b;
  return { where: `(${a.where}) AND (${b.where})`, params: [...a.params, ...b.params] };
}

function whereClause(filter: SqlFilter | null): string {
  return filter ? `WHERE ${filter.where}` : '';
}

/** Ids of the photos the filter leaves, in date order. */
function idsByDate(store: LibraryStore, filter: SqlFilter | null, order: Exclude<SortOrder, 'relevance'>): number[] {
  return store.db
    .prepare(`SELECT p.id FROM photos p ${whereClause(filter)} ORDER BY ${DATE_ORDER[order]}`)
    .pluck()
    .all(...(filter?.params ?? [])) as number[];
}

function plain(id: number, match: boolean): RankedPhoto {
  return { id, match, score: null, relevance: 0, strength: 'weak', reasons: [] };
}

/** Sorts ranked photos by date, keeping matches ahead of the rest. */
function byDate(store: LibraryStore, photos: RankedPhoto[], filter: SqlFilter | null, order: Exclude<SortOrder, 'relevance'>): RankedPhoto[] {
  const position = new Map(idsByDate(store, filter, order).map((id, i) => [id, i]));
  const at = (p: RankedPhoto) => position.get(p.id) ?? Number.MAX_SAFE_INTEGER;
  return [...photos].sort((a, b) => Number(b.match) - Number(a.match) || at(a) - at(b));
}

/** The terms the model answers directly: the description and the further terms (texts, photos, files). */
function visualTerms(query: SearchQuery, description: string): QueryTerm[] {
  const terms: QueryTerm[] = description ? [{ kind: 'text', text: description, weight: query.descriptionWeight }] : [];
  return [...terms, ...query.terms];
}

/** What ranks the photos by their look: the model alone, or the cache model when the query has examples or feedback. */
type LookSource = Pick<VisualSource, 'answer' | 'relevance'> & { all(): SourceHit[] };

/**
 * The source of the description part: the model's cosines with a weighted sum of
 * the terms (sources/visual.ts), or, with examples or feedback, the cache model
 * over those photos and the words (learn/learned-source.ts), which beats their
 * centroid (see README, "Learning from examples").
 */
async function lookSource(
  ctx: SearchContext,
  query: SearchQuery,
  terms: QueryTerm[],
  filter: SqlFilter | null,
  /** Ascending ids of the photos the filter leaves; null without a filter. */
  allowed: readonly number[] | null,
): Promise<LookSource | null> {
  const { store, model } = ctx;
  const { like, unlike, weight } = query.examples;
  const learning = like.length + unlike.length + query.feedback.up.length + query.feedback.down.length > 0;
  if (!learning && terms.length === 0) return null;
  if (!learning && !terms.some((t) => t.weight > 0)) {
    throw new InputError(
      query.terms.map((t) => (t.kind === 'text' ? t.text : '')).join(' '),
      'A query needs something to look for, not only things to leave out: add words or a photo.',
    );
  }
  // With a filter, the photos it leaves stand in for those of them with a vector: all but the few still being embedded.
  const population = allowed ? allowed.length : ctx.embedded;
  const want = query.offset + query.k;
  const sample = ctx.sample();
  const resolved = terms.some((t) => t.weight > 0) ? await resolveQuery(terms, model, store, ctx.textCache) : null;
  const worded = terms.some((t) => t.kind === 'text' && t.weight > 0);
  if (!learning) {
    const source = new VisualSource(
      { store, modelId: model.id, index: ctx.index, sample, allowed, population },
      { vector: resolved!.vector, exclude: resolved!.exampleIds, describes: worded ? 'the query' : 'the example photos', minScore: query.minScore },
      want,
    );
    return { answer: (part) => source.answer(part), relevance: (score, match) => source.relevance(score, match), all: () => source.all() };
  }
  const text = resolved ? textTerm(resolved.vector, sample, ctx.index.hnsw.search(resolved.vector, 1)[0]?.score ?? 0) : null;
  const source = new LearnedSource(
    { ranker: ctx.exampleRanker(filter, allowed), sample, population, allowed: allowed && allowed.length <= EXACT_SCAN_LIMIT ? allowed : null },
    {
      examples: [...like, ...query.feedback.up],
      counterExamples: [...unlike, ...query.feedback.down],
      text,
      params: { ...DEFAULT_CACHE_PARAMS, alpha: DEFAULT_CACHE_PARAMS.alpha * weight },
    },
    want,
    // The examples of "more like these" are what the user has; photos marked on the results stay in them.
    new Set([...like, ...(resolved?.exampleIds ?? [])]),
    worded ? 'the examples and the words' : 'the examples',
  );
  return {
    answer: (part) => source.answer(part),
    relevance: (score, match) => source.relevance(score, match),
    all: () => source.all(() => (allowed ? [...allowed] : idsWhere(store, null))),
  };
}

function idsWhere(store: LibraryStore, filter: SqlFilter | null): number[] {
  return store.db
    .prepare(`SELECT p.id FROM photos p ${whereClause(filter)}`)
    .pluck()
    .all(...(filter?.params ?? [])) as number[];
}

/** Ascending ids of the photos both `base` and every one of `listed` leave: the listed ones from their own tables. */
function allowedIds(store: LibraryStore, base: SqlFilter | null, listed: readonly IdFilter[]): number[] {
  // Sorted here, natively: ORDER BY p.id made SQLite walk the photos table in id order instead of the filter's index.
  let ids = base ? Array.from(Float64Array.from(idsWhere(store, base)).sort()) : null;
  for (const f of listed) ids = ids ? intersectSorted(ids, f.ids()) : f.ids();
  return ids ?? [];
}

/**
 * Ranks the library for a query. Each part of the query (sources/source.ts) is
 * answered by every source that can confirm it: the model for the description
 * (with the cutoff of ranking/cutoff.ts), file and folder names for any words,
 * places, dates and cameras for the parts that name them, words in photos for
 * any words; reciprocal rank fusion merges the answers (ranking/fusion.ts).
 * @throws InputError when the terms cancel each other out; LibraryError for an example photo that is not indexed
 */
export async function rankLibrary(ctx: SearchContext, query: SearchQuery): Promise<Ranking> {
  const { store } = ctx;
  const { places, labels, album, ...filters } = query.filters;
  const base = filterSql(filters);
  const listed = [
    places?.length ? ctx.listedFilter(`place\u0000${JSON.stringify(places)}`, () => placeFilter(store, places)) : null,
    labels?.length ? ctx.listedFilter(`label\u0000${JSON.stringify(labels)}`, () => labelFilterSql(store.db, ctx.model.id, labels)) : null,
    album ? ctx.listedFilter(`album\u0000${album}`, () => albumFilterSql(store.db, ctx.model.id, [album])) : null,
  ].filter((f): f is IdFilter => f !== null);
  const filter = listed.reduce(bothFilters, base);
  // The photos the filter leaves, listed once for every source that scores them all.
  const allowed = filter ? allowedIds(store, base, listed) : null;
  const total = allowed ? allowed.length : store.photos.count();
  const { parts, description, named } = interpret(query, ctx.cameras(), ctx.findPlaces);
  const terms = visualTerms(query, description);
  const order = query.sort === 'relevance' ? 'newest' : query.sort;

  const learning = query.examples.like.length + query.examples.unlike.length + query.feedback.up.length + query.feedback.down.length > 0;
  if (parts.length === 0 && terms.length === 0 && !learning) {
    const ids = idsByDate(store, filter, order);
    return new Ranking(
      ids.map((id) => plain(id, true)),
      ids.length,
      ids.length,
      () => [],
      () => daysTaken(store, filter),
    );
  }

  // The model's answer waits for the text encoder (on its own thread); the literal sources are answered meanwhile.
  const looking = lookSource(ctx, query, terms, filter, allowed);
  looking.catch(() => undefined);

  // The other sources filter by the SQL part of the filter, and by the ids listed above for labels, places and albums:
  // as SQL those cost each source a pass over thousands of rows.
  const keep = listed.length > 0 && allowed ? new Set(allowed) : null;
  const sourceFilter = keep ? base : filter;
  const literal: SourceAnswer[] = [];
  const add = (answer: SourceAnswer) => literal.push(keep ? { ...answer, hits: answer.hits.filter((h) => keep.has(h.id)) } : answer);
  for (const part of parts) {
    if (part.words.length > 0) add(nameAnswer(store, part, sourceFilter));
    if (part.words.length > 0) add(ctx.wordsInPhotos(part, sourceFilter));
    if (part.kind === 'place') add(ctx.placeAnswer(part, named.get(part.key) ?? [], sourceFilter));
    if (part.kind === 'camera') add(cameraAnswer(store, part, named.get(part.key) ?? [], sourceFilter));
  }
  query.dateWords.forEach((date, i) => {
    const part = parts.filter((p) => p.kind === 'date')[i];
    if (part) add(ctx.dateAnswer(part, date, sourceFilter));
  });

  const visual = await looking;
  if (visual && !parts.some((p) => p.key === 'description')) parts.unshift({ key: 'description', kind: 'description', words: [], text: '' });
  const visualAnswer = visual?.answer('description');
  const answers = visualAnswer ? [visualAnswer, ...literal] : literal;

  const { ranked, matches } = fuse(parts, answers);
  const scores = new Map(visualAnswer?.hits.map((h) => [h.id, h.score]));
  const lookMatches = new Set(visualAnswer?.hits.filter((h) => h.match).map((h) => h.id));
  const head = ranked.map((h): RankedPhoto => {
    const score = scores.get(h.id) ?? null;
    // A match the look did not confirm was confirmed literally (its name, words, place, date): that is as strong as it gets.
    const literal = h.match && !lookMatches.has(h.id);
    const shown =
      visual && score !== null && !literal
        ? visual.relevance(score, h.match)
        : { value: h.match ? 100 : 0, strength: h.match ? ('strong' as const) : ('weak' as const) };
    return { id: h.id, match: h.match, score, relevance: shown.value, strength: shown.strength, reasons: h.reasons };
  });

  const rest = (seen: readonly RankedPhoto[]): RankedPhoto[] => {
    const known = new Set(seen.map((p) => p.id));
    if (visual) {
      return visual
        .all()
        .filter((h) => !known.has(h.id))
        .map((h) => {
          const shown = visual.relevance(h.score, false);
          return { id: h.id, match: false, score: h.score, relevance: shown.value, strength: shown.strength, reasons: [h.reason] };
        });
    }
    return idsByDate(store, filter, order)
      .filter((id) => !known.has(id))
      .map((id) => plain(id, false));
  };

  if (query.sort === 'relevance') return new Ranking(head, matches, total, rest);
  const everything = byDate(store, [...head, ...rest(head)], filter, query.sort);
  return new Ranking(
    everything,
    matches,
    total,
    () => [],
    () => daysTaken(store, filter),
  );
}
