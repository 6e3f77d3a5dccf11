import os from 'node:os';
import path from 'node:path';
import type { IndexProgress } from '../api/contract.ts';
import { dateTaken } from '../media/date-taken.ts';
import type { DecodeLimits } from '../media/decode.ts';
import { realKey } from '../media/path-key.ts';
import { PERCEPTUAL_HASH_VERSION } from '../media/perceptual-hash.ts';
import { GRID_THUMBNAIL_SIZE } from '../media/thumbnail.ts';
import type { ClipModel } from '../models/types.ts';
import type { ModelIndex } from '../search/model-index.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { PerceptualHashTable } from '../store/perceptual-hashes.ts';
import { runPipeline, type EmbeddedPhoto, type FailedPhoto } from './pipeline.ts';
import { describeHeld, emptyPlan, type EmbedJob, type ScanPlan } from './plan.ts';
import { ProgressTracker } from './progress.ts';
import { datePath, scanFolders } from './scan.ts';
import { defaultDecodeProbe, type DecodeProbe } from './decode-probe.ts';
import { DecodeSuspects } from './suspects.ts';

export interface IndexRunOptions {
  folderIds: readonly number[];
  /** false: only embed photos already in the library that lack a vector for this model (a model switch). */
  scan?: boolean;
  signal?: AbortSignal;
  batchSize?: number;
  decodeConcurrency?: number;
  limits?: DecodeLimits;
  checkpointMs?: number;
  gate?: () => Promise<void>;
  isPaused?: () => boolean;
  onProgress?: (p: IndexProgress) => void;
  /** Side file naming the photos being decoded, to quarantine one that crashes the process. */
  suspectsFile?: string;
  /** Decodes a suspect photo in isolation before it is quarantined; defaults to a child process (decode-probe.ts). */
  decodeProbe?: DecodeProbe;
  /** Tries the quarantined photos again (each on its own first). */
  retryQuarantined?: boolean;
  /** Folders never scanned besides the library's own (the folder holding its database), e.g. another folder the app writes to. */
  exclude?: readonly string[];
  /** Remove photos no longer found even when they are most of a folder (scan.ts holds such removals otherwise): the user confirmed. */
  allowRemovals?: boolean;
  /** The thumbnail cache (LibraryPaths.thumbnails): each embedded photo's grid thumbnail is written there from the decode that feeds the model. */
  thumbnailsDir?: string;
}

const PROGRESS_INTERVAL_MS = 250;

/** Batch and pool sizes that keep the model and the decoders busy on this machine. */
export function defaultTuning(cores = os.availableParallelism()): { batchSize: number; decodeConcurrency: number } {
  return { batchSize: 8, decodeConcurrency: Math.max(2, cores) };
}

/**
 * One indexing run: scan the folders, apply what needs no model (moves, copies,
 * deletions), then decode and embed the rest. Each batch is one transaction, so a
 * run stopped at any point keeps everything written before it and the next run
 * picks up the rest.
 */
