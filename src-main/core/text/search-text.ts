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

const WORD_AND_LINE_BREAKS = /[ \n]/g;

/** Word edges and line starts of a candidate's body, from its spaced form (see foldWords). */
interface Layout {
  wordStart: boolean[];
  wordEnd: boolean[];
  /** Offset in the body where each line starts. */
  lineStarts: number[];
  /** Per line: text height (share of the photo) and confidence. */
  heights: number[];
  confidences: number[];
}

function layout(c: TextCandidate): Layout {
  const wordStart: boolean[] = [];
  const wordEnd: boolean[] = [];
  const lineStarts = [0];
  let edge = true;
  for (let i = 0; i < c.words.length; i++) {
    const ch = c.words[i];
    if (ch === ' ' || ch === '\n') {
      if (wordEnd.length > 0) wordEnd[wordEnd.length - 1] = true;
      if (ch === '\n') lineStarts.push(wordStart.length);
      edge = true;
      continue;
    }
    wordStart.push(edge);
    wordEnd.push(false);
    edge = false;
  }
  if (wordEnd.length > 0) wordEnd[wordEnd.length - 1] = true;
  const info = c.lineInfo.split(' ').map((entry) => entry.split(':').map(Number));
  return { wordStart, wordEnd, lineStarts, heights: info.map(([h]) => h / 1000), confidences: info.map(([, conf]) => conf / 100) };
}

function bestHit(spans: Span[], l: Layout): TermHit | undefined {
  let best: TermHit | undefined;
  for (const span of spans) {
    const starts = l.wordStart[span.start];
    const ends = l.wordEnd[span.end - 1];
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

/** Scores one candidate against the terms; undefined when a term does not occur in it. */
function rank(c: TextCandidate, terms: TextTerm[]): Ranked | undefined {
  const body = c.words.replace(WORD_AND_LINE_BREAKS, '');
  const spans = terms.map((t) => spansOf(t, body));
  if (spans.some((s) => s.length === 0)) return undefined;
  const l = layout(c);
  const hits = spans.map((s) => bestHit(s, l)!);
  const exact = hits.every((h) => h.distance === 0);
  const quality = hits.reduce((s, h) => s + h.quality, 0) / hits.length;
  const words = terms.filter((t) => !t.phrase);
  const together = words.length > 1 && body.includes(words.map((t) => t.folded).join('')) ? 1 : 0;
  const matchedSet = new Set<number>();
  let covered = 0;
  for (const h of hits) {
    for (let i = lineAt(l.lineStarts, h.start); i <= lineAt(l.lineStarts, h.end - 1); i++) matchedSet.add(i);
    covered += h.end - h.start;
  }
  const matched = [...matchedSet].sort((a, b) => a - b);
  const lineLength = (i: number) => (l.lineStarts[i + 1] ?? body.length) - l.lineStarts[i];
  const coverage = Math.min(1, covered / matched.reduce((s, i) => s + Math.max(1, lineLength(i)), 0));
  const prominence = Math.min(1, Math.max(...matched.map((i) => l.heights[i] ?? 0)) / PROMINENT_HEIGHT);
  const confidence = matched.reduce((s, i) => s + (l.confidences[i] ?? 0), 0) / matched.length;
  const q = 0.55 * quality + 0.15 * together + 0.1 * coverage + 0.1 * prominence + 0.1 * confidence;
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
  const ranked = table
    .candidates(required, alternatives)
    .flatMap((c) => rank(c, terms) ?? [])
    .sort((a, b) => b.score - a.score || a.textId - b.textId);
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
