import type { AlbumSummary, ApplyReport, CategoryInfo, FitReport, LabelInfo, PhotoSearchApi } from '../../../src-main/core/api/contract.ts';
import { toApiError } from '../api/api-error.ts';

/** The operations the albums, labels and categories panels use. */
export type OrganizeApi = Pick<
  PhotoSearchApi,
  | 'albums'
  | 'createAlbum'
  | 'addToAlbum'
  | 'removeFromAlbum'
  | 'deleteAlbum'
  | 'labels'
  | 'addLabel'
  | 'removeLabel'
  | 'categories'
  | 'tagPhotos'
  | 'untagPhotos'
  | 'deleteCategory'
  | 'fitClassifiers'
  | 'applyClassifiers'
>;

/** What a new album is made from: a name, words that describe it, photos of the library as examples. */
export interface NewAlbum {
  name: string;
  description?: string;
  examples?: number[];
}

/**
 * The user's ways of organising the library, as the sidebar and its panels show them:
 * smart albums, the label vocabulary, and personal categories with the classifiers
 * fitted on them. Each list is read from the engine when asked and again after every
 * change made here. `fit` is the last FitReport: shown before anything is applied, and
 * dropped when the tags change (it no longer describes them).
 */
export class OrganizeState {
  albums = $state.raw<AlbumSummary[]>([]);
  labels = $state.raw<LabelInfo[]>([]);
  categories = $state.raw<CategoryInfo[]>([]);
  fit = $state.raw<FitReport | null>(null);
  /** What the last "Apply to library" labelled; dropped with `fit`. */
  applied = $state.raw<ApplyReport | null>(null);
  /** An operation is under way: its name ('train', 'apply', 'album', ...), for a spinner on its button. */
  busy = $state<string | null>(null);
  /** The last failure, in plain words; cleared by the next operation. */
  error = $state<string | null>(null);

  constructor(private readonly api: OrganizeApi) {}

  /** Runs one operation: marks it busy, keeps its error for the panel, and resolves to null when it failed. */
  private async run<T>(name: string, work: () => Promise<T>): Promise<T | null> {
    this.busy = name;
    this.error = null;
    try {
      return await work();
    } catch (err) {
      this.error = toApiError(err).message;
      return null;
    } finally {
      this.busy = null;
    }
  }

  async loadAlbums(): Promise<void> {
    const albums = await this.run('albums', () => this.api.albums({}));
    if (albums) this.albums = albums;
  }

  async loadLabels(): Promise<void> {
    const labels = await this.run('labels', () => this.api.labels({}));
    if (labels) this.labels = labels;
  }

  async loadCategories(): Promise<void> {
    const categories = await this.run('categories', () => this.api.categories({}));
    if (categories) this.categories = categories;
  }

  /** Makes a smart album; the engine fills it from the library. Null when it was refused (see `error`). */
  async createAlbum(album: NewAlbum): Promise<AlbumSummary | null> {
    const made = await this.run('album', () => this.api.createAlbum(album));
    if (made) await this.loadAlbums();
    return made;
  }

  async addToAlbum(album: string, photoIds: number[]): Promise<boolean> {
    const done = await this.run('album', () => this.api.addToAlbum({ album, photoIds }));
    if (done) await this.loadAlbums();
    return done !== null;
  }

  async removeFromAlbum(album: string, photoIds: number[]): Promise<boolean> {
    const done = await this.run('album', () => this.api.removeFromAlbum({ album, photoIds }));
    if (done) await this.loadAlbums();
    return done !== null;
  }

  async deleteAlbum(album: string): Promise<boolean> {
    const done = await this.run('album', () => this.api.deleteAlbum({ album }));
    if (done) await this.loadAlbums();
    return done !== null;
  }

  async addLabel(name: string): Promise<boolean> {
    const added = await this.run('label', () => this.api.addLabel({ name }));
    if (added) await this.loadLabels();
    return added !== null;
  }

  async removeLabel(name: string): Promise<boolean> {
    const removed = await this.run('label', () => this.api.removeLabel({ name }));
    if (removed) await this.loadLabels();
    return removed !== null;
  }

  /** Tags photos with a category, new or existing; the fitted report no longer holds. */
  async tag(name: string, photoIds: number[]): Promise<boolean> {
    const categories = await this.run('tag', () => this.api.tagPhotos({ name, photoIds }));
    if (!categories) return false;
    this.categories = categories;
    this.fit = null;
    this.applied = null;
    return true;
  }

  async untag(name: string, photoIds: number[]): Promise<boolean> {
    const categories = await this.run('tag', () => this.api.untagPhotos({ name, photoIds }));
    if (!categories) return false;
    this.categories = categories;
    this.fit = null;
    this.applied = null;
    return true;
  }

  async deleteCategory(name: string): Promise<boolean> {
    const categories = await this.run('tag', () => this.api.deleteCategory({ name }));
    if (!categories) return false;
    this.categories = categories;
    this.fit = null;
    this.applied = null;
    return true;
  }

  /** Fits the classifiers on the tagged photos and keeps the report; applies nothing. */
  async train(): Promise<FitReport | null> {
    const fit = await this.run('train', () => this.api.fitClassifiers({}));
    if (fit) {
      this.fit = fit;
      this.applied = null;
    }
    return fit;
  }

  /** Labels the library with the fitted classifiers at `blend` (0 = zero-shot only, 1 = classifier only). */
  async apply(blend: number): Promise<boolean> {
    const applied = await this.run('apply', () => this.api.applyClassifiers({ blend }));
    if (!applied) return false;
    this.applied = applied;
    await this.loadLabels();
    return true;
  }
}
