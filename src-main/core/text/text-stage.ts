import { PhotoSearchError, errorMessage } from '../errors.ts';
import { decodeToRaw, openImage, type DecodeLimits, type OpenedImage } from '../media/decode.ts';
import type { LibraryStore } from '../store/library-store.ts';
import type { TextJob } from '../store/photo-text.ts';
import { OCR_INPUT_SIDE, PROBE_SIDE, type TextReader } from './reader.ts';
import { searchableReading } from './searchable.ts';
import type { RgbImage, TextReading } from './types.ts';

export interface TextStageProgress {
  phase: 'reading' | 'done' | 'cancelled';
  /** Photos (distinct contents) this run reads. */
  total: number;
  /** Read or failed so far. */
  done: number;
  /** Of those read, how many show text. */
  withText: number;
  failed: number;
  /** Over the last RATE_WINDOW_MS. */
  photosPerSecond: number;
  etaSeconds: number | null;
  paused: boolean;
}

export interface TextStageOptions {
  signal?: AbortSignal;
  /** Resolves when the run may go on; lets the user pause between photos. */
  gate?: () => Promise<void>;
  isPaused?: () => boolean;
  onProgress?: (p: TextStageProgress) => void;
  limits?: DecodeLimits;
  /** Photos written per transaction at most; what was read is also written every FLUSH_MS. Default 16. */
  batchSize?: number;
  /** Around each decode, so a crash inside a decoder can be traced to its file (see indexer/suspects.ts). */
  onDecodeStart?: (path: string) => void;
  onDecodeEnd?: (path: string) => void;
}

/** The reader the stage needs; TextReader is one. */
export type PhotoTextReader = Pick<TextReader, 'modelId' | 'readText' | 'mayHoldText' | 'ready'>;

const PROGRESS_INTERVAL_MS = 250;
/** Text-heavy photos take a second or more each: what was read is written at least this often, so a stop loses little. */
const FLUSH_MS = 5000;
const RATE_WINDOW_MS = 10_000;
/**
 * Photos opened and decoded small ahead of the one being read. The detector holds the
 * event loop while it runs (onnxruntime-node runs synchronously), and opening and
 * decoding a photo takes several turns of it (open, stat, read, header, EXIF, decode):
 * with one photo ahead each turn waited for a detector pass, and the decodes hardly
 * overlapped the reading. Measured on 48 12 MP photos without text, 2 cores: 104 ms
 * per photo with one ahead, 77 with four, 70 with eight. Only the small decodes are
 * held (0.5 MB each).
 */
const OPEN_AHEAD = 8;

type Outcome = { job: TextJob; reading: TextReading } | { job: TextJob; code: string; reason: string };
/** A photo decoded small, for the early exit (the file is opened again for a full reading: no photo's bytes are held meanwhile). */
type Probed = { small: RgbImage } | { code: string; reason: string };

function failure(err: unknown): { code: string; reason: string } {
  if (err instanceof PhotoSearchError) {
    const reason = 'reason' in err && typeof err.reason === 'string' ? err.reason : err.message;
    return { code: err.code, reason };
  }
  return { code: 'decode-failed', reason: errorMessage(err) };
}

/** Decodes the opened photo with its long side at most `side` px (never enlarged). */
async function decodeAt(opened: OpenedImage, side: number): Promise<RgbImage> {
  const raw = await decodeToRaw(opened, (image) => image.resize(side, side, { fit: 'inside', withoutEnlargement: true }));
  return { data: raw.data, width: raw.info.width, height: raw.info.height };
}

async function openSmall(job: TextJob, opts: TextStageOptions): Promise<Probed> {
  opts.onDecodeStart?.(job.path);
  try {
    return { small: await decodeAt(await openImage(job.path, opts.limits), PROBE_SIDE) };
  } catch (err) {
    return failure(err);
  } finally {
    opts.onDecodeEnd?.(job.path);
  }
}

/**
 * Reads one photo: the early exit on a decode at PROBE_SIDE px (JPEG shrink-on-load makes
 * it about as cheap as the embedding's own decode), and only when that finds something
 * shaped like text, the photo opened again, decoded at OCR_INPUT_SIDE px and read in full.
 */
