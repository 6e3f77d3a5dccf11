import type { PhotoTextTable, TextCandidate } from '../store/photo-text.ts';
import { foldWithEdges } from './fold.ts';
import { approximateMatches, fuzzyPieces } from './fuzzy.ts';
import { parseTextQuery, type TextTerm } from './text-query.ts';
import type { TextLine } from './types.ts';

export interface TextMatch {
  photoId: number;
  /**
   * Higher is better, 0..1: every term found as typed scores 0.5 or more, a match that
   * needed a typo forgiven scores below 0.5. Within each band: whole words above parts of
   * words, the words adjacent and in order, the match filling its line, larger and
   * clearer text.
   */
  score: number;
  /** Every term was found as typed (no typo forgiven). */
  exact: boolean;
  /** The recognised lines the match is on, joined with " … ", for showing under the result. */
  snippet: string;
  /** The text in the photo each term matched, in query order ("password" for a typed "pasword"). */
  found: string[];
  /** The matched lines, with their outlines for drawing over the photo. */
  lines: TextLine[];
}

export interface TextSearchOptions {
  /** Most results returned, best first. Default 500. */
  limit?: number;
}

/** Term quality by where the match falls on the photo's words. */
const WHOLE_WORD = 1;
const WORD_PREFIX = 0.85;
const WORD_SUFFIX = 0.75;
const INSIDE_WORD = 0.7;
/** A term matched with one edit is worth this share of the same exact match. */
const FUZZY_FACTOR = 0.6;
/** Text this tall (share of the photo) or taller counts as fully prominent. */
const PROMINENT_HEIGHT = 0.08;

interface Span {
  start: number;
  end: number;
  distance: number;
}

interface TermHit extends Span {
  quality: number;
}

function exactSpans(term: string, body: string): Span[] {
  const spans: Span[] = [];
  for (let at = body.indexOf(term); at >= 0; at = body.indexOf(term, at + 1)) spans.push({ start: at, end: at + term.length, distance: 0 });
  return spans;
}

/** Where a term occurs in a folded body: exactly, or else (for fuzzy terms) with one edit. */
function spansOf(term: TextTerm, body: string): Span[] {
  const exact = exactSpans(term.folded, body);
  return exact.length > 0 || !term.fuzzy ? exact : approximateMatches(term.folded, body);
}