export async function indexLibrary(store: LibraryStore, model: ClipModel, index: ModelIndex, opts: IndexRunOptions): Promise<IndexProgress> {
  const tracker = new ProgressTracker();
  const tuning = defaultTuning();
  const probe = opts.decodeProbe ?? defaultDecodeProbe();
  const suspects = opts.suspectsFile ? new DecodeSuspects(opts.suspectsFile, (photo) => probe(photo, model.preprocess, opts.limits)) : null;
  if (opts.retryQuarantined) suspects?.retryQuarantined();
  const folderPaths = new Map(store.folders.list().map((f) => [f.id, f.path]));
  let lastEmit = 0;
  const emit = (force = false) => {
    const now = Date.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    tracker.sample();
    tracker.state.paused = opts.isPaused?.() ?? false;
    opts.onProgress?.(tracker.snapshot());
  };

  try {
    const plan =
      opts.scan === false
        ? emptyPlan()
        : await scanFolders(store, opts.folderIds, {
            signal: opts.signal,
            onFound: (n) => {
              tracker.state.found = n;
              emit();
            },
            onOffline: (folder) => tracker.state.offline.push(folder),
            exclude: await excludedFolders(store, opts.exclude ?? []),
            allowRemovals: opts.allowRemovals,
          });
    applyPlan(store, model, index, plan, tracker);
    const planned = new Set(plan.jobs.map((j) => j.photoId));
    const candidates: EmbedJob[] = [
      ...plan.jobs,
      ...store.embeddings
        .missing(model.id, model.preprocessVersion)
        .filter((p) => !planned.has(p.id))
        .map((p): EmbedJob => ({ kind: 'missing', path: p.path, folderId: p.folderId, photoId: p.id })),
    ];
    const jobs = suspects ? quarantine(store, candidates, await suspects.quarantined(), tracker) : candidates;
    tracker.state.phase = 'embedding';
    tracker.state.toEmbed = jobs.length;
    emit(true);

    let lastCheckpoint = Date.now();
    await runPipeline(jobs, model, {
      batchSize: opts.batchSize ?? tuning.batchSize,
      decodeConcurrency: opts.decodeConcurrency ?? tuning.decodeConcurrency,
      limits: opts.limits,
      signal: opts.signal,
      gate: opts.gate,
      thumbnails: opts.thumbnailsDir ? { dir: opts.thumbnailsDir, size: GRID_THUMBNAIL_SIZE } : undefined,
      onDecodeStart: (job) => suspects?.started(job.path),
      onDecodeEnd: (job) => suspects?.finished(job.path),
      onBatch: async (embedded, failed) => {
        writeBatch(store, model, index, embedded, failed, folderPaths);
        tracker.state.embedded += embedded.length;
        for (let i = 0; i < failed.length; i++) tracker.embedFailed();
        emit();
        if (Date.now() - lastCheckpoint > (opts.checkpointMs ?? 30_000)) {
          // Saving a large index takes the process for a while: not while a query waits.
          await opts.gate?.();
          index.checkpoint();
          lastCheckpoint = Date.now();
        }
      },
    });
    tracker.state.phase = opts.signal?.aborted ? 'cancelled' : 'done';
  } catch (err) {
    if (!opts.signal?.aborted) throw err;
    tracker.state.phase = 'cancelled';
  } finally {
    index.checkpoint();
    suspects?.close();
  }
  emit(true);
  return tracker.snapshot();
}

/** Records quarantined photos as failures and leaves them out of the run. */
function quarantine(store: LibraryStore, jobs: EmbedJob[], held: Array<{ path: string; reason: string }>, tracker: ProgressTracker): EmbedJob[] {
  if (held.length === 0) return jobs;
  const skip = new Map(held.map((h) => [h.path, h.reason]));
  store.transaction(() => {
    for (const job of jobs.filter((j) => skip.has(j.path))) {
      const stat = job.stat ?? store.photos.byPath(job.path);
      if (!stat) continue;
      store.failures.record({
        path: job.path,
        folderId: job.folderId,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        code: 'decoder-crash',
        reason: skip.get(job.path)!,
      });
      tracker.state.failed++;
    }
  });
  return jobs.filter((j) => !skip.has(j.path));
}

/**
 * The library's own folder (the one holding its database: thumbnails, indexes,
 * models) and `extra`, as real path keys: never scanned, even inside a photo folder.
 */
async function excludedFolders(store: LibraryStore, extra: readonly string[]): Promise<string[]> {
  const dirs = [path.dirname(store.db.name), ...extra];
  return Promise.all(dirs.map((dir) => realKey(path.resolve(dir)).catch(() => path.resolve(dir))));
}

