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
 * Sellers' dynamic programme (edit distance with a free start in the text, Sellers 1980)
 * over `text[from..to)`: every end at which `pattern` matches with at most one edit, with
 * the start of the best alignment ending there.
 */
function sellers(pattern: string, text: string, from: number, to: number): ApproximateMatch[] {
  const m = pattern.length;
  let cost = new Int32Array(m + 1);
  let start = new Int32Array(m + 1);
  let nextCost = new Int32Array(m + 1);
  let nextStart = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) cost[i] = i;
  start.fill(from);
  const matches: ApproximateMatch[] = [];
  for (let j = from + 1; j <= to; j++) {
    const c = text.charCodeAt(j - 1);
    nextCost[0] = 0;
    nextStart[0] = j;
    for (let i = 1; i <= m; i++) {
      const diagonal = cost[i - 1] + (pattern.charCodeAt(i - 1) === c ? 0 : 1);
      const skipText = cost[i] + 1;
      const skipPattern = nextCost[i - 1] + 1;
      if (diagonal <= skipText && diagonal <= skipPattern) {
        nextCost[i] = diagonal;
        nextStart[i] = start[i - 1];
      } else if (skipText <= skipPattern) {
        nextCost[i] = skipText;
        nextStart[i] = start[i];
      } else {
        nextCost[i] = skipPattern;
        nextStart[i] = nextStart[i - 1];
      }
    }
    [cost, nextCost] = [nextCost, cost];
    [start, nextStart] = [nextStart, start];
    if (cost[m] <= 1) matches.push({ start: start[m], end: j, distance: cost[m] });
  }
  return matches;
}

/** Patterns up to this long fit Myers' bit vectors in one 32-bit word (with room for the carry). */
const BIT_VECTOR_MAX = 31;

/**
 * Every end position at which `pattern` occurs in `text` with at most one edit
 * (substitution, insertion or deletion), with the start of the best alignment ending
 * there. The ends come from Myers' bit-parallel algorithm (Myers 1999, "A fast bit-vector
 * algorithm for approximate string matching", semi-global form), one step per text
 * character; each end's start from Sellers' programme over the few characters before it.
 * Matching is on UTF-16 units, which is exact for the letters fuzzy matching applies to.
 */
export function approximateMatches(pattern: string, text: string): ApproximateMatch[] {
  const m = pattern.length;
  if (m === 0) return [];
  if (m > BIT_VECTOR_MAX) return sellers(pattern, text, 0, text.length);
  // Where each character occurs in the pattern, as bits: an array for ASCII, a map for the rest.
  const ascii = new Int32Array(128);
  const other = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const c = pattern.charCodeAt(i);
    if (c < 128) ascii[c] |= 1 << i;
    else other.set(c, (other.get(c) ?? 0) | (1 << i));
  }
  const high = 1 << (m - 1);
  const mask = m === 32 ? -1 : (1 << m) - 1;
  let pv = mask;
  let mv = 0;
  let score = m;
  const matches: ApproximateMatch[] = [];
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    const eq = c < 128 ? ascii[c] : (other.get(c) ?? 0);
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) & mask) ^ pv) | eq;
    let ph = mv | (~(xh | pv) & mask);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    ph = (ph << 1) & mask;
    mh = (mh << 1) & mask;
    pv = mh | (~(xv | ph) & mask);
    mv = ph & xv;
    if (score <= 1) {
      const from = Math.max(0, j + 1 - m - 1);
      const found = sellers(pattern, text, from, j + 1).filter((s) => s.end === j + 1);
      matches.push(...found);
    }
  }
  return matches;
}
