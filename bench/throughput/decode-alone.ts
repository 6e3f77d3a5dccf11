import { readFileSync } from 'node:fs';
import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import { GRID_THUMBNAIL_SIZE, storeThumbnail, thumbnailKey } from '../../src-main/core/media/thumbnail.ts';
import type { PreprocessSpec } from '../../src-main/core/models/types.ts';
import { scratchDir } from '../cache.ts';
import { mapPool } from '../pool.ts';

/**
 * The app's decode of every file, `concurrency` at a time, as the indexer runs it:
 * shrink-on-load to model size, the model's input, the grid thumbnail (encoded and
 * written to a cache folder) and the perceptual hash. Photos per second.
 */
export async function decodeAlone(files: readonly string[], spec: PreprocessSpec, concurrency: number): Promise<number> {
  const thumbnails = scratchDir('decode-thumbnails');
  const started = performance.now();
  await mapPool(files, concurrency, async (file) => {
    const d = await decodeForModel(file, spec, undefined, { thumbnailSize: GRID_THUMBNAIL_SIZE, perceptualHash: true });
    await storeThumbnail(thumbnails, thumbnailKey(d.meta.identity.hash, GRID_THUMBNAIL_SIZE), GRID_THUMBNAIL_SIZE, d.thumbnail!);
  });
  return files.length / ((performance.now() - started) / 1000);
}

/** Reads every file once, so that each run finds them in the OS page cache as the others do. Bytes read. */
export function warmFiles(files: readonly string[]): number {
  let bytes = 0;
  for (const file of files) bytes += readFileSync(file).length;
  return bytes;
}
