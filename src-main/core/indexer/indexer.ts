import os from 'node:os';
import type { IndexProgress } from '../api/contract.ts';
import type { DecodeLimits } from '../media/decode.ts';
import type { ClipModel } from '../models/types.ts';
import type { ModelIndex } from '../search/model-index.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { runPipeline, type EmbeddedPhoto, type FailedPhoto } from './pipeline.ts';
import { emptyPlan, type EmbedJob, type ScanPlan } from './plan.ts';
import { ProgressTracker } from './progress.ts';
import { scanFolders } from './scan.ts';
import { DecodeSuspects, QUARANTINE_REASON } from './suspects.ts';

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
  const suspects = opts.suspectsFile ? new DecodeSuspects(opts.suspectsFile) : null;
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
    const jobs = suspects ? quarantine(store, candidates, suspects.quarantined(), tracker) : candidates;
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
      onDecodeStart: (job) => suspects?.started(job.path),
      onDecodeEnd: (job) => suspects?.finished(job.path),
      onBatch: (embedded, failed) => {
        writeBatch(store, model, index, embedded, failed);
        tracker.state.embedded += embedded.length;
        for (let i = 0; i < failed.length; i++) tracker.embedFailed();
        if (Date.now() - lastCheckpoint > (opts.checkpointMs ?? 30_000)) {
          index.checkpoint();
          lastCheckpoint = Date.now();
        }
        emit();
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
function quarantine(store: LibraryStore, jobs: EmbedJob[], paths: string[], tracker: ProgressTracker): EmbedJob[] {
  if (paths.length === 0) return jobs;
  const skip = new Set(paths);
  store.transaction(() => {
    for (const job of jobs.filter((j) => skip.has(j.path))) {
      const stat = job.stat ?? store.photos.byPath(job.path);
      if (!stat) continue;
      store.failures.record({
        path: job.path,
        folderId: job.folderId,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        code: 'decode-failed',
        reason: QUARANTINE_REASON,
      });
      tracker.state.failed++;
    }
  });
  return jobs.filter((j) => !skip.has(j.path));
}

function applyPlan(store: LibraryStore, model: ClipModel, index: ModelIndex, plan: ScanPlan, tracker: ProgressTracker): void {
  const copied: Array<{ photoId: number }> = [];
  store.transaction(() => {
    for (const m of plan.moves) store.photos.move(m.photoId, m.folderId, m.file);
    for (const t of plan.touches) store.photos.touch(t.photoId, t.size, t.mtimeMs);
    for (const c of plan.copies) {
      const source = store.photos.record(c.fromPhotoId);
      if (!source) continue;
      const id = store.photos.insert({ ...source, ...c.file, folderId: c.folderId });
      store.embeddings.copy(c.fromPhotoId, id);
      copied.push({ photoId: id });
    }
    store.photos.remove(plan.gone.map((g) => g.id));
    store.failures.clear(plan.clearedFailures);
    store.failures.clear([...plan.moves.map((m) => m.file.path), ...plan.copies.map((c) => c.file.path)]);
    if (plan.gone.length > 0 || copied.length > 0) store.embeddings.bumpAll();
  });
  index.remove(plan.gone.map((g) => g.id));
  for (const { photoId } of copied) {
    const v = store.embeddings.vector(model.id, photoId);
    if (v) index.add(photoId, v);
  }
  tracker.state.reused = plan.moves.length + plan.copies.length;
  tracker.state.removed = plan.gone.length;
  tracker.state.unchanged = plan.unchanged + plan.touches.length;
}

function writeBatch(store: LibraryStore, model: ClipModel, index: ModelIndex, embedded: EmbeddedPhoto[], failed: FailedPhoto[]): void {
  const written: Array<{ id: number; vector: Float32Array }> = [];
  const dropped: number[] = [];
  store.transaction(() => {
    for (const { job, meta, vector } of embedded) {
      let id = job.photoId;
      if (job.stat) {
        const record = {
          ...job.stat,
          folderId: job.folderId,
          width: meta.width,
          height: meta.height,
          format: meta.format,
          takenAt: meta.takenAt ?? job.stat.mtimeMs,
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
