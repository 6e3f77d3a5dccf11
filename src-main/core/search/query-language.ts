/**
 * The query language of the search box and the command line, parsed by this one module:
 *
 *   dog beach -people "exact words" in:paris after:2021-01 before:2021-12 folder:Trips
 *   camera:iphone type:heic,jpg 2:sunset label:beach album:Hiking like:12,15 sort:newest
 *
 * `parseQuery` turns text into parts (each with its span, so the box can show them as
 * chips) and problems (each with its span, so the box can explain them in place);
 * `formatQuery` writes parts back as text; `toSearchInput` turns a parsed query into
 * what the engine searches with. The grammar is in docs on `parseQuery`.
 *
 * No Node APIs: the renderer imports this module too.
 */
import { SORT_ORDERS, type Filters, type QueryDate, type QueryTerm, type SortOrder } from '../api/contract.ts';
import { excerpt, findDateWords, readDatePeriod, type DateToken, type DateWord, type QueryProblem, type Span } from './date-words.ts';

export type { DateMeaning, DatePeriod, DateWord, QueryProblem, Span } from './date-words.ts';

export { SORT_ORDERS, type SortOrder } from '../api/contract.ts';

/** Operator names, as written before the colon (case-insensitive in the input, lower case in output). */
export const OPERATORS = ['in', 'after', 'before', 'folder', 'camera', 'type', 'label', 'album', 'like', 'unlike', 'sort', 'has'] as const;
export type OperatorName = (typeof OPERATORS)[number];

/**
 * File types a `type:` value may name, each with the extensions it stands for. The same
 * families as the engine's filter (core/search/filters.ts), which cannot be imported here
 * because it uses Node's path module.
 */
export const PHOTO_TYPES: ReadonlyArray<readonly string[]> = [['jpg', 'jpeg', 'jpe'], ['heic', 'heif'], ['png'], ['webp'], ['tif', 'tiff'], ['gif'], ['avif']];

/** The contract's bounds for a term's weight. */
export const MAX_WEIGHT = 4;

/** How strongly an excluded term (`-people`) pushes down, as the command line's --not-weight default. */
export const DEFAULT_EXCLUDE_WEIGHT = 0.5;

/** One union member per kind, so that `kind` narrows a part to exactly one shape. */
type Each<K extends string, Fields> = K extends string ? { kind: K } & Fields : never;

interface PartBase extends Span {
  /** The value's quote was never closed: it ran to the end of the input (only ever the last part). */
  unclosed?: true;
}

/**
 * One recognised piece of the query, in input order. `start`/`end` are UTF-16 offsets
 * into the parsed text, `end` exclusive.
 * - word: a free word (no quotes); all free words together are the description.
 * - exclude: `-word` or `-"some words"`, a text term that pushes matches down.
 * - weighted: `2:sunset`, `0.5:"at night"`, a text term with its own weight (-4..4).
 * - phrase: `"exact words"`, matched against literal text only (names, places, words in photos).
 * - place (`in:`), folder, camera, label, album: a text value.
 * - after, before: the value as typed and the calendar period it names.
 * - type: file types, lower case without a dot; like/unlike: photo ids; sort; has:gps.
 * - invalid: an operator or term that cannot be used as typed; `raw` is its exact text,
 *   `operator` the operator it was meant for (null for `""`, `-""` or an out-of-range
 *   weight); a problem with the same or an inner span says why.
 */
export type QueryPart = PartBase &
  (
    | { kind: 'word'; text: string }
    | { kind: 'exclude'; text: string }
    | { kind: 'weighted'; text: string; weight: number }
    | { kind: 'phrase'; text: string }
    | Each<'place' | 'folder' | 'camera' | 'label' | 'album', { value: string }>
    | Each<'after' | 'before', { value: string; from: string; to: string }>
    | { kind: 'type'; types: string[] }
    | Each<'like' | 'unlike', { ids: number[] }>
    | { kind: 'sort'; order: SortOrder }
    | { kind: 'has'; what: 'gps' }
    | { kind: 'invalid'; raw: string; operator: OperatorName | null }
  );

