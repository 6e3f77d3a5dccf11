/** Largest and mean absolute difference between two tensors of the same shape. */
export interface TensorDifference {
  max: number;
  mean: number;
}

export function tensorDifference(actual: Float32Array, expected: Float32Array): TensorDifference {
  if (actual.length !== expected.length) throw new Error(`tensors differ in size: ${actual.length} vs ${expected.length}`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / actual.length };
}
