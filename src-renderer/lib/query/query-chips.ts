/**
 * The search box's query: the parts of the query language (core/search/query-language.ts)
 * that the user finished typing become chips, free words stay text, and two kinds of
 * chip exist only in the box: the example photos of "Find similar" and image files
 * dropped on it (desktop). This module holds the pure steps: splitting typed text into
 * chips and text, putting them back together as one query, and the request it makes.
 */
import type { QueryTerm, SearchInput } from '../../../src-main/core/api/contract.ts';
import { formatPart, parseQuery, toSearchInput, type ParsedQuery, type QueryPart, type QueryProblem } from '../../../src-main/core/search/query-language.ts';
import { isEmpty, type FeedbackChip } from './feedback.ts';

/** A part of the query language, kept as its canonical text (formatPart). */
export interface PartChip {
  kind: 'part';
  key: number;
  text: string;
  /** The part's kind, for its look: an excluded term is drawn as a "not" chip. */
  partKind: QueryPart['kind'];
}

/** Photos of the library as examples ("more like these") and counter-examples ("not like these"). */
export interface ExampleChip {
  kind: 'examples';
  key: number;
  like: number[];
  unlike: number[];
  /** The file name when the chip stands for one photo. */
  label: string | null;
}

/** An image file from outside the library, where the platform gives its path (the desktop app). */
export interface FileChip {
  kind: 'file';
  key: number;
  path: string;
  label: string;
  negative: boolean;
}

export type Chip = PartChip | ExampleChip | FileChip | FeedbackChip;

/** The values once each, in first-seen order. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Strength of a "not …" image file, as the query language's excluded words (DEFAULT_EXCLUDE_WEIGHT). */
export const NEGATIVE_FILE_WEIGHT = 0.5;
export const DEFAULT_IMAGE_SHARE = 0.5;
/** The contract's largest weight. */
const MAX_EXAMPLE_WEIGHT = 4;

/** Kinds that stay text in the box: free words are read together, and a part with a mistake stays where it can be corrected. */
const STAYS_TEXT: ReadonlySet<QueryPart['kind']> = new Set(['word', 'invalid']);

/**
 * Splits typed text into the parts that become chips (in input order, canonical text) and
 * the text that stays. A part becomes a chip once it is finished: followed by whitespace,
 * or at the end when `complete` (Enter). An unclosed quote is never finished.
 */
export function splitTyped(typed: string, complete: boolean): { chips: Array<Pick<PartChip, 'text' | 'partKind'>>; rest: string } {
  const parsed = parseQuery(typed);
  const taken = parsed.parts.filter((p) => !STAYS_TEXT.has(p.kind) && !p.unclosed && (complete || p.end < typed.length));
  if (taken.length === 0) return { chips: [], rest: typed };
  let rest = '';
  let at = 0;
  for (const p of taken) {
    rest += typed.slice(at, p.start);
    at = p.end;
  }
  rest += typed.slice(at);
  const trailing = /\s$/.test(typed) && rest.trim() !== '' ? ' ' : '';
  return { chips: taken.map((p) => ({ text: formatPart(p), partKind: p.kind })), rest: rest.trim().replace(/\s+/g, ' ') + trailing };
}

/** The whole query as one text, chips first, and where each chip and the typed text sit in it. */
export interface ComposedQuery {
  text: string;
  spans: Map<number, { start: number; end: number }>;
  typedStart: number;
}

export function composeQuery(chips: readonly Chip[], typed: string): ComposedQuery {
  const spans = new Map<number, { start: number; end: number }>();
  let text = '';
  for (const chip of chips) {
    if (chip.kind !== 'part') continue;
    if (text) text += ' ';
    spans.set(chip.key, { start: text.length, end: text.length + chip.text.length });
    text += chip.text;
  }
  if (text && typed) text += ' ';
  return { text: text + typed, spans, typedStart: text.length };
}

/** A problem of the query, with the chips it is about (a backwards date range names two) or the typed text it quotes. */
export interface ShownProblem {
  message: string;
  /** The typed part the problem is about (all of it, `after:2021-13` for a bad month); '' when it is about chips, which are marked instead. */
  quote: string;
  chipKeys: number[];
}

export function problemsOf(parsed: ParsedQuery, composed: ComposedQuery): ShownProblem[] {
  return parsed.problems.map((p: QueryProblem) => {
    const chipKeys = [...composed.spans].filter(([, s]) => s.start < p.end && p.start < s.end).map(([key]) => key);
    const part = parsed.parts.find((q) => q.start <= p.start && p.end <= q.end);
    const quote = chipKeys.length ? '' : composed.text.slice(part?.start ?? p.start, part?.end ?? p.end);
    return { message: p.message, quote, chipKeys };
  });
}

