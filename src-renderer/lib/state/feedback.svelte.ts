import {
  NO_FEEDBACK,
  feedbackKey,
  feedbackLabel,
  markOf,
  toggleMark,
  withFeedbackChip,
  type FeedbackChip,
  type FeedbackMarks,
  type Mark,
} from '../query/feedback.ts';
import type { QueryState } from './query.svelte.ts';

/** One mark given: the marks before it and after it, so undo can tell the chip was not changed since. */
interface Step {
  before: FeedbackMarks;
  after: FeedbackMarks;
}

/**
 * Thumbs-up / thumbs-down on the results of the current query, with undo. The marks are
 * the query's feedback chip (query-chips.ts sends it as the search's `feedback`), so
 * removing the chip, or starting a new search with "Find similar", takes them away too.
 */
export class FeedbackState {
  private steps: Step[] = [];

  constructor(private readonly query: QueryState) {}

  /** The current query's marks. */
  get marks(): FeedbackMarks {
    return this.query.chips.find((c): c is FeedbackChip => c.kind === 'feedback') ?? NO_FEEDBACK;
  }

  get count(): number {
    const m = this.marks;
    return m.up.length + m.down.length;
  }

  /** "3 liked, 2 not liked". */
  get label(): string {
    return feedbackLabel(this.marks);
  }

  markOf(id: number): Mark | null {
    return markOf(this.marks, id);
  }

  /** Marks photo `id` (the same mark again takes it off, the other one replaces it). */
  mark(id: number, mark: Mark): void {
    const before = this.marks;
    this.set(toggleMark(before, id, mark));
    this.steps.push({ before, after: this.marks });
  }

  /** Takes back the last mark; false when there is none to take back (the chip was removed or changed since). */
  undo(): boolean {
    const last = this.steps.pop();
    if (!last || last.after !== this.marks) {
      this.steps = [];
      return false;
    }
    this.set(last.before);
    // The chip is made anew: the step before now ends at it.
    const previous = this.steps.at(-1);
    if (previous) previous.after = this.marks;
    return true;
  }

  canUndo(): boolean {
    const last = this.steps.at(-1);
    return last !== undefined && last.after === this.marks;
  }

  clear(): void {
    this.steps = [];
    this.set(NO_FEEDBACK);
  }

  /**
   * A key pressed over the results: `+`/`=` and `-` mark `focusedId` (none: the key is not
   * taken), Ctrl/Cmd+Z undoes the last mark. True when the key was used.
   */
  key(event: KeyboardEvent, focusedId: number | undefined): boolean {
    const action = feedbackKey(event);
    if (action === 'undo') return this.undo();
    if (action === null || focusedId === undefined) return false;
    this.mark(focusedId, action);
    return true;
  }

  /** A new chip object each time: a step's `after` is then the very chip it made, and any other change is told apart. */
  private set(marks: FeedbackMarks): void {
    this.query.chips = withFeedbackChip(this.query.chips, marks);
  }
}