export interface ParsedQuery {
  parts: QueryPart[];
  /** Dates among the free words ("June 2021"): a ranking signal, not a filter. */
  dateWords: DateWord[];
  /** Everything that could not be used as typed, in input order; the rest of the query still counts. */
  problems: QueryProblem[];
}

const OPERATOR_KIND: Record<OperatorName, QueryPart['kind']> = {
  in: 'place',
  after: 'after',
  before: 'before',
  folder: 'folder',
  camera: 'camera',
  type: 'type',
  label: 'label',
  album: 'album',
  like: 'like',
  unlike: 'unlike',
  sort: 'sort',
  has: 'has',
};
const KIND_OPERATOR = Object.fromEntries(Object.entries(OPERATOR_KIND).map(([op, kind]) => [kind, op])) as Record<string, OperatorName>;

/** What an empty value of each operator should have held. */
const NEEDS: Record<OperatorName, string> = {
  in: 'a place, as in:paris or in:"new york"',
  after: 'a date, as after:2021-06',
  before: 'a date, as before:2021-12',
  folder: 'a folder name, as folder:Trips',
  camera: 'a camera, as camera:iphone',
  type: 'file types, as type:heic,jpg',
  label: 'a label, as label:beach',
  album: 'an album name, as album:Hiking',
  like: 'photo ids, as like:123,456',
  unlike: 'photo ids, as unlike:123',
  sort: 'an order: relevance, newest or oldest',
  has: 'gps, as has:gps',
};

/** Operators that keep one value: a repeat replaces the earlier one. */
const SINGLE_VALUED: readonly OperatorName[] = ['after', 'before', 'camera', 'album', 'sort'];

// Whitespace and control characters (NUL, ESC, DEL...) separate parts; neither is ever part of a bare value.
const SEPARATOR = /[\s\p{Cc}]/u;
const NEXT_SEPARATOR = /[\s\p{Cc}]/gu;
const SEPARATORS = /[\s\p{Cc}]*/uy;
/** `"`, and the typographic quotes that phones and macOS type instead, which close each other in either order. */
const isQuote = (c: string | undefined) => c === '"' || c === '\u201C' || c === '\u201D';
const NEXT_STRAIGHT_QUOTE = /"/g;
const NEXT_CURLY_QUOTE = /[\u201C\u201D]/g;
const isSeparator = (c: string | undefined) => c !== undefined && SEPARATOR.test(c);
const WEIGHT_PREFIX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?:/i;
const OPERATOR_PREFIX = /^([a-z]{2,6}):/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function operatorAt(token: string): OperatorName | null {
  const m = OPERATOR_PREFIX.exec(token);
  const name = m?.[1].toLowerCase();
  return name !== undefined && (OPERATORS as readonly string[]).includes(name) ? (name as OperatorName) : null;
}

function skipSeparators(s: string, i: number): number {
  SEPARATORS.lastIndex = i;
  SEPARATORS.exec(s);
  return SEPARATORS.lastIndex;
}

function bareEnd(s: string, i: number): number {
  NEXT_SEPARATOR.lastIndex = i;
  return NEXT_SEPARATOR.exec(s)?.index ?? s.length;
}

/** Whitespace and control characters off both ends, by index: a regex like /\s+$/ is quadratic on long runs of spaces. */
function trim(value: string): string {
  let a = 0;
  let b = value.length;
  while (a < b && isSeparator(value[a])) a++;
  while (b > a && isSeparator(value[b - 1])) b--;
  return value.slice(a, b);
}

interface Quoted {
  value: string;
  end: number;
  closed: boolean;
}

/**
 * A quoted value starting at the quote `s[q]`. A straight quote is closed by a straight
 * quote, a curly one by a curly one (the others are ordinary characters inside); a closing
 * quote doubled stands for itself. A value never closed runs to the end.
 */
