import type { Filters } from '../../api/contract.ts';
import { InputError, LibraryError } from '../../errors.ts';
import type { ClipModel } from '../../models/types.ts';
import { filterSql, type SqlFilter } from '../../search/filters.ts';
import { LibrarySample } from '../../search/ranking/library-sample.ts';
import { placeFilter } from '../../search/sources/places.ts';
import { AlbumTables, type AlbumMember, type StoredAlbum } from '../../store/albums.ts';
import { LearnSeenTable } from '../../store/learn-seen.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import { l2normalize } from '../../vectors/math.ts';
import { strengthOf } from '../labels/calibration.ts';
import { embedEnsembles } from '../labels/prompts.ts';
import { labelKey, labelName, MAX_LABEL_LENGTH } from '../labels/vocabulary.ts';
import { albumScore, fillAlbum, type AlbumScorer } from './support-set.ts';
import type { AlbumSummary } from '../../api/contract.ts';

/** What the user gives to make an album: a name, and optionally what it is about, example photos and filters. */
export interface AlbumInput {
  name: string;
  description?: string;
  /** Photos that belong in it: they are members whatever the model says, and part of its support set. */
  examples?: readonly number[];
  filters?: Filters;
}

export type { AlbumSummary };

export interface AlbumPhoto {
  id: number;
  /** 0..1 (labels/calibration.ts strengthOf); 1 for a photo the user added. */
  strength: number;
  /** auto: the album found it; added: the user put it there. */
  origin: 'auto' | 'added';
}

export interface AlbumPage {
  album: AlbumSummary;
  /** Members, the user's additions first, then the best match first. */
  photos: AlbumPhoto[];
  total: number;
  offset: number;
}

/** What the index-time hook did. */
export interface AlbumUpdate {
  albums: number;
  /** Albums filled again from the whole library (a new model, or a library changed by a tenth). */
  refilled: number;
  /** Photos looked at since the last call. */
  photosChecked: number;
  /** Of those, photos that joined an album. */
  photosAdded: number;
}

/** An album is filled again from the whole library once the library has changed by this share since. */
const REFILL_CHANGE = 0.1;
/** Share of the query the example photos make up when the album has a name and examples (the search box's image weight). */
const EXAMPLE_WEIGHT = 0.5;

interface ScorerState extends AlbumScorer {
  /** The photos the user had added when it was filled: a change fills it again. */
  examples: number[];
}

/**
 * Smart albums: made from a name (and optionally a description, example photos and
 * filters), filled from the library (support-set.ts), kept per model, updated when
 * photos are indexed, with the user's additions and removals kept over every update.
 */
export class AlbumService {
  private readonly tables: AlbumTables;
  private readonly seen: LearnSeenTable;

  constructor(private readonly store: LibraryStore) {
    this.tables = new AlbumTables(store.db);
    this.seen = new LearnSeenTable(store.db);
  }

  /** Every album, by name, with its size for the model. */
  list(modelId: string | null): AlbumSummary[] {
    return this.tables.list().map((a) => this.summary(a, modelId));
  }

  /**
   * Makes an album and, with a model, fills it from the library.
   * @throws InputError for an empty or over-long name, a name already taken, or bad filters
   */
  async create(input: AlbumInput, model: ClipModel | null): Promise<AlbumSummary> {
    const name = labelName(input.name);
    const key = labelKey(name);
    if (!key) throw new InputError(input.name, 'An album needs a name, such as "Hiking".');
    if (key.length > MAX_LABEL_LENGTH)
      throw new InputError(input.name, `An album name has at most ${MAX_LABEL_LENGTH} characters; this one has ${key.length}.`);
    if (this.tables.byKey(key)) throw new InputError(input.name, `There is already an album called "${name}".`);
    const filters = input.filters ?? {};
    filterSql(filters);
    const description = input.description?.trim() || null;
    const id = this.store.transaction(() => {
      const albumId = this.tables.insert({ key, name, description, filters: JSON.stringify(filters) });
      if (input.examples?.length) this.tables.setEdits(albumId, input.examples, 'added');
      return albumId;
    });
    if (model) await this.refillOne(this.tables.byId(id)!, model);
    return this.summary(this.tables.byId(id)!, model?.id ?? null);
  }

