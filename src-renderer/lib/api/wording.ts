import type { ApiErrorBody } from '../../../src-main/core/api/contract.ts';
import type { ClientMode } from './client.ts';

/**
 * The engine's messages serve every front end; the advice some of them end with is
 * worded for the command line (`photo-search models import <dir>`, --model). In the
 * interface, those sentences are replaced by what to do on screen.
 */

/** A sentence that tells the reader to run something: a `command` in backticks or a --flag. */
const COMMAND_SENTENCE = /`[^`]+`|(^|[\s(])--[a-z]/;

/**
 * Sentence ends: a full stop, ! or ? (closing brackets and quotes included) before a
 * space and a capital letter, an opening bracket or quote; "e.g." and "i.e." end none.
 */
function sentences(message: string): string[] {
  return message.split(/(?<!\b(?:e\.g|i\.e)\.)(?<=[.!?][)"'’”]?)\s+(?=[A-Z(“"'])/);
}

/** The message without its command-line sentences; `dropped` says whether there were any. */
export function withoutCommandAdvice(message: string): { text: string; dropped: boolean } {
  const all = sentences(message.trim());
  const kept = all.filter((s) => !COMMAND_SENTENCE.test(s));
  return { text: kept.join(' '), dropped: kept.length < all.length };
}

const SET_UP_MODEL = 'Download a model under “The model” (in the Library window once you have photos), or add a model folder you already have.';
const ADD_MODEL_FOLDER =
  'To install a model without internet, copy its folder from another computer, then add it with “Or use a model folder on this computer”.';

/** What to do on screen, per error code, in place of the command line's advice. */
const ON_SCREEN: Partial<Record<string, (mode: ClientMode) => string>> = {
  'model-missing': () => SET_UP_MODEL,
  'model-download-failed': () => ADD_MODEL_FOLDER,
};

/**
 * An engine error as the interface says it: the engine's account of what happened
 * and to what (it names the file or value), with the advice for the command line
 * replaced by the way to do it in this front end.
 */
export function inFrontEndWords(error: ApiErrorBody, mode: ClientMode): string {
  const { text, dropped } = withoutCommandAdvice(error.message);
  const advice = ON_SCREEN[error.code]?.(mode);
  if (error.code === 'model-missing' && advice) return `${text || 'No model is set up.'} ${advice}`;
  if (!dropped || !advice) return text || error.message;
  return `${text} ${advice}`.trim();
}