function readQuoted(s: string, q: number): Quoted {
  const straight = s[q] === '"';
  const closer = straight ? NEXT_STRAIGHT_QUOTE : NEXT_CURLY_QUOTE;
  const closes = (c: string | undefined) => (straight ? c === '"' : c === '\u201C' || c === '\u201D');
  const chunks: string[] = [];
  let i = q + 1;
  for (;;) {
    closer.lastIndex = i;
    const k = closer.exec(s)?.index ?? -1;
    if (k < 0) {
      chunks.push(s.slice(i));
      return { value: trim(chunks.join('')), end: s.length, closed: false };
    }
    chunks.push(s.slice(i, k));
    if (!closes(s[k + 1])) return { value: trim(chunks.join('')), end: k + 1, closed: true };
    chunks.push(s[k]);
    i = k + 2;
  }
}

interface Read {
  part: QueryPart;
  problems: QueryProblem[];
}

/** A value after a prefix: quoted when it starts with a quote, otherwise the rest of the token. */
function readValue(s: string, at: number, tokenEnd: number): Quoted & { start: number } {
  if (isQuote(s[at])) return { ...readQuoted(s, at), start: at };
  return { value: s.slice(at, tokenEnd), end: tokenEnd, closed: true, start: at };
}

function unclosedProblem(value: Quoted & { start: number }): QueryProblem[] {
  if (value.closed) return [];
  const shown = value.value ? `"${excerpt(value.value)}` : 'The quote';
  return [{ message: `${shown} has no closing quote: add " where it ends.`, start: value.start, end: value.end }];
}

function invalid(s: string, start: number, end: number, operator: OperatorName | null, problems: QueryProblem[]): Read {
  return { part: { kind: 'invalid', raw: s.slice(start, end), operator, start, end }, problems };
}

/** Reads the part that starts at `i` (not a separator). */
function readPart(s: string, i: number): Read {
  if (isQuote(s[i])) {
    const q = { ...readQuoted(s, i), start: i };
    const problems = unclosedProblem(q);
    if (!q.value) return invalid(s, i, q.end, null, [...problems, { message: 'Empty quotes match nothing: put words between them.', start: i, end: q.end }]);
    return { part: { kind: 'phrase', text: q.value, start: i, end: q.end, ...(q.closed ? {} : { unclosed: true }) }, problems };
  }
  const tokenEnd = bareEnd(s, i);
  const head = s.slice(i, Math.min(tokenEnd, i + 40));

  const weight = WEIGHT_PREFIX.exec(head);
  const afterWeight = weight ? i + weight[0].length : -1;
  if (weight && afterWeight < s.length && !isSeparator(s[afterWeight]) && !/[0-9]/.test(s[afterWeight])) {
    const value = readValue(s, afterWeight, tokenEnd);
    const number = weight[0].slice(0, -1);
    const w = Number(number) + 0;
    const problems = unclosedProblem(value);
    if (!(Math.abs(w) <= MAX_WEIGHT)) {
      problems.push({ message: `Weight ${excerpt(number)} is out of range: use a number from -4 to 4, as 2:sunset.`, start: i, end: afterWeight - 1 });
      return invalid(s, i, value.end, null, problems);
    }
    if (!value.value)
      return invalid(s, i, value.end, null, [...problems, { message: `${number}: needs words to weigh, as 2:sunset.`, start: i, end: value.end }]);
    return { part: { kind: 'weighted', text: value.value, weight: w, start: i, end: value.end, ...(value.closed ? {} : { unclosed: true }) }, problems };
  }

  if (s[i] === '-' && i + 1 < s.length && !isSeparator(s[i + 1])) {
    const negated = operatorAt(head.slice(1));
    if (negated) {
      const value = readValue(s, i + 2 + negated.length, tokenEnd);
      const message = `Filters cannot be excluded: remove the - before ${negated}:.`;
      return invalid(s, i, value.end, negated, [...unclosedProblem(value), { message, start: i, end: value.end }]);
    }
    const value = readValue(s, i + 1, tokenEnd);
    const problems = unclosedProblem(value);
    if (!value.value)
      return invalid(s, i, value.end, null, [
        ...problems,
        { message: 'Nothing to exclude: put words in the quotes, as -"at night".', start: i, end: value.end },
      ]);
    return { part: { kind: 'exclude', text: value.value, start: i, end: value.end, ...(value.closed ? {} : { unclosed: true }) }, problems };
  }

  const op = operatorAt(head);
  if (op) return readOperator(s, i, op, readValue(s, i + op.length + 1, tokenEnd));
  return { part: { kind: 'word', text: s.slice(i, tokenEnd), start: i, end: tokenEnd }, problems: [] };
}