  /** One page of an album's photos for the model. @throws LibraryError (not-found) */
  show(album: string | number, modelId: string | null, page: { offset?: number; k?: number } = {}): AlbumPage {
    const stored = this.find(album);
    const offset = page.offset ?? 0;
    const all = this.photos(stored, modelId);
    return { album: this.summary(stored, modelId), photos: all.slice(offset, offset + (page.k ?? all.length)), total: all.length, offset };
  }

  /** Puts photos in the album: they stay whatever the model says. @throws LibraryError (not-found) */
  add(album: string | number, photoIds: readonly number[], modelId: string | null): AlbumSummary {
    const stored = this.find(album);
    this.tables.setEdits(stored.id, photoIds, 'added');
    return this.summary(stored, modelId);
  }

  /** Takes photos out of the album: they stay out whatever the model says. @throws LibraryError (not-found) */
  remove(album: string | number, photoIds: readonly number[], modelId: string | null): AlbumSummary {
    const stored = this.find(album);
    this.tables.setEdits(stored.id, photoIds, 'removed');
    return this.summary(stored, modelId);
  }

  /** Deletes the album (never a photo). @throws LibraryError (not-found) */
  delete(album: string | number): void {
    this.tables.delete(this.find(album).id);
  }

  /** Fills the album again from the whole library, with the user's current additions as examples. @throws LibraryError (not-found) */
  async refresh(album: string | number, model: ClipModel): Promise<AlbumSummary> {
    const stored = this.find(album);
    await this.refillOne(stored, model);
    return this.summary(stored, model.id);
  }

  /**
   * The hook to call after indexing and after a model switch: an album the model has
   * not filled yet, or filled when the library was a tenth smaller or larger, is
   * filled again; otherwise only the photos indexed since the last call are scored,
   * with the album's stored scorer, and join it when they stand out.
   */
  async update(model: ClipModel): Promise<AlbumUpdate> {
    const albums = this.tables.list();
    const embedded = this.store.embeddings.stamp(model.id)?.count ?? 0;
    const unseen = this.seen.unseen('albums', model.id);
    const result: AlbumUpdate = { albums: albums.length, refilled: 0, photosChecked: unseen.length, photosAdded: 0 };
    const incremental: Array<{ album: StoredAlbum; scorer: ScorerState }> = [];
    for (const album of albums) {
      const stored = this.tables.scorer(album.id, model.id);
      const state = stored ? (JSON.parse(stored.state) as ScorerState) : null;
      if (!state || isStale(stored!.population, embedded) || !sameIds(state.examples, this.added(album.id))) {
        await this.refill(album, model);
        result.refilled++;
      } else incremental.push({ album, scorer: state });
    }
    if (unseen.length > 0) {
      const vectors = this.store.embeddings.vectors(model.id, unseen);
      for (const { album, scorer } of incremental) {
        const allowed = this.allowed(album, unseen);
        const support = [...this.store.embeddings.vectors(model.id, scorer.support)].map(([id, vector]) => ({ id, vector }));
        const query = Float32Array.from(scorer.query);
        const joined: AlbumMember[] = [];
        for (const [id, x] of vectors) {
          if (!allowed.has(id) || scorer.threshold === null) continue;
          const score = albumScore(scorer, query, support, id, x);
          if (score >= scorer.threshold) joined.push({ photoId: id, score, strength: strengthOf(score, scorer.combined) });
        }
        this.store.transaction(() => {
          this.tables.dropMembers(album.id, model.id, unseen);
          this.tables.addMembers(album.id, model.id, joined);
        });
        result.photosAdded += joined.length;
      }
    }
    this.seen.markSeen('albums', model.id, unseen);
    return result;
  }

  /**
   * Fills one album from the whole library. The others are brought up to date first,
   * so that afterwards every album has seen every photo.
   */
  private async refillOne(album: StoredAlbum, model: ClipModel): Promise<void> {
    await this.update(model);
    await this.refill(album, model);
    this.seen.markAllSeen('albums', model.id);
  }

