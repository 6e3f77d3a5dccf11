import type { StoredReading } from '../store/photo-text.ts';
import { foldWords } from './fold.ts';
import { textHeight } from './geometry.ts';
import type { TextReading } from './types.ts';

/**
 * A reading with the search form of its text, as PhotoTextTable.write stores it: each
 * line folded (fold.ts) with a space before each word, lines joined with "\n", and per
 * line its text height (thousandths of the photo) and confidence (hundredths), so that
 * search ranks candidates without reading their lines.
 */
export function searchableReading(reading: TextReading): StoredReading {
  return {
    modelId: reading.modelId,
    lines: reading.lines,
    words: reading.lines.map((line) => foldWords(line.text)).join('\n'),
    lineInfo: reading.lines.map((line) => `${Math.round(textHeight(line.box) * 1000)}:${Math.round(line.confidence * 100)}`).join(' '),
  };
}
