/**
 * PaddleOCR drops lines read with less than this mean character probability (drop_score 0.5);
 * shapes read as letters score lower than printed words.
 */
export const MIN_CONFIDENCE = 0.5;
/** Letters or digits a line needs: a lone character is what a circle, a pole or a window frame reads as ("O", "I", "口"). */
const MIN_CHARACTERS = 2;
/** Line height, in pixels of the image read, below which a detection is a speck rather than legible text. */
export const MIN_HEIGHT_PX = 6;

export interface CandidateLine {
  text: string;
  confidence: number;
  /** The line's height (its short side) in pixels of the image read. */
  heightPx: number;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;

/** Whitespace runs become one space; the ends are trimmed. */
export function cleanText(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Whether a recognised line is real text: confident enough, at least two letters or digits, and tall enough to be read. */
export function isRealText(line: CandidateLine): boolean {
  if (line.confidence < MIN_CONFIDENCE || line.heightPx < MIN_HEIGHT_PX) return false;
  return (line.text.match(LETTER_OR_DIGIT)?.length ?? 0) >= MIN_CHARACTERS;
}
