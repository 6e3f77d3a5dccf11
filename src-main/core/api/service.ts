import fs from 'node:fs';
import path from 'node:path';
import type {
  PhotoText,
  TextReadingStatus,
  AlbumPage,
  AlbumSummary,
  ApplyReport,
  CategoryInfo,
  DuplicateReport,
  FitReport,
  LabelInfo,
  PhotoLabel,
  FolderStatus,
  HeatMap,
  HeldRemoval,
  IndexProgress,
  IndexStep,
  LibraryStatus,
  ModelListing,
  ModelsOverview,
  ModelSwitch,
  OperationInput,
  PhotoSearchApi,
  PhotoSummary,
  SearchResult,
} from './contract.ts';
import { searchInputSchema } from './contract.ts';
import { EngineEventBus } from './events.ts';
import { IndexRun } from './index-run.ts';
import { ModelLibrary } from './model-library.ts';
import { InputError, LibraryError, ModelError, PhotoSearchError, errorMessage } from '../errors.ts';
import type { DecodeProbe } from '../indexer/decode-probe.ts';
import { indexLibrary } from '../indexer/indexer.ts';
import { QueryPriority } from '../indexer/query-priority.ts';
import { startingProgress } from '../indexer/progress.ts';
import { describeHeld } from '../indexer/plan.ts';
import { fsReason } from '../media/fs-reason.ts';
import { displayPath, fsPath, realKeySync, userPathKeys } from '../media/path-key.ts';
import { makeThumbnail, thumbnailKey } from '../media/thumbnail.ts';
import { AlbumService } from '../learn/albums/album-service.ts';
import { findDuplicates } from '../learn/duplicate-report.ts';
import { PersonalHeads } from '../learn/heads/personal-heads.ts';
import { LabelService } from '../learn/labels/label-service.ts';
import { backfillPerceptualHashes } from '../learn/hash-backfill.ts';
import { heatMap, heatMapFromBoxes } from '../learn/heat-map.ts';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../learn/near-duplicates.ts';
import { identifyModel, loadModel, type ModelIdentity } from '../models/clip-model.ts';
import { resolvePlaces } from '../places/resolve-places.ts';
import { describeCpu } from '../models/int8-kernel.ts';
import type { ClipModel } from '../models/types.ts';
import { isWithin, LibraryPaths } from '../paths.ts';
import { ModelIndex } from '../search/model-index.ts';
import { LibrarySearch } from '../search/library-search.ts';
import { TextReader } from '../text/reader.ts';
import { searchPhotoText } from '../text/search-text.ts';
import { findTextModelEntry, installTextModel, resolveTextModelFiles, type TextModelEntry } from '../text/text-model.ts';
import { runTextStage } from '../text/text-stage.ts';
import { LibraryStore } from '../store/library-store.ts';
import { WriterLock, describeHolder } from '../store/writer-lock.ts';

export interface ServiceOptions {
  libraryDir: string;
  /** A model directory; when absent, the one last used with this library. */
  modelDir?: string;
  intraOpThreads?: number;
  batchSize?: number;
  decodeConcurrency?: number;
  /** A better-sqlite3 addon to load instead of node_modules' own (see openDatabase). */
  nativeBinding?: string;
  /**
   * Decodes a photo in a process of its own, to confirm that it crashes the decoder
   * before it is quarantined. Defaults to a child Node process (indexer/decode-probe.ts),
   * which Electron cannot start: the desktop engine passes one.
   */
  decodeProbe?: DecodeProbe;
}

export const NO_MODEL_HELP =
  'No model is set up. Install one with `photo-search models install clip-vit-b32-laion2b` (`photo-search models list` shows the others), ' +
  'or point --model at a model directory (Hugging Face ONNX layout: onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json, ' +
  'preprocessor_config.json, config.json). To try the app without downloading, create the test model with `npm run model:tiny -- <dir>`.';

interface ActiveModel {
  model: ClipModel;
  index: ModelIndex;
}

/** The engine behind every front end: one library, one active model. */
/** Library setting naming the OCR model chosen with useTextModel (absent: the catalog's default). */
const TEXT_MODEL_SETTING = 'text-model';

export class PhotoSearchService implements PhotoSearchApi {
  readonly events = new EngineEventBus();
  readonly paths: LibraryPaths;
  private readonly searcher: LibrarySearch;
  private readonly labelService: LabelService;
  private readonly albumService: AlbumService;
  private readonly personalHeads: PersonalHeads;
  private readonly library: ModelLibrary;
  private active: Promise<ActiveModel> | null = null;
  private pending: Promise<ActiveModel> | null = null;
  private run: IndexRun | null = null;
  /** Searches run before indexing work in this process (indexer/query-priority.ts). */
  private readonly queries = new QueryPriority();
  /** Only one process at a time indexes a library or writes its side files. */
  private readonly writer: WriterLock;

