/**
 * The form text is matched in, for photo text and queries alike: compatibility-normalised
 * (NFKC: full-width "ＷｉＦｉ" is "WiFi", "ﬁ" is "fi"), lower-cased, Latin accents removed
 * ("café" is "cafe"), the digit zero written as the letter o, and only letters and digits
 * kept. OCR keeps or drops spaces and punctuation at will ("QuarterlyRoadmap2027",
 * "Folio88217", "Receipt#20419") and mistakes the letter o for a zero and back ("c0de"),
 * so none of them may decide a match. Accents are removed only after Latin letters: the
 * marks of other scripts (Japanese dakuten, Devanagari vowel signs) change the letter.
 */
const LATIN_MARKS = /(?<=\p{Script=Latin})\p{M}+/gu;
const NOT_MATCHED = /[^\p{L}\p{N}\p{M}]+/gu;

export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(LATIN_MARKS, '').normalize('NFC').replace(NOT_MATCHED, '').replace(/0/g, 'o');
}

/**
 * The folded text with, per UTF-16 unit of it, whether it starts or ends a word in the
 * original and where in the original (UTF-16 index into `text`) it came from. Search
 * uses it to rank "cappucc" at the start of a word above "ppucc" inside one, and to quote
 * the words a match covers. `folded` always equals foldText(text).
 */
export interface FoldedText {
  folded: string;
  wordStart: boolean[];
  wordEnd: boolean[];
  source: number[];
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
/** Scripts written without spaces: every character is a word edge. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
/** A character with the combining marks that follow it, so that accents fold with their letter. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;

interface CharClass {
  /** The cluster folded ('' when it is not matched at all). */
  piece: string;
  word: boolean;
  unspaced: boolean;
  lower: boolean;
  upper: boolean;
  letter: boolean;
  digit: boolean;
}

/** Classes of the clusters seen so far: a photo library uses a few thousand distinct characters, and search folds many lines. */
const classes = new Map<string, CharClass>();
const CLASS_CACHE_LIMIT = 50_000;

function classify(cluster: string): CharClass {
  let c = classes.get(cluster);
  if (!c) {
    c = {
      piece: foldText(cluster),
      word: WORD_CHAR.test(cluster),
      unspaced: UNSPACED.test(cluster),
      lower: /^\p{Ll}/u.test(cluster),
      upper: /^\p{Lu}/u.test(cluster),
      letter: /^\p{L}/u.test(cluster),
      digit: /^\p{N}/u.test(cluster),
    };
    if (classes.size >= CLASS_CACHE_LIMIT) classes.clear();
    classes.set(cluster, c);
  }
  return c;
}

/** A lower-case letter followed by a capital ("QuarterlyRoadmap"), or a letter next to a digit, is a word edge OCR lost the space at. */
const caseBoundary = (before: CharClass, after: CharClass): boolean =>
  (before.lower && after.upper) || (before.letter && after.digit) || (before.digit && after.letter);

export function foldWithEdges(text: string): FoldedText {
  const clusters = [...text.matchAll(CLUSTER)];
  const kinds = clusters.map((m) => classify(m[0]));
  let folded = '';
  const wordStart: boolean[] = [];
  const wordEnd: boolean[] = [];
  const source: number[] = [];
  for (let i = 0; i < clusters.length; i++) {
    const kind = kinds[i];
    const piece = kind.piece;
    if (piece.length === 0) continue;
    const before = kinds[i - 1];
    const after = kinds[i + 1];
    const start = kind.unspaced || before === undefined || !before.word || caseBoundary(before, kind);
    const end = kind.unspaced || after === undefined || !after.word || caseBoundary(kind, after);
    for (let k = 0; k < piece.length; k++) {
      wordStart.push(start && k === 0);
      wordEnd.push(end && k === piece.length - 1);
      source.push(clusters[i].index);
    }
    folded += piece;
  }
  return { folded, wordStart, wordEnd, source };
}

/**
 * The folded text with a space at every word start foldWithEdges finds ("wi fi password
 * sunflower 42"): squeezing the spaces out gives foldText(text), and they tell search
 * where words begin and end without folding the original again.
 */
export function foldWords(text: string): string {
  const f = foldWithEdges(text);
  let out = '';
  for (let i = 0; i < f.folded.length; i++) out += i > 0 && f.wordStart[i] ? ` ${f.folded[i]}` : f.folded[i];
  return out;
}