/** What the engine is asked, without the page (k, offset). */
export type SearchRequest = Omit<SearchInput, 'k' | 'offset'>;

/**
 * The search for a parsed query plus the box's own chips: toSearchInput's fields of the
 * contract (label: and album: as filters), the example chip's photos added to
 * like:/unlike:, the feedback chip's marks as `feedback`, and dropped files as file terms. When words and images are both given,
 * `imageShare` (0..1) balances them: image files get that share of the weight and the
 * description the rest; the examples, which the engine ranks with its cache model, get the
 * factor share / (1 - share) against the words (1 when even, at most 4). A weighted term
 * (2:sunset) keeps the weight it was given.
 */
export function buildRequest(parsed: ParsedQuery, chips: readonly Chip[], imageShare: number): SearchRequest {
  const q = toSearchInput(parsed);
  const examples = chips.filter((c): c is ExampleChip => c.kind === 'examples');
  const files = chips.filter((c): c is FileChip => c.kind === 'file');
  const like = unique([...q.examples.like, ...examples.flatMap((c) => c.like)]);
  const unlike = unique([...q.examples.unlike, ...examples.flatMap((c) => c.unlike)]);
  const positiveFiles = files.filter((f) => !f.negative);
  const hasText = q.description !== '' || q.terms.some((t) => t.weight > 0);
  const imageUnits = positiveFiles.length + (like.length ? 1 : 0);
  const share = hasText && imageUnits > 0 ? imageShare : 1;
  const perImage = share / Math.max(1, imageUnits);
  const fileTerms: QueryTerm[] = files.map((f) => ({ kind: 'file', path: f.path, weight: f.negative ? -NEGATIVE_FILE_WEIGHT : perImage }));
  const request: SearchRequest = {
    terms: [...q.terms, ...fileTerms],
    filters: q.filters,
    phrases: q.phrases,
    dateWords: q.dateWords,
    sort: q.sort,
  };
  if (q.description) request.description = q.description;
  const feedback = chips.find((c): c is FeedbackChip => c.kind === 'feedback');
  if (feedback && !isEmpty(feedback)) request.feedback = { up: [...feedback.up], down: [...feedback.down] };
  if (hasText && imageUnits > 0) request.descriptionWeight = 1 - imageShare;
  // The engine weighs the examples against the words by this factor (1: even), whatever the description's weight.
  if (like.length || unlike.length)
    request.examples = { like, unlike, weight: hasText && like.length ? Math.min(MAX_EXAMPLE_WEIGHT, imageShare / (1 - imageShare)) : 1 };
  return request;
}

/** True when the request has nothing to look for: the engine lists the library (the timeline), filtered and sorted by date. */
export function isListing(request: SearchRequest): boolean {
  return (
    !request.description &&
    (request.terms?.length ?? 0) === 0 &&
    (request.phrases?.length ?? 0) === 0 &&
    (request.dateWords?.length ?? 0) === 0 &&
    !request.examples?.like?.length &&
    !request.examples?.unlike?.length &&
    !request.feedback?.up?.length &&
    !request.feedback?.down?.length
  );
}

/** True when images (examples, positive files) and words are both in the query: then their balance matters. */
export function mixesImagesAndWords(request: SearchRequest): boolean {
  return request.descriptionWeight !== undefined;
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "IMG_0001.jpg", "12 examples", "12 examples, 3 counter-examples", "3 counter-examples". */
export function exampleLabel(chip: Pick<ExampleChip, 'like' | 'unlike' | 'label'>): string {
  const { like, unlike } = chip;
  if (like.length === 1 && unlike.length === 0 && chip.label) return chip.label;
  const parts = [];
  if (like.length) parts.push(count(like.length, 'example', 'examples'));
  if (unlike.length) parts.push(count(unlike.length, 'counter-example', 'counter-examples'));
  return parts.join(', ');
}

/** The example chip with `ids` added as counter-examples; a photo that is an example stays one. */
export function withCounterExamples(chip: ExampleChip, ids: readonly number[]): ExampleChip {
  const liked = new Set(chip.like);
  return { ...chip, unlike: unique([...chip.unlike, ...ids]).filter((id) => !liked.has(id)) };
}
