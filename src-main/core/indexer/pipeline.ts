import { MediaError, errorMessage } from '../errors.ts';
import type { DecodeLimits } from '../media/decode.ts';
import type { ClipModel } from '../models/types.ts';
import { storeThumbnail, thumbnailKey } from '../media/thumbnail.ts';
import { decodeForModel, type DecodedMeta } from './decode-for-model.ts';
import type { EmbedJob } from './plan.ts';

export interface DecodedPhoto {
  job: EmbedJob;
  meta: DecodedMeta;
  pixels: Float32Array;
  /** media/perceptual-hash.ts, from the same decode. */
  perceptualHash: bigint;
}

export interface EmbeddedPhoto {
  job: EmbedJob;
  meta: DecodedMeta;
  vector: Float32Array;
  perceptualHash: bigint;
}

export interface FailedPhoto {
  job: EmbedJob;
  error: MediaError;
}

export interface PipelineOptions {
  batchSize: number;
  decodeConcurrency: number;
  limits?: DecodeLimits;
  signal?: AbortSignal;
  /** Resolves when the run may go on; lets the user pause between photos. */
  gate?: () => Promise<void>;
  /** Writes a batch; the pipeline waits for a returned promise before the next batch. */
  onBatch: (embedded: EmbeddedPhoto[], failed: FailedPhoto[]) => void | Promise<void>;
  /** Around each decode, so a crash inside a decoder can be traced to its file. */
  onDecodeStart?: (job: EmbedJob) => void;
  onDecodeEnd?: (job: EmbedJob) => void;
  /** Writes each photo's thumbnail of this size (px) into this cache folder (media/thumbnail.ts), from the decode that feeds the model. */
  thumbnails?: { dir: string; size: number };
}

/**
 * Decodes photos on a pool of concurrent decodes (sharp works off the JS thread)
 * while the model embeds the previous batch, so neither waits for the other. Each
 * photo is decoded once: its thumbnail and perceptual hash come from the same decode.
 * Each batch is handed to `onBatch` as whole records, never parallel arrays,
 * so a vector can only ever be stored with the photo it came from.
 */
export async function runPipeline(jobs: readonly EmbedJob[], model: ClipModel, opts: PipelineOptions): Promise<void> {
  const ready: DecodedPhoto[] = [];
  const failed: FailedPhoto[] = [];
  const maxBuffered = opts.batchSize * 2;
  let next = 0;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const waitForChange = () => new Promise<void>((resolve) => (wake = resolve));

  const startDecodes = async () => {
    while (next < jobs.length && inFlight < opts.decodeConcurrency && ready.length + inFlight < maxBuffered) {
      if (opts.signal?.aborted) return;
      const job = jobs[next++];
      inFlight++;
      opts.onDecodeStart?.(job);
      const thumbnails = opts.thumbnails;
      decodeForModel(job.path, model.preprocess, opts.limits, { thumbnailSize: thumbnails?.size, perceptualHash: true })
        .then(async (d) => {
          if (thumbnails && d.thumbnail) {
            // A cache: a thumbnail that cannot be written now is made when the interface asks for it.
            await storeThumbnail(thumbnails.dir, thumbnailKey(d.meta.identity.hash, thumbnails.size), thumbnails.size, d.thumbnail).catch(() => undefined);
          }
          ready.push({ job, meta: d.meta, pixels: d.pixels, perceptualHash: d.perceptualHash! });
        })
        .catch((err: unknown) => {
          const error = err instanceof MediaError ? err : new MediaError('decode-failed', job.path, errorMessage(err));
          failed.push({ job, error });
        })
        .finally(() => {
          opts.onDecodeEnd?.(job);
          inFlight--;
          notify();
        });
    }
  };

  for (;;) {
    await opts.gate?.();
    await startDecodes();
    const finishedDecoding = (next >= jobs.length || opts.signal?.aborted) && inFlight === 0;
    if (ready.length >= opts.batchSize || (finishedDecoding && (ready.length > 0 || failed.length > 0))) {
      const batch = ready.splice(0, opts.batchSize);
      const batchFailures = failed.splice(0, failed.length);
      await startDecodes();
      await opts.gate?.();
      const embedded = batch.length > 0 ? await embedBatch(batch, model) : [];
      await opts.onBatch(embedded, batchFailures);
      continue;
    }
    if (finishedDecoding) return;
    await waitForChange();
  }
}

async function embedBatch(batch: DecodedPhoto[], model: ClipModel): Promise<EmbeddedPhoto[]> {
  const size = batch[0].pixels.length;
  const tensor = new Float32Array(size * batch.length);
  batch.forEach((d, i) => tensor.set(d.pixels, i * size));
  const vectors = await model.encodeImages(tensor, batch.length);
  return batch.map((d, i) => ({ job: d.job, meta: d.meta, vector: vectors[i], perceptualHash: d.perceptualHash }));
}
