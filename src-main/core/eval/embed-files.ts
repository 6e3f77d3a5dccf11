import { errorMessage, MediaError } from '../errors.ts';
import { decodeForModel } from '../indexer/decode-for-model.ts';
import type { ClipModel } from '../models/types.ts';

/** Photos decoded at once: decoding one overlaps the model running on the batch before. */
const DECODE_CONCURRENCY = 2;
/** Photos per model run. */
const BATCH = 16;

export interface EmbeddedFiles {
  /** `[N]`: each file's L2-normalised embedding, or null when it could not be read. */
  vectors: Array<Float32Array | null>;
  failures: Array<{ path: string; reason: string }>;
}

/**
 * Embeds files with the model the way indexing does (decodeForModel, then
 * encodeImages in batches), without storing anything and without writing next to
 * the files. A file that cannot be decoded is reported and skipped.
 * @param files path keys
 * @param onProgress called with the files done so far and the total
 */
export async function embedFiles(model: ClipModel, files: readonly string[], onProgress?: (done: number, total: number) => void): Promise<EmbeddedFiles> {
  const vectors: Array<Float32Array | null> = new Array<Float32Array | null>(files.length).fill(null);
  const failures: EmbeddedFiles['failures'] = [];
  const { width, height } = model.preprocess;
  const size = 3 * width * height;
  let done = 0;
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const pixels: Array<Float32Array | null> = new Array<Float32Array | null>(batch.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const i = next++;
        try {
          pixels[i] = (await decodeForModel(batch[i], model.preprocess)).pixels;
        } catch (err) {
          failures.push({ path: batch[i], reason: err instanceof MediaError ? err.reason : errorMessage(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: DECODE_CONCURRENCY }, worker));
    const decoded = pixels.flatMap((p, i) => (p ? [i] : []));
    if (decoded.length > 0) {
      const tensor = new Float32Array(decoded.length * size);
      decoded.forEach((i, row) => tensor.set(pixels[i]!, row * size));
      const rows = await model.encodeImages(tensor, decoded.length);
      decoded.forEach((i, row) => (vectors[start + i] = rows[row]));
    }
    done += batch.length;
    onProgress?.(done, files.length);
  }
  return { vectors, failures };
}