type WithoutSpan<P> = P extends QueryPart ? Omit<P, keyof PartBase> : never;
/** An operator part before it has a place in the text. */
type OperatorValue = WithoutSpan<Exclude<QueryPart, { kind: 'word' | 'exclude' | 'weighted' | 'phrase' | 'invalid' }>>;

/** The list items of a `type:` or `like:` value: comma-separated, blanks dropped. */
function items(value: string): string[] {
  return value
    .split(',')
    .map(trim)
    .filter((v) => v !== '');
}

/** What an operator's value means, or why it cannot be used. */
function interpret(op: OperatorName, value: string): OperatorValue | string {
  switch (op) {
    case 'in':
    case 'folder':
    case 'camera':
    case 'label':
    case 'album':
      return { kind: op === 'in' ? 'place' : op, value };
    case 'after':
    case 'before': {
      const period = readDatePeriod(value, op === 'after' ? 'after:2021-06' : 'before:2021-12');
      return 'problem' in period ? period.problem : { kind: op, value, from: period.from, to: period.to };
    }
    case 'type': {
      const types = [...new Set(items(value).map((t) => t.replace(/^\./, '').toLowerCase()))];
      const unknown = types.filter((t) => !PHOTO_TYPES.some((family) => family.includes(t)));
      if (unknown.length === 0) return types.length ? { kind: 'type', types } : `type: needs ${NEEDS.type}.`;
      const names = unknown.map((t) => excerpt(t, 20)).join(', ');
      const known = PHOTO_TYPES.map((f) => f[0]);
      const be = unknown.length === 1 ? 'is not a photo file type' : 'are not photo file types';
      return `${names} ${be}: use ${known.slice(0, -1).join(', ')} or ${known[known.length - 1]}.`;
    }
    case 'like':
    case 'unlike': {
      const list = items(value);
      const bad = list.find((id) => !/^\d{1,15}$/.test(id) || Number(id) < 1);
      if (bad !== undefined) return `${op}: takes photo ids, as ${op}:123,456; "${excerpt(bad)}" is not one.`;
      return list.length ? { kind: op, ids: [...new Set(list.map(Number))] } : `${op}: needs ${NEEDS[op]}.`;
    }
    case 'sort': {
      const order = SORT_ORDERS.find((o) => o === value.toLowerCase());
      return order ? { kind: 'sort', order } : `sort: takes relevance, newest or oldest, not "${excerpt(value)}".`;
    }
    case 'has':
      return value.toLowerCase() === 'gps' ? { kind: 'has', what: 'gps' } : `has: takes gps (photos with a location), not "${excerpt(value)}".`;
  }
}

function readOperator(s: string, start: number, op: OperatorName, value: Quoted & { start: number }): Read {
  const problems = unclosedProblem(value);
  const end = value.end;
  if (!value.value) return invalid(s, start, end, op, [...problems, { message: `${op}: needs ${NEEDS[op]}.`, start, end }]);
  const meaning = interpret(op, value.value);
  if (typeof meaning === 'string') return invalid(s, start, end, op, [...problems, { message: meaning, start: value.start, end }]);
  return { part: { ...meaning, start, end, ...(value.closed ? {} : { unclosed: true }) }, problems };
}

type PartOf<K extends QueryPart['kind']> = Extract<QueryPart, { kind: K }>;

/** The parts that count for operators holding one value, and the problems between parts. */
interface Resolved {
  last: { [K in 'after' | 'before' | 'camera' | 'album' | 'sort']?: PartOf<K> };
  /** True when after: is later than before:, so neither applies. */
  backwards: boolean;
  problems: QueryProblem[];
}

