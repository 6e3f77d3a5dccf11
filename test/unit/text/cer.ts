/** Levenshtein distance over Unicode code points (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * Character errors of a reading against the truth, with whitespace left out of both: OCR
 * output keeps or drops the spaces between words at will, and search ignores them
 * (QuarterlyRoadmap2027 must match "quarterly roadmap"). Lines are joined in reading order.
 */
export function characterErrors(truth: readonly string[], read: readonly string[]): { errors: number; length: number } {
  const squash = (lines: readonly string[]) => lines.join('').replace(/\s+/gu, '');
  const reference = squash(truth);
  return { errors: editDistance(reference, squash(read)), length: [...reference].length };
}