  private constructor(
    readonly store: LibraryStore,
    private readonly opts: ServiceOptions,
  ) {
    this.paths = new LibraryPaths(opts.libraryDir);
    this.writer = new WriterLock(opts.libraryDir, opts.nativeBinding);
    this.searcher = new LibrarySearch(store);
    this.labelService = new LabelService(store);
    this.albumService = new AlbumService(store);
    this.personalHeads = new PersonalHeads(store);
    this.library = new ModelLibrary(store, this.paths.models, this.events);
    if (opts.modelDir) this.library.setActive(opts.modelDir);
  }

  static open(opts: ServiceOptions): PhotoSearchService {
    return new PhotoSearchService(LibraryStore.open(opts.libraryDir, { nativeBinding: opts.nativeBinding }), opts);
  }

  /**
   * Loads the model and its vector index on first use; a failure is reported, then
   * retried next time. A model whose files changed on disk since it was loaded (a new
   * version copied over them) is loaded again, unless an index run is using it: that run
   * stops with the change named, and the next call loads it.
   */
  async activeModel(): Promise<ActiveModel> {
    const active = this.active;
    if (active) {
      const loaded = await active;
      if (this.run || !loaded.model.changedOnDisk()) return loaded;
      if (this.active === active) {
        this.active = null;
        loaded.index.checkpoint();
        loaded.index.close();
        await loaded.model.dispose();
        this.events.emit('library-changed', { reason: 'model-changed' });
      }
      return this.activeModel();
    }
    const loading = this.openModel(this.library.activeDir);
    loading.catch(() => (this.active = null));
    this.active = loading;
    return loading;
  }

  private pendingModel(): Promise<ActiveModel> | null {
    const dir = this.library.pendingDir;
    if (!dir) return null;
    if (!this.pending) {
      const loading = this.openModel(dir);
      loading.catch(() => (this.pending = null));
      this.pending = loading;
    }
    return this.pending;
  }

  private async openModel(dir: string | null): Promise<ActiveModel> {
    if (!dir) throw new ModelError('model-missing', this.paths.models, NO_MODEL_HELP);
    // A process that is not indexing saves the index only while no other process writes the library.
    const asWriter = <T>(write: () => T) => this.writer.ifFree('saving the search index', write);
    const openIndex = (m: ModelIdentity) => ModelIndex.load(this.store, this.paths.vectorIndex(m.id), m, { asWriter });
    // The text encoder starts loading first, on its own thread; the vectors are read and the first query's
    // preparations made here meanwhile. The image encoder loads when the first photo is embedded, on a thread of
    // its own so that queries are answered while it runs.
    const loading = loadModel(dir, { intraOpThreads: this.opts.intraOpThreads, vision: 'lazy', visionInWorker: true, textInWorker: true });
    // Awaited below; a failure while the encoder loads must not count as unhandled. A directory that is not a
    // model fails both, and loadModel's error is the one reported.
    loading.catch(() => undefined);
    const identity = await identifyModel(dir).catch(() => null);
    const early = identity ? openIndex(identity) : null;
    early?.then((index) => this.searcher.prepare(identity!, index)).catch(() => undefined);
    try {
      const model = await loading;
      const index = early && identity?.id === model.id ? await early : await openIndex(model);
      return { model, index };
    } catch (err) {
      void early?.then(
        (index) => index.close(),
        () => undefined,
      );
      throw err;
    }
  }

  async status(): Promise<LibraryStatus> {
    let model: LibraryStatus['model'] = null;
    let modelProblem: string | null = null;
    let index: LibraryStatus['index'] = { state: 'empty', detail: null, vectors: 0 };
    try {
      const a = await this.activeModel();
      // Another process may have changed the library: the figures below are of the index caught up.
      a.index.refresh();
      model = { id: a.model.id, name: a.model.name, dir: a.model.dir, dim: a.model.dim };
      index = {
        state: a.index.openState.rebuilt ? 'rebuilt' : a.index.size > 0 ? 'ok' : 'empty',
        detail: a.index.openState.reason,
        vectors: a.index.size,
      };
    } catch (err) {
      modelProblem = errorMessage(err);
    }
    return {
      libraryDir: this.opts.libraryDir,
      folders: this.folderStatuses(),
      photos: this.store.photos.count(),
      model,
      modelProblem,
      coverage: this.store.embeddings.coverage().map((c) => ({
        modelId: c.modelId,
        name: c.name,
        embedded: c.embedded,
        active: c.modelId === model?.id,
        pending: c.dir !== null && c.dir === this.library.pendingDir,
      })),
      index,
      failures: this.store.failures.list(),
      heldRemovals: this.heldRemovals(),
      indexing: this.run?.last ?? null,
      cpu: await describeCpu(),
      textReading: this.textReading(),
    };
  }

