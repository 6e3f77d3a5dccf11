/**
 * `count` ids spread evenly over `ids` (first and last included), in order: a selection
 * too large to send whole stands for itself by an even sample of the list it was made in.
 * @param count at least 1; all of `ids` when it holds no more than `count`
 */
export function spreadSample<T>(ids: readonly T[], count: number): T[] {
  if (ids.length <= count) return [...ids];
  if (count <= 1) return ids.slice(0, 1);
  const step = (ids.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => ids[Math.round(i * step)]);
}
