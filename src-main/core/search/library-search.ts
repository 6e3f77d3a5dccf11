import type { SearchHit, SearchQuery, SearchResult } from '../api/contract.ts';
import { ExampleRanker } from '../learn/example-ranking.ts';
import type { ClipModel } from '../models/types.ts';
import { findPlaces } from '../places/place-query.ts';
import type { LibraryStore } from '../store/library-store.ts';
import type { IdFilter, SqlFilter } from './filters.ts';
import type { ModelIndex } from './model-index.ts';
import { LibrarySample } from './ranking/library-sample.ts';
import { rankLibrary, type Ranking, type SearchContext } from './search.ts';
import { CameraNames } from './sources/cameras.ts';
import { dateAnswer } from './sources/dates.ts';
import { placeSource } from './sources/places.ts';
import { wordsInPhotosAnswer } from './sources/words-in-photos.ts';
import { TextEmbeddingCache } from './text-cache.ts';

/** Rankings kept for paging: the pages of the last few queries are read without ranking again. */
const KEPT_RANKINGS = 8;
/** Cache-model rankers kept: one per result list the user is teaching. */
const KEPT_RANKERS = 4;
/** Label, place and album filters kept for the library's current version. */
const KEPT_FILTERS = 16;

/**
 * Search over one library: ranks queries (search.ts), keeps the library sample
 * each model's cutoff needs, and keeps recent rankings so that paging through a
 * long list does not rank it again. A ranking is reused only while the library
 * is unchanged (this process's writes bump the model's generation; another
 * process's commits change SQLite's data_version).
 */
export class LibrarySearch {
  private readonly textCache = new TextEmbeddingCache();
  private readonly samples = new Map<string, LibrarySample>();
  private readonly rankings = new Map<string, Ranking>();

  constructor(private readonly store: LibraryStore) {}

  private cameraNames: { version: string; names: CameraNames } | null = null;
  /** Rankers of the cache model, per model, library state and filter: a click on a result list reuses its neighbourhoods. */
  private readonly rankers = new Map<string, ExampleRanker>();

  private exampleRanker(model: ClipModel, index: ModelIndex, version: string, filter: SqlFilter | null, allowed: readonly number[] | null): ExampleRanker {
    const key = `${model.id}\u0000${version}\u0000${JSON.stringify(filter)}`;
    let ranker = this.rankers.get(key);
    if (!ranker) {
      const left = allowed ? new Set(allowed) : null;
      ranker = new ExampleRanker(index.hnsw, (ids) => this.store.embeddings.vectors(model.id, ids), left ? (id) => left.has(id) : undefined);
      this.rankers.set(key, ranker);
      if (this.rankers.size > KEPT_RANKERS) this.rankers.delete(this.rankers.keys().next().value as string);
    }
    return ranker;
  }

  /**
   * Drops the kept rankings: a write of this process that the version does not see (an
   * album's members, a label correction, applied classifiers) may change any list.
   */
  forgetRankings(): void {
    this.rankings.clear();
    this.rankers.clear();
    this.listed = null;
  }

  /** Label, place and album filters of the library's current version, by model and filter (SearchContext.listedFilter). */
  private listed: { version: string; filters: Map<string, IdFilter | null> } | null = null;

  private listedFilter(version: string, modelId: string, key: string, make: () => IdFilter | null): IdFilter | null {
    if (this.listed?.version !== version) this.listed = { version, filters: new Map() };
    const full = `${modelId}\u0000${key}`;
    const { filters } = this.listed;
    if (!filters.has(full)) {
      const made = make();
      let ids: number[] | null = null;
      filters.set(full, made && { ...made, ids: () => (ids ??= made.ids()) });
      if (filters.size > KEPT_FILTERS) filters.delete(filters.keys().next().value as string);
    }
    return filters.get(full)!;
  }

  /** What a ranking depends on: the model's vectors (generation, count), the photos, and other processes' commits. */
  private version(modelId: string): { key: string; embedded: number; photos: number } {
    const stamp = this.store.embeddings.stamp(modelId);
    const dataVersion = this.store.db.pragma('data_version', { simple: true }) as number;
    const embedded = stamp?.count ?? 0;
    const photos = this.store.photos.count();
    return { key: `${stamp?.generation ?? 0}:${embedded}:${photos}:${dataVersion}`, embedded, photos };
  }

  private cameras(version: string): CameraNames {
    if (this.cameraNames?.version !== version) this.cameraNames = { version, names: CameraNames.read(this.store) };
    return this.cameraNames.names;
  }

  /**
   * Does now what the first query of a model would otherwise do before it is answered:
   * draws the library sample, reads the camera names and indexes the place names. Meant
   * for while the model's text encoder loads (on a worker thread).
   */
  prepare(model: Pick<ClipModel, 'id' | 'dim'>, index: ModelIndex): void {
    const version = this.version(model.id);
    this.sample(model, index, version.embedded);
    this.cameras(version.key);
    findPlaces(this.store, []);
  }

  private sample(model: Pick<ClipModel, 'id' | 'dim'>, index: ModelIndex, embedded: number): LibrarySample {
    let sample = this.samples.get(model.id);
    if (!sample || sample.isStale(embedded)) {
      // From the index's vectors in memory: listing the ids and reading 4,096 scattered rows from SQLite cost about 500 ms at 100,000 photos.
      const from = {
        ids: () => Array.from(Float64Array.from(index.vectors.idsView()).sort()),
        rows: (ids: number[]) => index.vectors.subset(ids),
      };
      sample = LibrarySample.draw(this.store, model.id, model.dim, from);
      this.samples.set(model.id, sample);
    }
    return sample;
  }

  /**
   * One page of the ranking of `query`, with each photo's summary, relevance and reasons.
   * @throws InputError / LibraryError from ranking (search.ts rankLibrary)
   */
  async search(model: ClipModel, index: ModelIndex, query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const { k, offset, ...rest } = query;
    const version = this.version(model.id);
    const key = `${model.id}\u0000${version.key}\u0000${JSON.stringify(rest)}`;
    let ranking = this.rankings.get(key);
    if (!ranking) {
      const ctx: SearchContext = {
        store: this.store,
        model,
        index,
        textCache: this.textCache,
        sample: () => this.sample(model, index, version.embedded),
        cameras: () => this.cameras(version.key),
        exampleRanker: (filter, allowed) => this.exampleRanker(model, index, version.key, filter, allowed),
        listedFilter: (filterKey, make) => this.listedFilter(version.key, model.id, filterKey, make),
        embedded: version.embedded,
        dateAnswer: (part, date, filter) => dateAnswer(this.store, part, date, filter),
        wordsInPhotos: (part, filter) => wordsInPhotosAnswer(this.store, part, filter),
        ...placeSource(this.store),
      };
      ranking = await rankLibrary(ctx, query);
      this.rankings.set(key, ranking);
      if (this.rankings.size > KEPT_RANKINGS) this.rankings.delete(this.rankings.keys().next().value as string);
    }
    const page = ranking.page(offset, k);
    const summaries = this.store.photos.summaries(page.map((p) => p.id));
    const hits = page.flatMap((p): SearchHit[] => {
      const summary = summaries.get(p.id);
      return summary ? [{ ...summary, score: p.score, match: p.match, relevance: p.relevance, strength: p.strength, reasons: p.reasons }] : [];
    });
    const days = offset === 0 ? ranking.days() : null;
    return {
      hits,
      matches: ranking.matches,
      total: ranking.total,
      offset,
      ...(days ? { days } : {}),
      model: model.name,
      unindexed: Math.max(0, version.photos - version.embedded),
      tookMs: performance.now() - started,
    };
  }
}