  private folderStatuses(): FolderStatus[] {
    return this.store.folders.list().map((f) => {
      const shown = displayPath(f.path);
      return {
        path: f.path,
        ...(shown === f.path ? {} : { displayPath: shown }),
        photos: f.photos,
        online: f.online,
        reason: f.offlineReason,
        lastScanAt: f.lastScanAt,
      };
    });
  }

  /** Photos no longer found whose removal waits for the user's confirmation, per library folder. */
  private heldRemovals(): HeldRemoval[] {
    const byFolder = new Map<number, string[]>();
    for (const { folderId, path: photo } of this.store.photos.heldRemovals()) byFolder.set(folderId, [...(byFolder.get(folderId) ?? []), photo]);
    return this.store.folders
      .list()
      .filter((f) => byFolder.has(f.id))
      .map((f) => describeHeld(f.path, byFolder.get(f.id)!, f.photos));
  }

  /** Runs a change of the library's folders as its one writer, waiting for another process's run to end. */
  private async asWriter<T>(task: string, change: () => T | Promise<T>): Promise<T> {
    await this.writer.acquire(task);
    try {
      return await change();
    } finally {
      this.writer.release();
      this.searcher.forgetRankings();
    }
  }

  async addFolders(input: OperationInput<'addFolders'>): Promise<FolderStatus[]> {
    const ids = await this.asWriter('adding folders', () => this.addFolderPaths(input.paths));
    this.events.emit('library-changed', { reason: 'folder-added' });
    const wanted = new Set(ids);
    const paths = this.store.folders
      .list()
      .filter((f) => wanted.has(f.id))
      .map((f) => f.path);
    return this.folderStatuses().filter((f) => paths.includes(f.path));
  }

  /**
   * Adds folders to the library, each by its real path (as a path key, media/path-key.ts),
   * so a folder reached through a link is the same folder. A folder inside one already
   * there is refused (its photos are already included); a folder that contains existing
   * ones absorbs them, keeping their photos and embeddings. The library's own folder,
   * where the app writes, is never a photo folder.
   */
  private addFolderPaths(paths: readonly string[]): number[] {
    const ids: number[] = [];
    // Its real path when it exists, as folders are compared by real path.
    const library = userPathKeys(this.paths.dir).at(-1)!;
    for (const p of paths) {
      const resolved = path.resolve(p);
      let real: string;
      try {
        real = realKeySync(resolved);
        if (!fs.statSync(fsPath(real)).isDirectory()) throw new InputError(p, `${p} is a file, not a folder. Give the folder that holds your photos.`);
      } catch (err) {
        if (err instanceof PhotoSearchError) throw err;
        throw folderProblem(p, err);
      }
      if (isWithin(library, real)) {
        throw new InputError(
          p,
          `${p} is inside the library folder ${library}, where photo-search keeps its own files; it is never indexed. Choose a folder that holds your photos.`,
        );
      }
      const existing = this.store.folders.list();
      const parent = existing.find((f) => f.path !== real && isWithin(f.path, real));
      if (parent) {
        ids.push(parent.id);
        continue;
      }
      this.store.transaction(() => {
        const id = this.store.folders.ensure(real);
        for (const child of existing.filter((f) => f.path !== real && isWithin(real, f.path))) {
          this.store.db.prepare('UPDATE photos SET folder_id = ? WHERE folder_id = ?').run(id, child.id);
          this.store.db.prepare('UPDATE failures SET folder_id = ? WHERE folder_id = ?').run(id, child.id);
          this.store.folders.remove(child.id);
        }
        ids.push(id);
      });
    }
    return ids;
  }