async function readPhoto(job: TextJob, probed: Probed, reader: PhotoTextReader, opts: TextStageOptions): Promise<Outcome> {
  if (!('small' in probed)) return { job, ...probed };
  try {
    if (!(await reader.mayHoldText(probed.small))) return { job, reading: { modelId: reader.modelId, lines: [] } };
    opts.onDecodeStart?.(job.path);
    let full: RgbImage;
    try {
      full = await decodeAt(await openImage(job.path, opts.limits), OCR_INPUT_SIDE);
    } finally {
      opts.onDecodeEnd?.(job.path);
    }
    return { job, reading: await reader.readText(full, { probe: false }) };
  } catch (err) {
    return { job, ...failure(err) };
  }
}

/**
 * The words-in-photos stage of an indexing run, meant to follow the embedding stage:
 * drops the text of contents no photo shows any more, then reads every photo whose
 * content has no text from `reader`'s model (PhotoTextTable.toRead), EXIF-oriented, the
 * next ones opened and decoded small while the current one is read (see readPhoto), and
 * writes the results in transactions of up to `batchSize` photos. A photo that cannot be
 * decoded or read is recorded with its reason and the run goes on; stopping (signal)
 * keeps what was read.
 * Throws ModelError before reading anything when the OCR model cannot be loaded.
 */
export async function runTextStage(store: LibraryStore, reader: PhotoTextReader, opts: TextStageOptions = {}): Promise<TextStageProgress> {
  const table = store.photoText;
  store.transaction(() => table.prune());
  const jobs = table.toRead(reader.modelId);
  const progress: TextStageProgress = {
    phase: 'reading',
    total: jobs.length,
    done: 0,
    withText: 0,
    failed: 0,
    photosPerSecond: 0,
    etaSeconds: null,
    paused: false,
  };
  const samples: Array<{ at: number; done: number }> = [];
  let lastEmit = 0;
  const emit = (force = false) => {
    const now = Date.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    samples.push({ at: now, done: progress.done });
    while (samples.length > 2 && now - samples[0].at > RATE_WINDOW_MS) samples.shift();
    const elapsed = (now - samples[0].at) / 1000;
    progress.photosPerSecond = elapsed > 0 ? (progress.done - samples[0].done) / elapsed : 0;
    progress.etaSeconds = progress.photosPerSecond > 0 ? (progress.total - progress.done) / progress.photosPerSecond : null;
    progress.paused = opts.isPaused?.() ?? false;
    opts.onProgress?.({ ...progress });
  };

  const batchSize = opts.batchSize ?? 16;
  let batch: Outcome[] = [];
  let flushedAt = Date.now();
  const flush = () => {
    const written = batch;
    batch = [];
    flushedAt = Date.now();
    store.transaction(() => {
      for (const o of written) {
        if ('reading' in o) table.write(o.job.hash, searchableReading(o.reading));
        else table.writeFailure(o.job.hash, reader.modelId, o.code, o.reason);
      }
    });
  };

  emit(true);
  if (jobs.length > 0) await reader.ready();
  const ahead: Array<Promise<Probed>> = [];
  let opened = 0;
  const openAhead = () => {
    while (opened < jobs.length && ahead.length < OPEN_AHEAD) ahead.push(openSmall(jobs[opened++], opts));
  };
  openAhead();
  for (let i = 0; i < jobs.length; i++) {
    await opts.gate?.();
    if (opts.signal?.aborted) break;
    const probed = await ahead.shift()!;
    openAhead();
    const outcome = await readPhoto(jobs[i], probed, reader, opts);
    batch.push(outcome);
    progress.done++;
    if ('reading' in outcome) progress.withText += outcome.reading.lines.length > 0 ? 1 : 0;
    else progress.failed++;
    if (batch.length >= batchSize || Date.now() - flushedAt >= FLUSH_MS) flush();
    emit();
  }
  // Decodes started ahead for photos the run stopped before: let them end, so none outlives the run.
  await Promise.all(ahead);
  flush();
  progress.phase = opts.signal?.aborted ? 'cancelled' : 'done';
  emit(true);
  return { ...progress };
}
