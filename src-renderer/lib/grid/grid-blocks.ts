/**
 * What the photo grid shows, top to bottom, as blocks: headers (a month, a day, the
 * weaker matches), runs of photos, and the row that offers the weaker matches. Built
 * from a search's counts and, for a list in date order, its day runs (contract DayRun);
 * the grid's layout (grid-layout.ts) turns blocks into rows.
 */
import type { DayRun } from '../../../src-main/core/api/contract.ts';

/**
 * A header names its month ('YYYY-MM') or day ('YYYY-MM-DD') by key, null for photos
 * without a date; the words are made only for the headers in view (headerLabel).
 */
export type GridBlock =
  | { kind: 'header'; level: 'month' | 'day' | 'weaker'; key: string | null; count: number }
  | { kind: 'items'; start: number; count: number }
  | { kind: 'more'; count: number };

export interface BlockInput {
  matches: number;
  total: number;
  /** The weaker matches are shown (after the matches, or alone when there are no matches). */
  expanded: boolean;
  /** Day runs of the whole list in date order; null in relevance order (no date headers). */
  days: readonly DayRun[] | null;
}

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** A calendar day 'YYYY-MM-DD' as a UTC instant, so formatting in UTC shows that very day whatever the viewer's zone. */
function utcDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(2000, (m || 1) - 1, d || 1));
  date.setUTCFullYear(y);
  return date;
}

/** "June 2021" for '2021-06'. */
export function monthLabel(month: string): string {
  return monthFormat.format(utcDay(`${month}-01`));
}

/** "Tuesday 1 June" (in the viewer's language) for '2021-06-01'. */
export function dayLabel(day: string): string {
  return dayFormat.format(utcDay(day));
}

const UNKNOWN_DATE = 'Date unknown';

/** The words of a header: "June 2021", "Tuesday 1 June", "Weaker matches", "Date unknown". */
export function headerLabel(block: Extract<GridBlock, { kind: 'header' }>): string {
  if (block.level === 'weaker') return 'Weaker matches';
  if (block.key === null) return UNKNOWN_DATE;
  return block.level === 'month' ? monthLabel(block.key) : dayLabel(block.key);
}

/** Month and day headers over runs of days between list indices [from, to). */
function dated(days: readonly DayRun[], from: number, to: number): GridBlock[] {
  const runs: Array<{ day: string | null; start: number; count: number }> = [];
  let at = 0;
  for (const run of days) {
    const start = Math.max(at, from);
    const end = Math.min(at + run.count, to);
    if (end > start) runs.push({ day: run.day, start, count: end - start });
    at += run.count;
    if (at >= to) break;
  }
  const monthOf = (day: string | null) => day?.slice(0, 7) ?? null;
  const monthTotals = new Map<number, number>();
  let monthStart = -1;
  runs.forEach((r, i) => {
    if (i === 0 || monthOf(r.day) !== monthOf(runs[i - 1].day)) monthStart = i;
    monthTotals.set(monthStart, (monthTotals.get(monthStart) ?? 0) + r.count);
  });
  const blocks: GridBlock[] = [];
  runs.forEach((r, i) => {
    const month = monthOf(r.day);
    if (monthTotals.has(i)) blocks.push({ kind: 'header', level: 'month', key: month, count: monthTotals.get(i)! });
    if (r.day) blocks.push({ kind: 'header', level: 'day', key: r.day, count: r.count });
    blocks.push({ kind: 'items', start: r.start, count: r.count });
  });
  return blocks;
}

function section(days: readonly DayRun[] | null, from: number, to: number): GridBlock[] {
  if (to <= from) return [];
  return days ? dated(days, from, to) : [{ kind: 'items', start: from, count: to - from }];
}

/**
 * The blocks of a list: the matches (grouped by month and day in date order), then either
 * the row offering the weaker matches or, once expanded, a header and the weaker matches.
 * A list with no matches shows nothing until expanded (the pane says "No close matches").
 */
export function gridBlocks(input: BlockInput): GridBlock[] {
  const { matches, total, expanded, days } = input;
  const weaker = total - matches;
  const blocks = section(days, 0, matches);
  if (weaker <= 0) return blocks;
  if (!expanded) return matches > 0 ? [...blocks, { kind: 'more', count: weaker }] : blocks;
  return [...blocks, { kind: 'header', level: 'weaker', key: null, count: weaker }, ...section(days, matches, total)];
}