  async forgetFolder(input: OperationInput<'forgetFolder'>): Promise<{ removedPhotos: number }> {
    const keys = userPathKeys(input.path);
    const folder = this.store.folders.list().find((f) => keys.includes(f.path));
    if (!folder) {
      const known = this.store.folders.list().map((f) => f.path);
      throw new LibraryError('not-found', input.path, `${input.path} is not a library folder. Library folders: ${known.join(', ') || 'none'}.`);
    }
    if (this.run) await this.cancelIndexing();
    const ids = await this.asWriter('forgetting a folder', () =>
      this.store.transaction(() => {
        const inFolder = this.store.photos.inFolder(folder.id).map((p) => p.id);
        this.store.photos.remove(inFolder);
        this.store.folders.remove(folder.id);
        return inFolder;
      }),
    );
    if (this.active) {
      const a = await this.activeModel();
      a.index.remove(ids);
      a.index.checkpoint();
    }
    this.events.emit('library-changed', { reason: 'folder-removed' });
    return { removedPhotos: ids.length };
  }

  async index(input: OperationInput<'index'>): Promise<IndexProgress> {
    if (this.run) return this.run.promise;
    const folderIds = input.paths?.length ? this.addFolderPaths(input.paths) : this.store.folders.list().map((f) => f.id);
    if (folderIds.length === 0) {
      throw new InputError('', 'The library has no folders yet. Add one, e.g. `photo-search index ~/Pictures`.');
    }
    const active = await this.activeModel();
    const run = IndexRun.start(async (controls) => {
      const onProgress = (p: IndexProgress) => {
        controls.last = p;
        this.events.emit('index-progress', p);
      };
      try {
        await this.writer.acquire('indexing', {
          signal: controls.abort.signal,
          onWait: (holder) => onProgress({ ...startingProgress('waiting'), waitingFor: describeHolder(holder) }),
        });
      } catch (err) {
        if (!controls.abort.signal.aborted) throw err;
        const cancelled = startingProgress('cancelled');
        onProgress(cancelled);
        return cancelled;
      }
      try {
        return await this.indexHoldingLock(controls, folderIds, active, input.retryFailed ?? false, input.allowRemovals ?? false, onProgress);
      } finally {
        // The run's work goes into the main database file, so a lost or uncopied log cannot take it.
        this.store.checkpoint();
        this.writer.release();
      }
    });
    this.run = run;
    return run.promise.finally(() => {
      if (this.run === run) this.run = null;
      this.events.emit('library-changed', { reason: 'indexed' });
    });
  }

  private async indexHoldingLock(
    controls: IndexRun,
    folderIds: number[],
    active: ActiveModel,
    retryFailed: boolean,
    allowRemovals: boolean,
    onProgress: (p: IndexProgress) => void,
  ): Promise<IndexProgress> {
    // Another process may have indexed since this one loaded the index.
    active.index.refresh();
    (await this.pending?.catch(() => null))?.index.refresh();
    if (retryFailed) {
      // The scan skips a file that failed and did not change; forgetting the failures makes it read them again.
      this.store.transaction(() => {
        for (const id of folderIds) this.store.failures.clear(this.store.failures.inFolder(id).keys());
      });
    }
    const options = {
      folderIds,
      suspectsFile: this.paths.decodeSuspects,
      decodeProbe: this.opts.decodeProbe,
      retryQuarantined: retryFailed,
      allowRemovals,
      thumbnailsDir: this.paths.thumbnails,
      batchSize: this.opts.batchSize,
      decodeConcurrency: this.opts.decodeConcurrency,
      signal: controls.abort.signal,
      isPaused: () => controls.paused,
      // Queries go first: a run paused by the user or by a query starts nothing new.
      gate: async () => {
        await controls.gate();
        await this.queries.idle();
      },
      onProgress,
    };
    const result = await indexLibrary(this.store, active.model, active.index, { ...options, onProgress: organizingNext(onProgress) });
    const pending = result.phase === 'done' ? await this.pendingModel() : null;
    let embedded = result;
    if (pending) {
      // Search keeps the active model while the new one embeds every photo; it takes over only when complete.
      const switched = await indexLibrary(this.store, pending.model, pending.index, {
        ...options,
        scan: false,
        retryQuarantined: false,
        onProgress: organizingNext(onProgress),
      });
      if (switched.phase === 'done' && this.store.embeddings.missing(pending.model.id, pending.model.preprocessVersion).length === 0) {
        await this.promote(pending);
      }
      embedded = {
        ...result,
        phase: switched.phase,
        toEmbed: result.toEmbed + switched.toEmbed,
        embedded: result.embedded + switched.embedded,
        failed: result.failed + switched.failed,
      };
    }
    if (embedded.phase === 'cancelled') return embedded;
    await this.organize((await this.activeModel()).model, embedded, controls.abort.signal, onProgress);
    const final = { ...embedded, phase: controls.abort.signal.aborted ? ('cancelled' as const) : ('done' as const) };
    onProgress(final);
    return final;
  }