function applyPlan(store: LibraryStore, model: ClipModel, index: ModelIndex, plan: ScanPlan, tracker: ProgressTracker): void {
  const copied: Array<{ photoId: number }> = [];
  const hashes = new PerceptualHashTable(store.db);
  const folderPaths = new Map(store.folders.list().map((f) => [f.id, f.path]));
  // A date read from a name or the file time follows the file to its new name; an EXIF date stays.
  const redated = (photoId: number, folderId: number, file: { path: string; mtimeMs: number }) => {
    const source = store.photos.record(photoId);
    if (!source || source.dateSource === 'exif') return undefined;
    const taken = dateTaken({ exif: null, relativePath: datePath(folderPaths.get(folderId) ?? '', file.path), mtimeMs: file.mtimeMs });
    return { takenAt: taken.instant, takenLocal: taken.local, takenOffset: null, dateSource: taken.source };
  };
  const now = Date.now();
  store.transaction(() => {
    for (const m of plan.moves) store.photos.move(m.photoId, m.folderId, m.file, redated(m.photoId, m.folderId, m.file));
    for (const t of plan.touches) store.photos.touch(t.photoId, t.facts, t.identity);
    for (const r of plan.redates) store.photos.redate(r.photoId, r.taken);
    for (const c of plan.copies) {
      const source = store.photos.record(c.fromPhotoId);
      if (!source) continue;
      const id = store.photos.insert({ ...source, ...c.file, folderId: c.folderId });
      const taken = redated(id, c.folderId, c.file);
      if (taken) store.photos.redate(id, taken);
      store.embeddings.copy(c.fromPhotoId, id);
      hashes.copy(c.fromPhotoId, id);
      copied.push({ photoId: id });
    }
    store.photos.remove(plan.gone.map((g) => g.id));
    store.photos.markMissing(plan.returned, null);
    store.photos.markMissing(
      plan.held.flatMap((h) => h.photos.filter((p) => p.missingSince === null).map((p) => p.id)),
      now,
    );
    store.failures.clear(plan.clearedFailures);
    store.failures.clear([...plan.moves.map((m) => m.file.path), ...plan.copies.map((c) => c.file.path)]);
    for (const failure of [...plan.unreadable, ...plan.failures]) store.failures.record(failure);
    if (plan.gone.length > 0 || copied.length > 0) store.embeddings.bumpAll();
  });
  index.remove(plan.gone.map((g) => g.id));
  for (const { photoId } of copied) {
    const v = store.embeddings.vector(model.id, photoId);
    if (v) index.add(photoId, v);
  }
  tracker.state.reused = plan.moves.length + plan.copies.length;
  tracker.state.removed = plan.gone.length;
  tracker.state.unchanged = plan.unchanged + plan.touches.filter((t) => t.identity).length;
  tracker.state.failed += plan.failures.length;
  tracker.state.held = plan.held.map((h) =>
    describeHeld(
      h.folder,
      h.photos.map((p) => p.path),
      h.of,
    ),
  );
}

/**
 * Writes one batch: each embedded photo's row (its file as the decode read it, its
 * content hashes, its date where it was taken), vector and perceptual hash; each
 * failure with why.
 */
function writeBatch(
  store: LibraryStore,
  model: ClipModel,
  index: ModelIndex,
  embedded: EmbeddedPhoto[],
  failed: FailedPhoto[],
  folderPaths: ReadonlyMap<number, string>,
): void {
  const written: Array<{ id: number; vector: Float32Array }> = [];
  const dropped: number[] = [];
  const hashes = new PerceptualHashTable(store.db);
  store.transaction(() => {
    for (const { job, meta, vector, perceptualHash } of embedded) {
      let id = job.photoId;
      if (job.stat) {
        const { facts, identity } = meta;
        const taken = dateTaken({ exif: meta.taken, relativePath: datePath(folderPaths.get(job.folderId) ?? '', job.path), mtimeMs: facts.mtimeMs });
        const record = {
          path: job.path,
          realPath: job.stat.realPath,
          ...facts,
          ...identity,
          folderId: job.folderId,
          width: meta.width,
          height: meta.height,
          format: meta.format,
          ext: job.stat.ext,
          takenAt: taken.instant,
          takenLocal: taken.local,
          takenOffset: taken.offsetMinutes,
          dateSource: taken.source,
          camera: meta.camera,
          latitude: meta.latitude,
          longitude: meta.longitude,
        };
        if (id === undefined) id = store.photos.insert(record);
        else store.photos.update(id, record);
        if (job.kind === 'changed') store.embeddings.dropOtherModels(id, model.id);
      }
      if (id === undefined) continue;
      store.embeddings.put(id, model.id, model.preprocessVersion, vector);
      hashes.put(id, perceptualHash, PERCEPTUAL_HASH_VERSION);
      written.push({ id, vector });
    }
    store.failures.clear(embedded.map((e) => e.job.path));
    for (const { job, error } of failed) {
      const stat = job.stat ?? store.photos.byPath(job.path);
      if (!stat) continue;
      // A photo whose new content cannot be read no longer shows what it showed.
      if (job.kind === 'changed' && job.photoId !== undefined) {
        store.photos.remove([job.photoId]);
        dropped.push(job.photoId);
      }
      store.failures.record({
        path: job.path,
        folderId: job.folderId,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        code: error.code,
        reason: error.reason,
      });
    }
    if (dropped.length > 0) store.embeddings.bumpAll();
    else store.embeddings.bump([model.id]);
  });
  index.remove(dropped);
  for (const w of written) index.add(w.id, w.vector);
}
