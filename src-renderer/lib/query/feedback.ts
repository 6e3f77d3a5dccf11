/**
 * Relevance feedback on a result list: photos marked "more like this" (up) and "less like
 * this" (down). The marks travel as one chip of the search box (removable like any chip)
 * and reach the engine as the search's `feedback`, which re-ranks with the same cache
 * model as examples and keeps the marked photos in the list. Pure steps only; the state
 * with its undo lives in lib/state/feedback.svelte.ts.
 */

export type Mark = 'up' | 'down';

/** The marks of the current query, each photo once, in the order they were marked. */
export interface FeedbackMarks {
  up: readonly number[];
  down: readonly number[];
}

export interface FeedbackChip extends FeedbackMarks {
  kind: 'feedback';
  key: number;
}

export const NO_FEEDBACK: FeedbackMarks = { up: [], down: [] };

/** The feedback chip's key: one per query, and never one of the keys QueryState counts up from 1. */
export const FEEDBACK_KEY = -1;

export function markOf(marks: FeedbackMarks, id: number): Mark | null {
  if (marks.up.includes(id)) return 'up';
  if (marks.down.includes(id)) return 'down';
  return null;
}

/**
 * The marks with photo `id` marked `mark`: marking it the same way again takes the mark
 * off, marking it the other way moves it.
 */
export function toggleMark(marks: FeedbackMarks, id: number, mark: Mark): FeedbackMarks {
  const current = markOf(marks, id);
  const up = marks.up.filter((x) => x !== id);
  const down = marks.down.filter((x) => x !== id);
  if (current === mark) return { up, down };
  return mark === 'up' ? { up: [...up, id], down } : { up, down: [...down, id] };
}

export function isEmpty(marks: FeedbackMarks): boolean {
  return marks.up.length === 0 && marks.down.length === 0;
}

/** "3 liked, 2 not liked", "1 liked", "2 not liked". */
export function feedbackLabel(marks: FeedbackMarks): string {
  const parts: string[] = [];
  if (marks.up.length) parts.push(`${marks.up.length.toLocaleString()} liked`);
  if (marks.down.length) parts.push(`${marks.down.length.toLocaleString()} not liked`);
  return parts.join(', ');
}

/** The chips with the feedback chip set to `marks` (last, where Backspace takes it first), or without it when there are none. */
export function withFeedbackChip<C extends { key: number }>(chips: readonly C[], marks: FeedbackMarks): Array<C | FeedbackChip> {
  const others = chips.filter((c) => c.key !== FEEDBACK_KEY);
  return isEmpty(marks) ? others : [...others, { kind: 'feedback', key: FEEDBACK_KEY, up: [...marks.up], down: [...marks.down] }];
}

/** What a key does to the results: `+` or `=` (the same key unshifted) likes the focused photo, `-` dislikes it, Ctrl/Cmd+Z undoes the last mark. */
export function feedbackKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): Mark | 'undo' | null {
  if (event.altKey) return null;
  if (event.ctrlKey || event.metaKey) return !event.shiftKey && event.key.toLowerCase() === 'z' ? 'undo' : null;
  if (event.key === '+' || event.key === '=') return 'up';
  if (event.key === '-') return 'down';
  return null;
}