function resolve(parts: readonly QueryPart[]): Resolved {
  const last: Resolved['last'] = {};
  const problems: QueryProblem[] = [];
  for (const op of SINGLE_VALUED) {
    const kind = OPERATOR_KIND[op] as keyof Resolved['last'];
    const all = parts.filter((p) => p.kind === kind);
    const winner = all[all.length - 1];
    if (!winner) continue;
    (last as Record<string, QueryPart>)[kind] = winner;
    const message = `${op}: is given more than once; the last one (${excerpt(formatPart(winner))}) counts.`;
    for (const earlier of all.slice(0, -1)) problems.push({ message, start: earlier.start, end: earlier.end });
  }
  const { after, before } = last;
  const backwards = Boolean(after && before && after.from > before.to);
  if (after && before && backwards) {
    problems.push({
      message: `The dates are backwards: ${excerpt(formatPart(after))} is later than ${excerpt(formatPart(before))}. Swap them; until then no date filter applies.`,
      start: Math.min(after.start, before.start),
      end: Math.max(after.end, before.end),
    });
  }
  return { last, backwards, problems };
}

/**
 * Parses a query; never throws. Grammar (whitespace and control characters separate parts):
 *
 *   query    = { part }
 *   part     = phrase | weighted | exclude | operator | word
 *   phrase   = quoted                                   "hotel california"
 *   weighted = number ":" (quoted | bare)               2:sunset  0.5:"at night"  -1:rain
 *              number = [+-] digits [. digits] [e digits], -4..4; the value must not start
 *              with a digit, so times and ratios (10:30, 16:9) stay words
 *   exclude  = "-" (quoted | bare)                      -people  -"at night"
 *   operator = name ":" (quoted | bare)                 in:"new york"  type:heic,jpg
 *              name = in | after | before | folder | camera | type | label | album |
 *                     like | unlike | sort | has       (any case; other names: a word)
 *   word     = bare                                     dog  re:invent  10:30  -
 *   quoted   = '"' { char | '""' } '"'  |  curly { char | curly curly } curly
 *              curly = “ or ” (as phones and macOS type them); a doubled closing quote
 *              stands for itself; ends of the value are trimmed; unclosed runs to the end
 *   bare     = non-separator characters (a quote inside a word is an ordinary character)
 *
 * Operator values: after:/before: take YYYY, YYYY-MM, YYYY-MM-DD and the other date forms of
 * `findDateWords` (quoted when they hold spaces: after:"June 2021"), as inclusive periods:
 * after: from the first day of its period, before: through the last day. type: and
 * like:/unlike: take comma lists; sort: relevance | newest | oldest; has: gps.
 *
 * Lone UTF-16 surrogates are read as U+FFFD (same length, so spans still index the input).
 * Problems come with the span they are about: an unclosed quote, an empty or unknown value,
 * an impossible date, a weight outside -4..4, a filter with "-", a repeated single-valued
 * operator (after, before, camera, album, sort: the last counts), a backwards date range.
 * A part with a problem of its own becomes `invalid`; the other parts still count.
 */
export function parseQuery(text: string): ParsedQuery {
  const s = typeof text === 'string' ? text.replace(LONE_SURROGATE, '\uFFFD') : '';
  const parts: QueryPart[] = [];
  const problems: QueryProblem[] = [];
  for (let i = skipSeparators(s, 0); i < s.length;) {
    const read = readPart(s, i);
    parts.push(read.part);
    for (const p of read.problems) problems.push(p);
    i = skipSeparators(s, read.part.end);
  }
  const dateWords: DateWord[] = [];
  for (const run of wordRuns(parts)) {
    const found = findDateWords(run);
    for (const d of found.dateWords) dateWords.push(d);
    for (const p of found.problems) problems.push(p);
  }
  for (const p of resolve(parts).problems) problems.push(p);
  problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return { parts, dateWords, problems };
}

