/**
 * Greedy CTC decoding of one recogniser output row (Graves et al. 2006; PaddleOCR
 * CTCLabelDecode): take the most likely class per time step, merge repeats, drop the
 * blank (class 0). `probs` holds `steps` x `classes` probabilities (softmax output) and
 * `dictionary[k - 1]` is the character of class k. The confidence is the mean
 * probability of the emitted characters, as PaddleOCR scores a line (0 when empty).
 */
export function decodeCtc(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  dictionary: readonly string[],
): { text: string; confidence: number } {
  let text = '';
  let sum = 0;
  let emitted = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probs[row];
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== previous && best !== 0) {
      text += dictionary[best - 1] ?? '';
      sum += bestP;
      emitted++;
    }
    previous = best;
  }
  return { text, confidence: emitted > 0 ? sum / emitted : 0 };
}