/** Word edges and line starts of a candidate's body, from its spaced form (see StoredReading.words). */
interface Layout {
  /** Per body unit: 1 when it starts a word, 2 when it ends one (both: 3). */
  edges: Uint8Array;
  /** Offset in the body where each line starts. */
  lineStarts: number[];
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

function layout(c: TextCandidate): Layout {
  const edges = new Uint8Array(c.body.length);
  const lineStarts = [0];
  let at = 0;
  let edge = true;
  for (let i = 0; i < c.words.length; i++) {
    const code = c.words.charCodeAt(i);
    if (code === SPACE || code === NEWLINE) {
      if (at > 0) edges[at - 1] |= 2;
      if (code === NEWLINE) lineStarts.push(at);
      edge = true;
      continue;
    }
    if (edge) edges[at] |= 1;
    edge = false;
    at++;
  }
  if (at > 0) edges[at - 1] |= 2;
  return { edges, lineStarts };
}

/** Text height (share of the photo) and confidence of each listed line, from StoredReading.lineInfo. */
function lineFacts(lineInfo: string, lines: readonly number[]): { tallest: number; confidence: number } {
  const entries = lineInfo.split(' ');
  let tallest = 0;
  let confidence = 0;
  for (const i of lines) {
    const entry = entries[i] ?? '0:0';
    const colon = entry.indexOf(':');
    tallest = Math.max(tallest, Number(entry.slice(0, colon)) / 1000);
    confidence += Number(entry.slice(colon + 1)) / 100;
  }
  return { tallest, confidence: lines.length > 0 ? confidence / lines.length : 0 };
}

function bestHit(spans: Span[], l: Layout): TermHit | undefined {
  let best: TermHit | undefined;
  for (const span of spans) {
    const starts = (l.edges[span.start] & 1) !== 0;
    const ends = (l.edges[span.end - 1] & 2) !== 0;
    const aligned = starts && ends ? WHOLE_WORD : starts ? WORD_PREFIX : ends ? WORD_SUFFIX : INSIDE_WORD;
    const quality = span.distance === 0 ? aligned : aligned * FUZZY_FACTOR;
    if (!best || quality > best.quality) best = { ...span, quality };
  }
  return best;
}

function lineAt(lineStarts: number[], offset: number): number {
  let i = 0;
  while (i + 1 < lineStarts.length && lineStarts[i + 1] <= offset) i++;
  return i;
}

interface Ranked {
  textId: number;
  score: number;
  exact: boolean;
  hits: TermHit[];
  lineStarts: number[];
  /** Indices of the lines the hits fall on, in order. */
  matched: number[];
}

/** What scoring needs of the query, worked out once. */
interface PreparedQuery {
  terms: TextTerm[];
  /** The unquoted words run together, when there are several: finding it means they stand side by side, in order. */
  together: string | null;
}

function prepare(terms: TextTerm[]): PreparedQuery {
  const words = terms.filter((t) => !t.phrase);
  return { terms, together: words.length > 1 ? words.map((t) => t.folded).join('') : null };
}

/** Scores one candidate against the query; undefined when a term does not occur in it. */
function rank(c: TextCandidate, query: PreparedQuery): Ranked | undefined {
  const { body } = c;
  const spans: Span[][] = [];
  for (const term of query.terms) {
    const found = spansOf(term, body);
    if (found.length === 0) return undefined;
    spans.push(found);
  }
  const l = layout(c);
  const hits: TermHit[] = [];
  let exact = true;
  let quality = 0;
  let covered = 0;
  const matched: number[] = [];
  for (const s of spans) {
    const hit = bestHit(s, l)!;
    hits.push(hit);
    exact &&= hit.distance === 0;
    quality += hit.quality;
    covered += hit.end - hit.start;
    for (let i = lineAt(l.lineStarts, hit.start); i <= lineAt(l.lineStarts, hit.end - 1); i++) if (!matched.includes(i)) matched.push(i);
  }
  matched.sort((a, b) => a - b);
  let matchedLength = 0;
  for (const i of matched) matchedLength += Math.max(1, (l.lineStarts[i + 1] ?? body.length) - l.lineStarts[i]);
  const facts = lineFacts(c.lineInfo, matched);
  const together = query.together !== null && body.includes(query.together) ? 1 : 0;
  const q =
    0.55 * (quality / hits.length) +
    0.15 * together +
    0.1 * Math.min(1, covered / matchedLength) +
    0.1 * Math.min(1, facts.tallest / PROMINENT_HEIGHT) +
    0.1 * facts.confidence;
  return { textId: c.textId, score: exact ? 0.5 + 0.5 * q : 0.49 * q, exact, hits, lineStarts: l.lineStarts, matched };
}

/** The original text a folded span came from, on each line it covers. */
function originalText(lines: TextLine[], lineStarts: number[], hit: TermHit): string {
  const first = lineAt(lineStarts, hit.start);
  const last = lineAt(lineStarts, hit.end - 1);
  const parts: string[] = [];
  for (let i = first; i <= last; i++) {
    const text = lines[i].text;
    const f = foldWithEdges(text);
    const from = i === first ? hit.start - lineStarts[i] : 0;
    const to = i === last ? hit.end - 1 - lineStarts[i] : f.folded.length - 1;
    const endChar = f.source[to];
    parts.push(text.slice(f.source[from], endChar + (text.codePointAt(endChar)! > 0xffff ? 2 : 1)));
  }
  return parts.join(' ');
}

/**
 * Finds photos by the words recognised in them. `query` holds words and "quoted phrases"
 * (also “ ” and 「 」); every one must occur in the photo's text, matched without regard
 * to case, accents, spaces or punctuation, as a substring (partial words, Chinese without
 * segmentation). Words of five letters or more also match with one letter wrong, missing
 * or extra, ranked below exact matches. Returns matching photos best first (photos with
 * the same content share their text and score); an empty list when nothing matches.
 * Candidates come from the trigram index (or a scan for terms under three characters)
 * and are ranked on their folded text; only the results returned read their lines.
 */
export function searchPhotoText(table: PhotoTextTable, query: string, opts: TextSearchOptions = {}): TextMatch[] {
  const terms = parseTextQuery(query);
  if (terms.length === 0) return [];
  const limit = opts.limit ?? 500;
  const required = terms.filter((t) => !t.fuzzy).map((t) => t.folded);
  const alternatives = terms.filter((t) => t.fuzzy).map((t) => fuzzyPieces(t.folded));
  const prepared = prepare(terms);
  const ranked: Ranked[] = [];
  for (const c of table.candidates(required, alternatives)) {
    const r = rank(c, prepared);
    if (r) ranked.push(r);
  }
  ranked.sort((a, b) => b.score - a.score || a.textId - b.textId);
  if (ranked.length === 0) return [];
  const photos = table.photosOf(ranked.slice(0, limit).map((r) => r.textId));
  const top: Ranked[] = [];
  let count = 0;
  for (const r of ranked) {
    if (count >= limit) break;
    top.push(r);
    count += photos.get(r.textId)?.length ?? 0;
  }
  const lines = table.lines(top.map((r) => r.textId));
  const results: TextMatch[] = [];
  for (const r of top) {
    const all = lines.get(r.textId) ?? [];
    const shown = r.matched.map((i) => all[i]).filter((line) => line !== undefined);
    const described = {
      score: r.score,
      exact: r.exact,
      snippet: shown.map((line) => line.text).join(' … '),
      found: r.hits.map((h) => originalText(all, r.lineStarts, h)),
      lines: shown,
    };
    for (const photoId of photos.get(r.textId) ?? []) results.push({ photoId, ...described });
  }
  return results.slice(0, limit);
}
