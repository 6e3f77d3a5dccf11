import { foldText } from './fold.ts';
import { FUZZY_MIN_LENGTH } from './fuzzy.ts';

export interface TextTerm {
  /** As the user typed it, without quotes. */
  raw: string;
  /** In the form text is matched in (see fold.ts). */
  folded: string;
  /** A quoted phrase: matched exactly, never with a typo. */
  phrase: boolean;
  /** A word long enough, in a script written with spaces, to match with one letter wrong, missing or extra. */
  fuzzy: boolean;
}

/** Straight and typographic double quotes, and CJK corner brackets, open and close phrases. */
const QUOTED = /["“”„「『]([^"“”„」』]*)["“”„」』]?/gu;
const SPACED_WORD = /^[\p{L}\p{N}\p{M}]+$/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * Splits what the user typed into terms: quoted phrases, then the words around them.
 * Terms that fold to nothing (punctuation alone) are dropped. Matching needs every term.
 */
export function parseTextQuery(query: string): TextTerm[] {
  const terms: TextTerm[] = [];
  const add = (raw: string, phrase: boolean) => {
    const folded = foldText(raw);
    if (folded.length === 0) return;
    const fuzzy = !phrase && [...folded].length >= FUZZY_MIN_LENGTH && SPACED_WORD.test(folded) && !UNSPACED.test(folded);
    terms.push({ raw: raw.trim(), folded, phrase, fuzzy });
  };
  const rest = query.replace(QUOTED, (_, phrase: string) => {
    add(phrase, true);
    return ' ';
  });
  for (const word of rest.split(/\s+/u)) add(word, false);
  return terms;
}