/** Runs of consecutive free words: a date may span words, never an operator or a phrase. */
function wordRuns(parts: readonly QueryPart[]): DateToken[][] {
  const runs: DateToken[][] = [];
  let run: DateToken[] = [];
  for (const p of parts) {
    if (p.kind === 'word') run.push({ text: p.text, start: p.start, end: p.end });
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

function quote(value: string, closed = true): string {
  return `"${value.replace(/"/g, '""')}${closed ? '"' : ''}`;
}

/** True when `value` reads back unchanged as the rest of a token (after `in:`, `-`, `2:`). */
function isBare(value: string): boolean {
  return value !== '' && !isQuote(value[0]) && !SEPARATOR.test(value) && trim(value) === value;
}

function writeValue(value: string, closed: boolean, bareOk: boolean): string {
  return closed && bareOk && isBare(value) ? value : quote(value, closed);
}

/**
 * One part as query text, in canonical form: operator names in lower case, values quoted
 * only when they must be, quotes inside doubled. With `closed: false` a quoted value is left
 * open (how the last part of an unclosed query is written back).
 */
export function formatPart(part: QueryPart, closed = true): string {
  switch (part.kind) {
    case 'word':
      return part.text;
    case 'invalid':
      return part.raw;
    case 'phrase':
      return quote(part.text, closed);
    case 'exclude':
      return `-${writeValue(part.text, closed, !WEIGHT_PREFIX.test(`-${part.text}`) && !operatorAt(part.text))}`;
    case 'weighted':
      return `${part.weight}:${writeValue(part.text, closed, !/^[0-9]/.test(part.text))}`;
    case 'type':
      return `type:${writeValue(part.types.join(','), closed, true)}`;
    case 'like':
    case 'unlike':
      return `${part.kind}:${writeValue(part.ids.join(','), closed, true)}`;
    case 'sort':
      return `sort:${writeValue(part.order, closed, true)}`;
    case 'has':
      return `has:${writeValue(part.what, closed, true)}`;
    default:
      return `${KIND_OPERATOR[part.kind]}:${writeValue(part.value, closed, true)}`;
  }
}

/**
 * The query as text: parts in order, one space apart, each in the canonical form of
 * `formatPart`. Round trip: parseQuery(formatQuery(q)) equals q for every q that
 * parseQuery returned, except for spans (whitespace is normalised) and problems' spans.
 * An unclosed quote stays unclosed when its part is last, as parseQuery leaves it.
 */
export function formatQuery(query: Pick<ParsedQuery, 'parts'>): string {
  const last = query.parts.length - 1;
  return query.parts.map((p, i) => formatPart(p, !(p.unclosed && i === last))).join(' ');
}

/**
 * What the engine searches with: the contract's search input (api/contract.ts) plus
 * the parts the engine reads as filters of their own layers.
 * - description: the free words without the words that form dates, one space apart.
 * - terms: each `2:sunset` at its weight and each `-people` at -excludeWeight, in input order.
 * - filters: folders (as typed: a name or a path), after (first day), before (last day),
 *   types, camera (the last camera:), hasGps, places (`in:`, a photo matches any), labels
 *   (`label:`, a photo must have all), album (the last `album:`). A backwards range sets
 *   neither date.
 * - phrases: literal-only texts. dateWords: the dates among the free words.
 * - examples: like/unlike photo ids, each list in input order without repeats.
 * - sort: the last sort:, relevance by default.
 * Invalid parts contribute nothing.
 */
export interface QuerySearchInput {
  description: string;
  terms: QueryTerm[];
  filters: Filters;
  phrases: string[];
  dateWords: QueryDate[];
  examples: { like: number[]; unlike: number[]; weight: number };
  sort: SortOrder;
}

/** The words that are not part of a date; both lists are in input order, so one pass does. */
function wordsOutside(words: readonly PartOf<'word'>[], dates: readonly DateWord[]): string[] {
  const kept: string[] = [];
  let d = 0;
  for (const w of words) {
    while (d < dates.length && dates[d].end <= w.start) d++;
    if (!(d < dates.length && w.start >= dates[d].start && w.start < dates[d].end)) kept.push(w.text);
  }
  return kept;
}

/** Converts a parsed query for the engine (see QuerySearchInput); `excludeWeight` is the strength of `-word` terms, 0..4. */
export function toSearchInput(query: ParsedQuery, options: { excludeWeight?: number } = {}): QuerySearchInput {
  const excludeWeight = options.excludeWeight ?? DEFAULT_EXCLUDE_WEIGHT;
  const { last, backwards } = resolve(query.parts);
  const of = <K extends QueryPart['kind']>(kind: K) => query.parts.filter((p): p is PartOf<K> => p.kind === kind);
  const unique = <T>(values: T[]) => [...new Set(values)];
  const words = of('word');
  const description = wordsOutside(words, query.dateWords).join(' ');
  const examples = { like: unique(of('like').flatMap((p) => p.ids)), unlike: unique(of('unlike').flatMap((p) => p.ids)), weight: 1 };

  const terms: QueryTerm[] = [];
  for (const p of query.parts) {
    if (p.kind === 'weighted') terms.push({ kind: 'text', text: p.text, weight: p.weight });
    if (p.kind === 'exclude') terms.push({ kind: 'text', text: p.text, weight: -excludeWeight });
  }

  const filters: Filters = {};
  const folders = unique(of('folder').map((p) => p.value));
  if (folders.length) filters.folders = folders;
  if (last.after && !backwards) filters.after = last.after.from;
  if (last.before && !backwards) filters.before = last.before.to;
  const types = unique(of('type').flatMap((p) => p.types));
  if (types.length) filters.types = types;
  if (last.camera) filters.camera = last.camera.value;
  if (of('has').length) filters.hasGps = true;
  const places = unique(of('place').map((p) => p.value));
  if (places.length) filters.places = places;
  const labels = unique(of('label').map((p) => p.value));
  if (labels.length) filters.labels = labels;
  if (last.album) filters.album = last.album.value;

  return {
    description,
    terms,
    filters,
    phrases: unique(of('phrase').map((p) => p.text)),
    dateWords: query.dateWords.map(({ start: _start, end: _end, ...date }) => date),
    examples,
    sort: last.sort?.order ?? 'relevance',
  };
}

/** The command line's search flags that have a form in the language (values as the user gave them). */
export interface QueryFlags {
  after?: string;
  before?: string;
  /** --folder, already resolved to absolute paths by the command line. */
  folders?: readonly string[];
  /** --type values; each may be a comma list. */
  types?: readonly string[];
  camera?: string;
  hasGps?: boolean;
  /** --not texts. */
  not?: readonly string[];
  /** --like / --unlike values that are photo ids (files stay file terms in the command line). */
  like?: readonly number[];
  unlike?: readonly number[];
  sort?: string;
}

/**
 * The query text the command line's flags stand for, so flags and typed operators are
 * parsed, checked and explained the same way. Put it before the typed text when joining
 * them (`${flagsToQuery(flags)} ${typed}`): an unclosed quote in the typed text then
 * cannot swallow a flag. Invalid values (after 2021-13) come back as problems of parseQuery.
 */
export function flagsToQuery(flags: QueryFlags): string {
  const op = (name: OperatorName, value: string) => `${name}:${writeValue(value, true, true)}`;
  const parts: string[] = [];
  if (flags.after !== undefined) parts.push(op('after', flags.after));
  if (flags.before !== undefined) parts.push(op('before', flags.before));
  for (const folder of flags.folders ?? []) parts.push(op('folder', folder));
  for (const type of flags.types ?? []) parts.push(op('type', type));
  if (flags.camera !== undefined) parts.push(op('camera', flags.camera));
  if (flags.hasGps) parts.push('has:gps');
  for (const text of flags.not ?? []) parts.push(formatPart({ kind: 'exclude', text, start: 0, end: 0 }));
  if (flags.like?.length) parts.push(`like:${flags.like.join(',')}`);
  if (flags.unlike?.length) parts.push(`unlike:${flags.unlike.join(',')}`);
  if (flags.sort !== undefined) parts.push(op('sort', flags.sort));
  return parts.join(' ');
}