  /**
   * Reads the words in the photos that have none read yet (core/text), with the
   * built-in PP-OCRv4 model: after the embeddings, so search by meaning comes first.
   */
  private async readWords(signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<void> {
    if (!this.store.photoText.enabled()) return;
    const reader = await TextReader.open(resolveTextModelFiles(this.textModel(), this.paths.textModels));
    try {
      await runTextStage(this.store, reader, { signal, onProgress: (p) => onProgress(p.done, p.total) });
    } finally {
      await reader.dispose();
    }
  }

  /**
   * The steps that follow the embeddings in every run, each cheap when nothing is new:
   * places named from GPS positions, perceptual hashes for near-duplicates (photos indexed
   * before hashes existed), labels, personal classifiers, albums (which may filter by
   * labels), then the words in photos, the slowest. Search works on the new photos all along.
   */
  private async organize(model: ClipModel, base: IndexProgress, signal: AbortSignal, onProgress: (p: IndexProgress) => void): Promise<void> {
    const step = (name: IndexStep['name'], done = 0, total = 0) => onProgress({ ...base, phase: 'organizing', step: { name, done, total } });
    const steps: Array<[IndexStep['name'], () => Promise<unknown>]> = [
      ['places', () => resolvePlaces(this.store, { signal, onProgress: (done, total) => step('places', done, total) })],
      ['duplicates', () => backfillPerceptualHashes(this.store, { signal, onProgress: (p) => step('duplicates', p.done, p.total) })],
      ['labels', () => this.labelService.update(model)],
      ['classifiers', () => this.personalHeads.update(model)],
      ['albums', () => this.albumService.update(model)],
      ['text', () => this.readWords(signal, (done, total) => step('text', done, total))],
    ];
    for (const [name, run] of steps) {
      if (signal.aborted) return;
      step(name);
      await run();
    }
  }

  private async promote(next: ActiveModel): Promise<void> {
    const previous = await this.active?.catch(() => null);
    this.library.setActive(next.model.dir);
    this.active = Promise.resolve(next);
    this.pending = null;
    previous?.index.checkpoint();
    previous?.index.close();
    await previous?.model.dispose();
    this.events.emit('library-changed', { reason: 'model-changed' });
  }

  async models(): Promise<ModelsOverview> {
    return this.library.overview();
  }

  async installModel(input: OperationInput<'installModel'>): Promise<ModelListing> {
    const listing = await this.library.install(input.id, input.quantized ?? false);
    if (!this.library.activeDir) await this.useModel({ id: input.id });
    return (await this.library.overview()).models.find((m) => m.id === listing.id) ?? listing;
  }

  async importModel(input: OperationInput<'importModel'>): Promise<ModelListing> {
    const listing = await this.library.import(input.path, input.id);
    if (!this.library.activeDir) await this.useModel({ id: listing.id });
    return (await this.library.overview()).models.find((m) => m.id === listing.id) ?? listing;
  }

  async removeModel(input: OperationInput<'removeModel'>): Promise<{ removed: string }> {
    const dir = await this.library.dirOf(input.id);
    if (this.library.pendingDir === dir) await this.dropPending();
    await this.library.remove(input.id);
    return { removed: input.id };
  }

  /**
   * Makes a model the one search uses. With photos already embedded by another
   * model, the switch happens in the background: every photo is embedded with
   * the new model while search goes on with the old one, which it then replaces.
   */
  async useModel(input: OperationInput<'useModel'>): Promise<ModelSwitch> {
    const dir = await this.library.dirOf(input.id);
    const current = this.library.activeDir ? await this.activeModel().catch(() => null) : null;
    if (current?.model.dir === dir) {
      await this.dropPending();
      return { active: input.id, pending: null, toEmbed: 0 };
    }
    const next = await this.openModel(dir);
    const toEmbed = this.store.embeddings.missing(next.model.id, next.model.preprocessVersion).length;
    if (!current || toEmbed === 0) {
      await this.dropPending();
      await this.promote(next);
      return { active: input.id, pending: null, toEmbed: 0 };
    }
    await this.dropPending();
    this.library.setPending(dir);
    this.pending = Promise.resolve(next);
    this.events.emit('library-changed', { reason: 'model-changed' });
    if (!this.run) {
      // Progress and the end of the switch reach front ends as events; a failure is reported where the engine logs.
      this.index({}).catch((err: unknown) => process.stderr.write(`photo-search: switching to ${input.id} stopped: ${errorMessage(err)}\n`));
    }
    return { active: path.basename(current.model.dir), pending: input.id, toEmbed };
  }

  private async dropPending(): Promise<void> {
    if (this.run) await this.cancelIndexing();
    const pending = await this.pending?.catch(() => null);
    this.pending = null;
    this.library.setPending(null);
    pending?.index.checkpoint();
    pending?.index.close();
    await pending?.model.dispose();
  }

  async pauseIndexing(): Promise<IndexProgress | null> {
    return this.run?.pause() ?? null;
  }

  async resumeIndexing(): Promise<IndexProgress | null> {
    return this.run?.resume() ?? null;
  }

  async cancelIndexing(): Promise<IndexProgress | null> {
    return this.run?.cancel() ?? null;
  }

  async search(input: OperationInput<'search'>): Promise<SearchResult> {
    const started = performance.now();
    const query = searchInputSchema.parse(input);
    const result = await this.queries.during(async () => {
      const { model, index } = await this.activeModel();
      // One row read when nothing changed; catches up with what another process indexed.
      index.refresh();
      return this.searcher.search(model, index, query);
    });
    return { ...result, tookMs: performance.now() - started };
  }

  /**
   * Groups of near-duplicates over the active model's embeddings and saved graph,
   * confirmed by perceptual hashes (learn/duplicate-report.ts). The app never deletes.
   */
  async duplicates(input: OperationInput<'duplicates'>): Promise<DuplicateReport> {
    const { model, index } = await this.activeModel();
    index.refresh();
    // The grouping reads the saved graph's neighbour lists; saved only while no other process writes.
    index.checkpoint();
    return findDuplicates(
      { store: this.store, modelId: model.id, dim: model.dim, indexFile: this.paths.vectorIndex(model.id), live: index.hnsw },
      { threshold: input.threshold ?? DEFAULT_DUPLICATE_THRESHOLD },
    );
  }

  /**
   * Where in a photo the query matches: windows of the photo scored by the model
   * (learn/heat-map.ts), against words or another photo as the example.
   * @throws LibraryError when either photo is not in the library, or the example has no vector yet
   */
  async showWhere(input: OperationInput<'showWhere'>): Promise<HeatMap> {
    const { model } = await this.activeModel();
    const photo = this.store.photos.summaries([input.id]).get(input.id);
    if (!photo) throw new LibraryError('not-found', String(input.id), `Photo ${input.id} is not in the library.`);
    if (input.text !== undefined) {
      // A photo found by the words in it: those words are where it matches.
      const words = searchPhotoText(this.store.photoText, input.text, { limit: 100_000 }).find((m) => m.photoId === input.id);
      if (words) {
        const boxes = words.lines.map((l) => l.box.flatMap((p) => [p.x, p.y]));
        return { ...heatMapFromBoxes(boxes, photo.width, photo.height), best: words.score, worst: 0, windows: 0, width: photo.width, height: photo.height };
      }
    }
    let query: Float32Array;
    if (input.text !== undefined) [query] = await model.encodeTexts([input.text]);
    else {
      const example = this.store.embeddings.vector(model.id, input.exampleId!);
      if (!example) throw new LibraryError('not-found', String(input.exampleId), `Photo ${input.exampleId} is not in the library or not indexed yet.`);
      query = example;
    }
    return heatMap(photo.path, query, model);
  }

  /** @throws LibraryError when no photo of the library is at that path */
  async findPhoto(input: OperationInput<'findPhoto'>): Promise<PhotoSummary> {
    const stored = this.store.photos.byAnyPath(userPathKeys(input.path));
    const found = stored && this.store.photos.summaries([stored.id]).get(stored.id);
    if (!found) throw new LibraryError('not-found', input.path, `${input.path} is not a photo of the library. Index its folder first, or give a photo id.`);
    return found;
  }

  private textReading(): TextReadingStatus {
    const counts = this.store.photoText.counts();
    return { enabled: this.store.photoText.enabled(), model: this.textModel().id, read: counts.read, withText: counts.withText, failed: counts.failed };
  }

  /** The OCR model this library reads words with: the one chosen with useTextModel, else the catalog's default. */
  private textModel(): TextModelEntry {
    return findTextModelEntry(this.store.setting(TEXT_MODEL_SETTING));
  }

  /**
   * Chooses the OCR model that reads words in photos from the next index run on, which
   * reads every photo again with it. A hub model is downloaded first (the models'
   * downloader, checked against the SHA-256 its manifest states) unless it is installed.
   * @throws InputError for an id the OCR catalog does not have; ModelError when the download fails or its files are missing
   */
  async useTextModel(input: OperationInput<'useTextModel'>): Promise<TextReadingStatus> {
    const entry = findTextModelEntry(input.id);
    let files: ReturnType<typeof resolveTextModelFiles>;
    try {
      files = resolveTextModelFiles(entry, this.paths.textModels);
    } catch (err) {
      if (!(err instanceof ModelError && err.code === 'model-missing' && 'hub' in entry.source)) throw err;
      files = await installTextModel(entry, this.paths.textModels);
    }
    await this.asWriter('choosing the model that reads words in photos', () => this.store.setSetting(TEXT_MODEL_SETTING, files.entryId));
    return this.textReading();
  }

  async setTextReading(input: OperationInput<'setTextReading'>): Promise<TextReadingStatus> {
    await this.asWriter('turning reading words in photos on or off', () => this.store.photoText.setEnabled(input.enabled));
    return this.textReading();
  }

  /**
   * The words found in a photo (core/text), with the lines `query` matches marked.
   * @throws LibraryError when the photo is not in the library
   */
  async photoText(input: OperationInput<'photoText'>): Promise<PhotoText> {
    if (!this.store.photos.summaries([input.id]).has(input.id))
      throw new LibraryError('not-found', String(input.id), `Photo ${input.id} is not in the library.`);
    const read = this.store.photoText.forPhoto(input.id);
    if (!read) return { status: 'unread', reason: null, modelId: null, lines: [], matched: [] };
    const lines = read.lines.map((l) => ({ text: l.text, confidence: l.confidence, box: l.box.map((p) => ({ x: p.x, y: p.y })) }));
    const match = input.query ? searchPhotoText(this.store.photoText, input.query, { limit: 100_000 }).find((m) => m.photoId === input.id) : undefined;
    const matched = match ? read.lines.flatMap((line, i) => (match.lines.some((m) => m.text === line.text) ? [i] : [])) : [];
    return { status: read.status, reason: read.reason, modelId: read.modelId, lines, matched };
  }

  private modelId(): Promise<string | null> {
    return this.activeModel().then(
      (a) => a.model.id,
      () => null,
    );
  }

  async labels(): Promise<LabelInfo[]> {
    return this.labelService.vocabulary(await this.modelId());
  }

  async addLabel(input: OperationInput<'addLabel'>): Promise<LabelInfo> {
    const model = await this.activeModel().then(
      (a) => a.model,
      () => null,
    );
    return this.asWriter('adding a label', () => this.labelService.addLabel(input.name, model));
  }

  async removeLabel(input: OperationInput<'removeLabel'>): Promise<{ removed: string }> {
    await this.asWriter('removing a label', () => this.labelService.removeLabel(input.name));
    return { removed: input.name };
  }

  async photoLabels(input: OperationInput<'photoLabels'>): Promise<PhotoLabel[]> {
    const { model } = await this.activeModel();
    return this.labelService.photoLabels(model.id, input.id);
  }

  async correctLabel(input: OperationInput<'correctLabel'>): Promise<PhotoLabel[]> {
    const { model } = await this.activeModel();
    await this.asWriter('correcting a label', () => this.labelService.correct(input.id, input.name, input.has));
    return this.labelService.photoLabels(model.id, input.id);
  }

  async albums(): Promise<AlbumSummary[]> {
    return this.albumService.list(await this.modelId());
  }

  async createAlbum(input: OperationInput<'createAlbum'>): Promise<AlbumSummary> {
    const { model } = await this.activeModel();
    return this.asWriter('making an album', () => this.albumService.create(input, model));
  }

  async album(input: OperationInput<'album'>): Promise<AlbumPage> {
    const page = this.albumService.show(input.album, await this.modelId(), { offset: input.offset, k: input.k });
    const summaries = this.store.photos.summaries(page.photos.map((p) => p.id));
    return { ...page, photos: page.photos.flatMap((p) => (summaries.has(p.id) ? [{ ...summaries.get(p.id)!, strength: p.strength, origin: p.origin }] : [])) };
  }

  async addToAlbum(input: OperationInput<'addToAlbum'>): Promise<AlbumSummary> {
    const modelId = await this.modelId();
    return this.asWriter('adding photos to an album', () => this.albumService.add(input.album, input.photoIds, modelId));
  }

  async removeFromAlbum(input: OperationInput<'removeFromAlbum'>): Promise<AlbumSummary> {
    const modelId = await this.modelId();
    return this.asWriter('removing photos from an album', () => this.albumService.remove(input.album, input.photoIds, modelId));
  }

  async deleteAlbum(input: OperationInput<'deleteAlbum'>): Promise<{ deleted: string }> {
    await this.asWriter('deleting an album', () => this.albumService.delete(input.album));
    return { deleted: String(input.album) };
  }

  async categories(): Promise<CategoryInfo[]> {
    return this.personalHeads.categories();
  }

  async tagPhotos(input: OperationInput<'tagPhotos'>): Promise<CategoryInfo[]> {
    await this.asWriter('tagging photos', () => this.personalHeads.tag(input.name, input.photoIds));
    return this.personalHeads.categories();
  }

  async untagPhotos(input: OperationInput<'untagPhotos'>): Promise<CategoryInfo[]> {
    await this.asWriter('untagging photos', () => this.personalHeads.untag(input.name, input.photoIds));
    return this.personalHeads.categories();
  }

  async deleteCategory(input: OperationInput<'deleteCategory'>): Promise<CategoryInfo[]> {
    await this.asWriter('deleting a category', () => this.personalHeads.deleteCategory(input.name));
    return this.personalHeads.categories();
  }

  async fitClassifiers(input: OperationInput<'fitClassifiers'>): Promise<FitReport> {
    const { model } = await this.activeModel();
    return this.asWriter('fitting the classifiers', () => this.personalHeads.fit(model, input.method));
  }

  async applyClassifiers(input: OperationInput<'applyClassifiers'>): Promise<ApplyReport> {
    const { model } = await this.activeModel();
    const applied = await this.asWriter('labelling with the classifiers', () => {
      this.personalHeads.setBlend(input.blend);
      return this.personalHeads.apply(model);
    });
    this.events.emit('library-changed', { reason: 'indexed' });
    return applied;
  }

  async photo(input: OperationInput<'photo'>): Promise<PhotoSummary> {
    const found = this.store.photos.summaries([input.id]).get(input.id);
    if (!found) throw new LibraryError('not-found', String(input.id), `Photo ${input.id} is not in the library.`);
    return found;
  }

  /** Photo ids are the only way a front end names a file: this maps one back to its path. */
  photoPath(id: number): string | null {
    return this.store.photos.summaries([id]).get(id)?.path ?? null;
  }

  /**
   * A photo's file as indexed: its path, size (bytes) and mtime (ms), and every library
   * folder, so a front end that serves files can check that what it opens is still that
   * file and inside the library (src-main/server/indexed-file.ts). Null for an unknown id.
   */
  indexedFile(id: number): { path: string; size: number; mtimeMs: number; folders: string[] } | null {
    const row = this.store.photos.byPath(this.photoPath(id) ?? '');
    if (!row) return null;
    return { path: row.path, size: row.size, mtimeMs: row.mtimeMs, folders: this.store.folders.list().map((f) => f.path) };
  }

  /**
   * A cached thumbnail for a photo known to the library; the photo is addressed by id only.
   * `source` reads the photo instead of its stored path: a front end that has checked and
   * opened the file passes a name of the open file (/proc/self/fd/<n>), so the file checked
   * is the file decoded.
   */
  async thumbnailFile(id: number, size: number, source?: string): Promise<string> {
    const row = this.store.photos.byPath(this.photoPath(id) ?? '');
    if (!row) throw new LibraryError('not-found', String(id), `Photo ${id} is not in the library.`);
    return makeThumbnail(source ?? row.path, this.paths.thumbnails, thumbnailKey(row.hash, size), size);
  }

  async close(): Promise<void> {
    await this.cancelIndexing();
    for (const loaded of [this.active, this.pending]) {
      const a = await loaded?.catch(() => null);
      a?.index.checkpoint();
      a?.index.close();
      await a?.model.dispose();
    }
    this.store.close();
  }
}

/** Why a folder cannot be added, in plain words: what is wrong with which path, and what to check. */
function folderProblem(folder: string, err: unknown): PhotoSearchError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new LibraryError('not-found', folder, `There is no folder at ${folder}. Check the spelling, and that the drive it is on is connected.`);
  }
  return new InputError(folder, `${folder} cannot be added: ${fsReason(err)}. Choose a folder your user account can open.`);
}

/** Indexing's own 'done' is not the end of a run: the organizing steps follow (PhotoSearchService.organize). */
function organizingNext(onProgress: (p: IndexProgress) => void): (p: IndexProgress) => void {
  return (p) => onProgress(p.phase === 'done' ? { ...p, phase: 'organizing' } : p);
}
