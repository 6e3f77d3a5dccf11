/**
 * Which photos of a list are selected, by index: a cursor (keyboard focus), an anchor
 * for ranges, and the selected indices as sorted, disjoint, non-adjacent half-open
 * ranges. Selecting every one of 100,000 photos is one range, not 100,000 entries.
 */
export interface Selection {
  cursor: number;
  anchor: number;
  /** [start, end) pairs, sorted, with a gap between any two. */
  ranges: readonly (readonly [number, number])[];
}

export const EMPTY_SELECTION: Selection = { cursor: -1, anchor: -1, ranges: [] };

type Range = readonly [number, number];

/** Ranges sorted and merged: overlapping or touching ones become one. */
function normalise(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Index of the range holding `index`, or -1; binary search. */
function rangeOf(sel: Selection, index: number): number {
  let lo = 0;
  let hi = sel.ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = sel.ranges[mid];
    if (index < a) hi = mid - 1;
    else if (index >= b) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function isSelected(sel: Selection, index: number): boolean {
  return rangeOf(sel, index) >= 0;
}

export function selectedCount(sel: Selection): number {
  let n = 0;
  for (const [a, b] of sel.ranges) n += b - a;
  return n;
}

/** The selected indices in order; for small selections and tests (a range of 100,000 yields 100,000 numbers). */
export function selectedIndices(sel: Selection): number[] {
  return sel.ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
}

function span(a: number, b: number): Range {
  return a <= b ? [a, b + 1] : [b, a + 1];
}

function without(ranges: readonly Range[], index: number): Range[] {
  return ranges.flatMap(([a, b]): Range[] => (index < a || index >= b ? [[a, b]] : [[a, index] as Range, [index + 1, b] as Range].filter(([x, y]) => y > x)));
}

export interface ClickModifiers {
  /** Ctrl on Windows and Linux, Cmd on macOS. */
  toggle: boolean;
  range: boolean;
}

/** A click: alone it selects one; with toggle it flips one; with range it spans from the anchor. */
export function clickSelect(sel: Selection, index: number, mods: ClickModifiers): Selection {
  if (mods.range && sel.anchor >= 0) {
    const spanned = span(sel.anchor, index);
    const ranges = mods.toggle ? normalise([...sel.ranges, spanned]) : [spanned];
    return { cursor: index, anchor: sel.anchor, ranges };
  }
  if (mods.toggle) {
    const ranges = isSelected(sel, index) ? without(sel.ranges, index) : normalise([...sel.ranges, [index, index + 1]]);
    return { cursor: index, anchor: index, ranges };
  }
  return { cursor: index, anchor: index, ranges: [[index, index + 1]] };
}

/** Puts the cursor on one photo and selects it; with `extend` the selection spans from the anchor. */
export function selectTo(sel: Selection, target: number, count: number, extend: boolean): Selection {
  if (count === 0) return EMPTY_SELECTION;
  const cursor = Math.min(count - 1, Math.max(0, target));
  if (extend && sel.anchor >= 0) return { cursor, anchor: sel.anchor, ranges: [span(sel.anchor, cursor)] };
  return { cursor, anchor: cursor, ranges: [[cursor, cursor + 1]] };
}

/** Ctrl/Cmd+A: every photo of the list, keeping the cursor and anchor where they were (on the first photo if nowhere yet). */
export function selectAll(sel: Selection, count: number): Selection {
  if (count === 0) return EMPTY_SELECTION;
  const cursor = sel.cursor < 0 ? 0 : Math.min(sel.cursor, count - 1);
  const anchor = sel.anchor < 0 ? cursor : Math.min(sel.anchor, count - 1);
  return { cursor, anchor, ranges: [[0, count]] };
}

/** The selection within a list that now holds `count` photos (it shrank, or weaker matches were folded away). */
export function clampSelection(sel: Selection, count: number): Selection {
  if (count === 0) return EMPTY_SELECTION;
  const ranges = sel.ranges.flatMap(([a, b]): Range[] => (a >= count ? [] : [[a, Math.min(b, count)]]));
  return { cursor: Math.min(sel.cursor, count - 1), anchor: Math.min(sel.anchor, count - 1), ranges };
}

export type GridKeyAction =
  | { kind: 'move'; delta: number; extend: boolean }
  | { kind: 'rows'; rows: number; extend: boolean }
  | { kind: 'jump'; to: 'first' | 'last'; extend: boolean }
  | { kind: 'open' };

/**
 * Keys the photo grid answers to. Left and right move by one photo; up and down by a
 * row, and page up and down by four, which the grid's layout turns into photos (rows
 * differ in length where a day ends).
 */
export function gridKeyAction(key: string, shift: boolean): GridKeyAction | null {
  const rows: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, PageUp: -4, PageDown: 4 };
  if (key === 'Enter') return { kind: 'open' };
  if (key === 'Home' || key === 'End') return { kind: 'jump', to: key === 'Home' ? 'first' : 'last', extend: shift };
  if (key === 'ArrowLeft' || key === 'ArrowRight') return { kind: 'move', delta: key === 'ArrowLeft' ? -1 : 1, extend: shift };
  const step = rows[key];
  return step === undefined ? null : { kind: 'rows', rows: step, extend: shift };
}
