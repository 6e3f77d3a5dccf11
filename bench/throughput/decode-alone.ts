import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import type { PreprocessSpec } from '../../src-main/core/models/types.ts';
import { mapPool } from '../pool.ts';

/** The app's decode and preprocessing (shrink-on-load to model size) of every file, `concurrency` at a time. Photos per second. */
export async function decodeAlone(files: readonly string[], spec: PreprocessSpec, concurrency: number): Promise<number> {
  const started = performance.now();
  await mapPool(files, concurrency, (file) => decodeForModel(file, spec));
  return files.length / ((performance.now() - started) / 1000);
}
