import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  clampSelection,
  clickSelect,
  gridKeyAction,
  isSelected,
  selectAll,
  selectTo,
  selectedCount,
  selectedIndices,
  type Selection,
} from '../../../src-renderer/lib/grid/selection.ts';

/** An arrow key: from no selection the first move lands on the first photo. */
const moveSelect = (s: Selection, delta: number, count: number, extend: boolean) => selectTo(s, s.cursor < 0 ? 0 : s.cursor + delta, count, extend);

const plain = { toggle: false, range: false };
const toggle = { toggle: true, range: false };
const range = { toggle: false, range: true };
const ids = (s: Selection) => selectedIndices(s);

describe('clickSelect', () => {
  it('selects one photo on a plain click', () => {
    const s = clickSelect(clickSelect(EMPTY_SELECTION, 3, plain), 5, plain);
    expect(ids(s)).toEqual([5]);
    expect(s.cursor).toBe(5);
  });

  it('adds and removes with Ctrl/Cmd', () => {
    let s = clickSelect(EMPTY_SELECTION, 1, plain);
    s = clickSelect(s, 4, toggle);
    expect(ids(s)).toEqual([1, 4]);
    s = clickSelect(s, 1, toggle);
    expect(ids(s)).toEqual([4]);
  });

  it('selects a span from the anchor with Shift, in either direction', () => {
    let s = clickSelect(EMPTY_SELECTION, 5, plain);
    s = clickSelect(s, 8, range);
    expect(ids(s)).toEqual([5, 6, 7, 8]);
    s = clickSelect(s, 3, range);
    expect(ids(s)).toEqual([3, 4, 5]);
  });

  it('adds a span to the selection with Ctrl+Shift', () => {
    let s = clickSelect(EMPTY_SELECTION, 0, plain);
    s = clickSelect(s, 10, toggle);
    s = clickSelect(s, 12, { toggle: true, range: true });
    expect(ids(s)).toEqual([0, 10, 11, 12]);
  });
});

describe('moveSelect', () => {
  it('starts at the first photo', () => {
    expect(moveSelect(EMPTY_SELECTION, 1, 10, false).cursor).toBe(0);
  });

  it('moves and clamps at both ends', () => {
    let s = moveSelect(EMPTY_SELECTION, 0, 10, false);
    s = moveSelect(s, -5, 10, false);
    expect(s.cursor).toBe(0);
    s = moveSelect(s, 100, 10, false);
    expect(s.cursor).toBe(9);
    expect(ids(s)).toEqual([9]);
  });

  it('extends from the anchor with Shift', () => {
    let s = clickSelect(EMPTY_SELECTION, 2, plain);
    s = moveSelect(s, 3, 10, true);
    expect(ids(s)).toEqual([2, 3, 4, 5]);
  });

  it('empties when there are no results', () => {
    expect(moveSelect(clickSelect(EMPTY_SELECTION, 2, plain), 1, 0, false)).toEqual(EMPTY_SELECTION);
  });
});

describe('selectTo', () => {
  it('jumps to the last photo even with nothing selected', () => {
    expect(selectTo(EMPTY_SELECTION, 99_999, 100_000, false)).toMatchObject({ cursor: 99_999, anchor: 99_999 });
  });

  it('selects everything up to the end with Shift', () => {
    const s = selectTo(clickSelect(EMPTY_SELECTION, 7, plain), 100, 10, true);
    expect(ids(s)).toEqual([7, 8, 9]);
  });
});

describe('selectAll', () => {
  it('selects every photo and keeps the cursor and anchor where they were', () => {
    const s = selectAll(clickSelect(EMPTY_SELECTION, 2, plain), 5);
    expect(ids(s)).toEqual([0, 1, 2, 3, 4]);
    expect([s.cursor, s.anchor]).toEqual([2, 2]);
  });

  it('puts the cursor on the first photo when there was none', () => {
    const s = selectAll(EMPTY_SELECTION, 3);
    expect(ids(s)).toEqual([0, 1, 2]);
    expect([s.cursor, s.anchor]).toEqual([0, 0]);
  });

  it('keeps the cursor among the photos after the results shrank', () => {
    const s = selectAll(clickSelect(EMPTY_SELECTION, 9, plain), 4);
    expect([s.cursor, s.anchor]).toEqual([3, 3]);
  });

  it('selects nothing when there are no photos', () => {
    expect(selectAll(clickSelect(EMPTY_SELECTION, 1, plain), 0)).toEqual(EMPTY_SELECTION);
  });

  it('lets Shift+arrow narrow it to a span from the anchor', () => {
    const s = moveSelect(selectAll(clickSelect(EMPTY_SELECTION, 1, plain), 6), 2, 6, true);
    expect(ids(s)).toEqual([1, 2, 3]);
  });
});

describe('gridKeyAction', () => {
  it.each([
    ['ArrowRight', 1],
    ['ArrowLeft', -1],
  ])('%s moves by %i photo', (key, delta) => {
    expect(gridKeyAction(key, false)).toEqual({ kind: 'move', delta, extend: false });
  });

  it.each([
    ['ArrowDown', 1],
    ['ArrowUp', -1],
    ['PageDown', 4],
    ['PageUp', -4],
  ])('%s moves by %i rows, which the layout turns into photos', (key, rows) => {
    expect(gridKeyAction(key, true)).toEqual({ kind: 'rows', rows, extend: true });
  });

  it('jumps with Home and End', () => {
    expect(gridKeyAction('Home', false)).toEqual({ kind: 'jump', to: 'first', extend: false });
    expect(gridKeyAction('End', true)).toEqual({ kind: 'jump', to: 'last', extend: true });
  });

  it('opens on Enter and ignores other keys', () => {
    expect(gridKeyAction('Enter', false)).toEqual({ kind: 'open' });
    expect(gridKeyAction('a', false)).toBeNull();
    expect(gridKeyAction('Tab', false)).toBeNull();
  });
});

describe('a selection of 100,000 photos', () => {
  it('is one range, whatever its size, and answers membership without listing them', () => {
    const s = selectAll(EMPTY_SELECTION, 100_000);
    expect(s.ranges).toEqual([[0, 100_000]]);
    expect(selectedCount(s)).toBe(100_000);
    expect(isSelected(s, 99_999)).toBe(true);
    expect(isSelected(s, 100_000)).toBe(false);
  });

  it('splits into two ranges when one photo is taken out, and joins again when it is put back', () => {
    let s = clickSelect(selectAll(EMPTY_SELECTION, 5000), 2500, toggle);
    expect(s.ranges).toEqual([
      [0, 2500],
      [2501, 5000],
    ]);
    expect(selectedCount(s)).toBe(4999);
    s = clickSelect(s, 2500, toggle);
    expect(s.ranges).toEqual([[0, 5000]]);
  });

  it('merges touching and overlapping spans', () => {
    let s = clickSelect(EMPTY_SELECTION, 3, plain);
    s = clickSelect(s, 4, toggle);
    s = clickSelect(s, 10, toggle);
    s = clickSelect(s, 5, { toggle: true, range: true });
    expect(s.ranges).toEqual([[3, 11]]);
  });

  it('is cut to the photos still shown when the list shrinks', () => {
    const s = clampSelection(clickSelect(selectAll(EMPTY_SELECTION, 100), 90, toggle), 50);
    expect(s.ranges).toEqual([[0, 50]]);
    expect(s.cursor).toBe(49);
    expect(clampSelection(s, 0)).toEqual(EMPTY_SELECTION);
  });
});