  private async refill(album: StoredAlbum, model: ClipModel): Promise<void> {
    const examples = this.added(album.id);
    const query = await this.query(album, model, examples);
    const sample = LibrarySample.draw(this.store, model.id, model.dim);
    const { scorer, members, population } = fillAlbum(this.store, model.id, sample, query, examples, this.filter(album));
    const state: ScorerState = { ...scorer, examples };
    this.store.transaction(() => {
      this.tables.putScorer(album.id, model.id, JSON.stringify(state), population);
      this.tables.replaceMembers(
        album.id,
        model.id,
        members.map((m) => ({ photoId: m.id, score: m.score, strength: strengthOf(m.score, scorer.combined) })),
      );
    });
  }

  /**
   * The album's query: the prompt ensemble of its name (prompts.ts), plus its
   * description as written, plus the mean of the photos the user put in it.
   */
  private async query(album: StoredAlbum, model: ClipModel, examples: readonly number[]): Promise<Float32Array> {
    const [named] = await embedEnsembles(model, [{ name: album.name }]);
    const text = Float32Array.from(named);
    if (album.description) {
      const [described] = await model.encodeTexts([album.description]);
      for (let d = 0; d < text.length; d++) text[d] += described[d];
    }
    l2normalize(text);
    const shown = [...this.store.embeddings.vectors(model.id, examples).values()];
    if (shown.length === 0) return text;
    const mean = new Float32Array(model.dim);
    for (const v of shown) for (let d = 0; d < mean.length; d++) mean[d] += v[d];
    l2normalize(mean);
    return l2normalize(text.map((t, d) => (1 - EXAMPLE_WEIGHT) * t + EXAMPLE_WEIGHT * mean[d]));
  }

  private filter(album: StoredAlbum): SqlFilter | null {
    const { places, ...rest } = JSON.parse(album.filters) as Filters;
    const parts = [filterSql(rest), places?.length ? placeFilter(this.store, places) : null].filter((f): f is SqlFilter => f !== null);
    if (parts.length === 0) return null;
    return { where: parts.map((p) => `(${p.where})`).join(' AND '), params: parts.flatMap((p) => p.params) };
  }

  /** Which of these photos the album's filters leave. */
  private allowed(album: StoredAlbum, ids: readonly number[]): Set<number> {
    const filter = this.filter(album);
    if (!filter) return new Set(ids);
    return new Set(
      this.store.db
        .prepare(`SELECT p.id FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) AND (${filter.where})`)
        .pluck()
        .all(JSON.stringify(ids), ...filter.params) as number[],
    );
  }

  private added(albumId: number): number[] {
    return this.tables
      .edits(albumId)
      .filter((e) => e.action === 'added')
      .map((e) => e.photoId)
      .sort((a, b) => a - b);
  }

  private photos(album: StoredAlbum, modelId: string | null): AlbumPhoto[] {
    const edits = this.tables.edits(album.id);
    const removed = new Set(edits.filter((e) => e.action === 'removed').map((e) => e.photoId));
    const added = edits.filter((e) => e.action === 'added').map((e) => e.photoId);
    const addedSet = new Set(added);
    const auto = modelId ? this.tables.members(album.id, modelId).filter((m) => !removed.has(m.photoId) && !addedSet.has(m.photoId)) : [];
    return [
      ...added.map((id): AlbumPhoto => ({ id, strength: 1, origin: 'added' })),
      ...auto.map((m): AlbumPhoto => ({ id: m.photoId, strength: m.strength, origin: 'auto' })),
    ];
  }

  private summary(album: StoredAlbum, modelId: string | null): AlbumSummary {
    const photos = this.photos(album, modelId);
    const best = photos.find((p) => p.origin === 'auto') ?? photos[0];
    return {
      id: album.id,
      name: album.name,
      description: album.description,
      filters: JSON.parse(album.filters) as Filters,
      photos: photos.length,
      cover: best?.id ?? null,
      createdAt: album.createdAt,
    };
  }

  private find(album: string | number): StoredAlbum {
    const found = typeof album === 'number' ? this.tables.byId(album) : this.tables.byKey(labelKey(album));
    if (!found) throw new LibraryError('not-found', String(album), `No album is called "${album}". \`albums list\` shows them.`);
    return found;
  }
}

function isStale(population: number, embedded: number): boolean {
  return Math.abs(embedded - population) > REFILL_CHANGE * population;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
