/** Folded words at least this long (in letters or digits) still match with one letter wrong, missing or extra. */
export const FUZZY_MIN_LENGTH = 5;

/** What a substituted letter may be, for the one case the trigram index cannot narrow (see fuzzyPieces). */
const SUBSTITUTES = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Substrings of `word` of which any text within one edit of it must contain at least one,
 * to narrow the candidates through the trigram index before checking each one. By the
 * pigeonhole principle one edit leaves one of two halves intact; both halves have three
 * characters or more (the index's minimum) from six letters on. A five-letter word's
 * halves would have two, so it uses its first and last three letters, which cover every
 * edit but one of its middle letter, and spells that case out: the word without it, and
 * with each letter or digit in its place.
 */
export function fuzzyPieces(word: string): string[] {
  const w = [...word];
  const n = w.length;
  if (n >= 6) {
    const half = Math.floor(n / 2);
    return [w.slice(0, half).join(''), w.slice(half).join('')];
  }
  const head = w.slice(0, 2).join('');
  const tail = w.slice(3).join('');
  return [w.slice(0, 3).join(''), w.slice(2).join(''), head + tail, ...[...SUBSTITUTES].filter((c) => c !== w[2]).map((c) => head + c + tail)];
}

export interface ApproximateMatch {
  /** UTF-16 offsets of the matched span in the text, end exclusive. */
  start: number;
  end: number;
  /** Edits between the pattern and the span: 0 or 1. */
  distance: number;
}

/**
 * Every end position at which `pattern` occurs in `text` with at most one edit
 * (substitution, insertion or deletion; Sellers 1980: edit distance with a free start in
 * the text), with the start of the best alignment ending there. Matching is on UTF-16
 * units, which is exact for the letters fuzzy matching applies to.
 */
export function approximateMatches(pattern: string, text: string): ApproximateMatch[] {
  const m = pattern.length;
  if (m === 0) return [];
  // Column j of the DP: cost[i] = edits to match pattern[0..i) ending at text[j - 1]; from[i] = where that match starts.
  let cost = Array.from({ length: m + 1 }, (_, i) => i);
  let from = new Array<number>(m + 1).fill(0);
  const matches: ApproximateMatch[] = [];
  for (let j = 1; j <= text.length; j++) {
    const nextCost = new Array<number>(m + 1);
    const nextFrom = new Array<number>(m + 1);
    nextCost[0] = 0;
    nextFrom[0] = j;
    for (let i = 1; i <= m; i++) {
      const diagonal = cost[i - 1] + (pattern[i - 1] === text[j - 1] ? 0 : 1);
      const skipText = cost[i] + 1;
      const skipPattern = nextCost[i - 1] + 1;
      if (diagonal <= skipText && diagonal <= skipPattern) {
        nextCost[i] = diagonal;
        nextFrom[i] = from[i - 1];
      } else if (skipText <= skipPattern) {
        nextCost[i] = skipText;
        nextFrom[i] = from[i];
      } else {
        nextCost[i] = skipPattern;
        nextFrom[i] = nextFrom[i - 1];
      }
    }
    cost = nextCost;
    from = nextFrom;
    if (cost[m] <= 1) matches.push({ start: from[m], end: j, distance: cost[m] });
  }
  return matches;
}
