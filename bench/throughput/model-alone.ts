import type { ClipModel } from '../../src-main/core/models/types.ts';

/** Input for `batch` photos, built from real decoded photos so the model sees realistic values. */
export function batchTensor(samples: readonly Float32Array[], batch: number): Float32Array {
  const size = samples[0].length;
  const out = new Float32Array(size * batch);
  for (let i = 0; i < batch; i++) out.set(samples[i % samples.length], i * size);
  return out;
}

/**
 * The ceiling: the model's session on tensors that are already prepared, run back
 * to back at one batch size, after one warm-up run. Returns photos per second.
 */
export async function modelAlone(model: ClipModel, samples: readonly Float32Array[], batch: number, photos: number): Promise<number> {
  const tensor = batchTensor(samples, batch);
  await model.encodeImages(tensor, batch);
  const runs = Math.max(2, Math.ceil(photos / batch));
  const started = performance.now();
  for (let r = 0; r < runs; r++) await model.encodeImages(tensor, batch);
  return (runs * batch) / ((performance.now() - started) / 1000);
}
