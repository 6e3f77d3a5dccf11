/** Bytes copied per measurement: far larger than any CPU cache. */
const BYTES = 256 << 20;
const REPEATS = 5;

/**
 * This machine's memory bandwidth as one thread sees it: a 256 MB Float32Array copied
 * with TypedArray.prototype.set (a memcpy), counting the bytes read and the bytes
 * written, best of 5 after a warm-up copy. GB/s.
 */
export function copyBandwidth(): number {
  const from = new Float32Array(BYTES / 4).fill(1);
  const to = new Float32Array(BYTES / 4);
  to.set(from);
  let best = 0;
  for (let r = 0; r < REPEATS; r++) {
    const started = performance.now();
    to.set(from);
    best = Math.max(best, (2 * BYTES) / ((performance.now() - started) / 1000) / 1e9);
  }
  return best;
}
