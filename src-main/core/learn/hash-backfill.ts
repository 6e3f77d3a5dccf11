import { errorMessage } from '../errors.ts';
import { decodeToRaw, openImage, type DecodeLimits } from '../media/decode.ts';
import { PERCEPTUAL_HASH_VERSION, perceptualHash } from '../media/perceptual-hash.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { PerceptualHashTable } from '../store/perceptual-hashes.ts';

/**
 * Decodes are shrunk to fit this square: the hash averages down to 32 x 32, and
 * JPEG's shrink-on-load makes a decode this small cheap (media/decode.ts).
 */
export const HASH_DECODE_SIZE = 256;

export interface BackfillProgress {
  done: number;
  /** Photos that had no hash when the run started. */
  total: number;
  failed: number;
}

export interface BackfillOptions {
  /** Stops after the batch in flight. */
  signal?: AbortSignal;
  onProgress?: (p: BackfillProgress) => void;
  /** Photos decoded at once. */
  concurrency?: number;
  /** Photos per transaction. */
  batchSize?: number;
  limits?: DecodeLimits;
}

export interface BackfillResult {
  hashed: number;
  /** Photos that could not be decoded now (moved, changed or unreadable since indexing); the next scan settles them. */
  failed: Array<{ id: number; path: string; reason: string }>;
  /** Photos still without a hash (stopped early, or in offline folders). */
  remaining: number;
}

/**
 * The perceptual hash of one photo file as displayed (EXIF orientation applied),
 * decoded small; the same value, within a bit or two, as the hash the indexer takes
 * from the decode it feeds the model.
 * @throws MediaError when the file cannot be decoded
 */
export async function hashPhotoFile(file: string, limits?: DecodeLimits): Promise<bigint> {
  const opened = await openImage(file, limits);
  const { data, info } = await decodeToRaw(opened, (image) => image.resize(HASH_DECODE_SIZE, HASH_DECODE_SIZE, { fit: 'inside', withoutEnlargement: true }));
  return perceptualHash({ data, width: info.width, height: info.height, channels: info.channels });
}

/**
 * Hashes the photos of a library that have no perceptual hash of the current version
 * (a library indexed before hashes existed, copies the indexer did not decode), in id
 * order, one transaction per batch, so that stopping loses at most a batch. Only
 * reads the photos. Run it in the process that writes the library.
 */
export async function backfillPerceptualHashes(store: LibraryStore, opts: BackfillOptions = {}): Promise<BackfillResult> {
  const table = new PerceptualHashTable(store.db);
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  const total = table.countMissing(PERCEPTUAL_HASH_VERSION);
  const failed: BackfillResult['failed'] = [];
  let hashed = 0;
  let afterId = 0;
  while (!opts.signal?.aborted) {
    const batch = table.missing(PERCEPTUAL_HASH_VERSION, batchSize, afterId);
    if (batch.length === 0) break;
    afterId = batch[batch.length - 1].id;
    const results: Array<{ id: number; hash: bigint }> = [];
    for (let start = 0; start < batch.length; start += concurrency) {
      const slice = batch.slice(start, start + concurrency);
      const settled = await Promise.allSettled(slice.map((p) => hashPhotoFile(p.path, opts.limits)));
      settled.forEach((s, i) => {
        if (s.status === 'fulfilled') results.push({ id: slice[i].id, hash: s.value });
        else failed.push({ id: slice[i].id, path: slice[i].path, reason: errorMessage(s.reason) });
      });
    }
    store.transaction(() => {
      for (const r of results) table.put(r.id, r.hash, PERCEPTUAL_HASH_VERSION);
    });
    hashed += results.length;
    opts.onProgress?.({ done: hashed + failed.length, total, failed: failed.length });
  }
  return { hashed, failed, remaining: table.countMissing(PERCEPTUAL_HASH_VERSION) };
}
