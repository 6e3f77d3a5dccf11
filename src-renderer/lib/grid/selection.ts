/** Which results are selected, by index: a cursor (keyboard focus), an anchor for ranges, and the set. */
export interface Selection {
  cursor: number;
  anchor: number;
  selected: ReadonlySet<number>;
}

export const EMPTY_SELECTION: Selection = { cursor: -1, anchor: -1, selected: new Set() };

function range(a: number, b: number): number[] {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export interface ClickModifiers {
  /** Ctrl on Windows and Linux, Cmd on macOS. */
  toggle: boolean;
  range: boolean;
}

/** A click: alone it selects one; with toggle it flips one; with range it spans from the anchor. */
export function clickSelect(sel: Selection, index: number, mods: ClickModifiers): Selection {
  if (mods.range && sel.anchor >= 0) {
    const span = range(sel.anchor, index);
    const selected = mods.toggle ? new Set([...sel.selected, ...span]) : new Set(span);
    return { cursor: index, anchor: sel.anchor, selected };
  }
  if (mods.toggle) {
    const selected = new Set(sel.selected);
    if (selected.has(index)) selected.delete(index);
    else selected.add(index);
    return { cursor: index, anchor: index, selected };
  }
  return { cursor: index, anchor: index, selected: new Set([index]) };
}

/** Puts the cursor on one photo and selects it; with `extend` the selection spans from the anchor. */
export function selectTo(sel: Selection, target: number, count: number, extend: boolean): Selection {
  if (count === 0) return EMPTY_SELECTION;
  const cursor = Math.min(count - 1, Math.max(0, target));
  if (extend && sel.anchor >= 0) return { cursor, anchor: sel.anchor, selected: new Set(range(sel.anchor, cursor)) };
  return { cursor, anchor: cursor, selected: new Set([cursor]) };
}

/** Ctrl/Cmd+A: every result, keeping the cursor and anchor where they were (on the first photo if nowhere yet). */
export function selectAll(sel: Selection, count: number): Selection {
  if (count === 0) return EMPTY_SELECTION;
  const cursor = sel.cursor < 0 ? 0 : Math.min(sel.cursor, count - 1);
  const anchor = sel.anchor < 0 ? cursor : Math.min(sel.anchor, count - 1);
  return { cursor, anchor, selected: new Set(range(0, count - 1)) };
}

/** Arrow keys: the cursor moves by `delta`; from no selection, the first move lands on the first photo. */
export function moveSelect(sel: Selection, delta: number, count: number, extend: boolean): Selection {
  return selectTo(sel, sel.cursor < 0 ? 0 : sel.cursor + delta, count, extend);
}

export type GridKeyAction = { kind: 'move'; delta: number; extend: boolean } | { kind: 'jump'; to: 'first' | 'last'; extend: boolean } | { kind: 'open' };

/** Keys the result grid answers to; the column count turns up/down into a row step. */
export function gridKeyAction(key: string, shift: boolean, columns: number): GridKeyAction | null {
  const page = columns * 4;
  const deltas: Record<string, number> = {
    ArrowLeft: -1,
    ArrowRight: 1,
    ArrowUp: -columns,
    ArrowDown: columns,
    PageUp: -page,
    PageDown: page,
  };
  if (key === 'Enter') return { kind: 'open' };
  if (key === 'Home' || key === 'End') return { kind: 'jump', to: key === 'Home' ? 'first' : 'last', extend: shift };
  const delta = deltas[key];
  return delta === undefined ? null : { kind: 'move', delta, extend: shift };
}
