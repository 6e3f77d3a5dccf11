import { InputError } from '../errors.ts';
import { l2normalize } from '../vectors/math.ts';
import type { ExampleRef } from './example-ranking.ts';

export type Mark = 'up' | 'down';

/** What the chips show: the examples given with the query and the photos marked on its results. */
export interface FeedbackState {
  /** Photos given as examples ("more like these"), then those marked up, in order. */
  examples: ExampleRef[];
  /** Photos given as counter-examples, then those marked down. */
  counterExamples: ExampleRef[];
  /** Marks on result photos, in the order they were made. */
  marks: Array<{ id: number; mark: Mark }>;
}

/**
 * Relevance feedback on one result list: thumbs up and down on photos, undo and
 * clear. The marks feed the same cache model as explicit examples (a photo marked up
 * is an example, one marked down a counter-example), which is what
 * test/integration/learn-examples.test.ts measured against moving the query vector
 * (rocchio below): the cache keeps each liked look of a subject apart, and a
 * dislike only pushes down what resembles that photo, where a Rocchio move shifts the
 * whole query and its ranking of everything.
 */
export class FeedbackSession {
  private marks: Array<{ id: number; mark: Mark }> = [];
  private readonly history: Array<Array<{ id: number; mark: Mark }>> = [];

  constructor(private readonly given: { examples: readonly ExampleRef[]; counterExamples: readonly ExampleRef[] } = { examples: [], counterExamples: [] }) {}

  /** Marks `id` up or down, replacing an earlier mark on it. */
  mark(id: number, mark: Mark): void {
    if (!Number.isInteger(id) || id < 0) throw new InputError(String(id), 'A photo is marked by its id, a whole number.');
    this.change(() => [...this.marks.filter((m) => m.id !== id), { id, mark }]);
  }

  /** Takes the mark off `id` (no change when it has none). */
  unmark(id: number): void {
    if (!this.marks.some((m) => m.id === id)) return;
    this.change(() => this.marks.filter((m) => m.id !== id));
  }

  /** Removes every mark; undo brings them back. */
  clear(): void {
    if (this.marks.length === 0) return;
    this.change(() => []);
  }

  /** Goes back one change (mark, unmark or clear); false when there is nothing to undo. */
  undo(): boolean {
    const previous = this.history.pop();
    if (!previous) return false;
    this.marks = previous;
    return true;
  }

  markOf(id: number): Mark | null {
    return this.marks.find((m) => m.id === id)?.mark ?? null;
  }

  state(): FeedbackState {
    return {
      examples: [...this.given.examples, ...this.marks.filter((m) => m.mark === 'up').map((m) => m.id)],
      counterExamples: [...this.given.counterExamples, ...this.marks.filter((m) => m.mark === 'down').map((m) => m.id)],
      marks: this.marks.map((m) => ({ ...m })),
    };
  }

  private change(next: () => Array<{ id: number; mark: Mark }>): void {
    this.history.push(this.marks);
    this.marks = next();
  }
}

/** Rocchio's weights as the textbook gives them (Manning, Raghavan & Schütze 2008, "Introduction to Information Retrieval", §9.1.1). */
export const ROCCHIO_WEIGHTS = { query: 1, liked: 0.75, disliked: 0.15 } as const;

/**
 * Rocchio's query move (Rocchio 1971): query + liked * mean(liked) - disliked * mean(disliked),
 * L2-normalised. Kept to compare with the cache model (see FeedbackSession).
 * @param query `[D]` L2-normalised, or null for examples alone
 * @returns a new `[D]` vector
 * @throws InputError when nothing positive is left
 */
export function rocchio(
  query: Float32Array | null,
  liked: readonly Float32Array[],
  disliked: readonly Float32Array[],
  weights: { query: number; liked: number; disliked: number } = ROCCHIO_WEIGHTS,
): Float32Array {
  const dim = query?.length ?? liked[0]?.length ?? disliked[0]?.length;
  if (dim === undefined) throw new InputError('empty', 'Rocchio needs a query or liked photos.');
  const out = new Float32Array(dim);
  const add = (vectors: readonly Float32Array[], weight: number) => {
    if (vectors.length === 0) return;
    for (const v of vectors) for (let i = 0; i < dim; i++) out[i] += (weight / vectors.length) * v[i];
  };
  if (query) add([query], weights.query);
  add(liked, weights.liked);
  add(disliked, -weights.disliked);
  if (!out.some((x) => x !== 0)) throw new InputError('empty', 'The liked and disliked photos cancel each other out.');
  return l2normalize(out);
}
