/**
 * Geometry of a square-cell grid that only renders the rows in view: with 100,000
 * results the DOM holds a few dozen tiles whatever the scroll position.
 */
export interface GridLayout {
  columns: number;
  cell: number;
  gap: number;
  rowHeight: number;
  rows: number;
  height: number;
}

export interface VisibleRange {
  start: number;
  end: number;
}

export function gridLayout(width: number, count: number, minCell: number, gap: number): GridLayout {
  const usable = Math.max(width, minCell);
  const columns = Math.max(1, Math.floor((usable + gap) / (minCell + gap)));
  const cell = (usable - gap * (columns - 1)) / columns;
  const rowHeight = cell + gap;
  const rows = Math.ceil(count / columns);
  return { columns, cell, gap, rowHeight, rows, height: Math.max(0, rows * rowHeight - gap) };
}

/** Item indices [start, end) to render for a viewport, with `overscan` rows either side. */
export function visibleRange(layout: GridLayout, count: number, scrollTop: number, viewport: number, overscan = 2): VisibleRange {
  if (count === 0 || layout.rowHeight <= 0) return { start: 0, end: 0 };
  const firstRow = Math.max(0, Math.floor(scrollTop / layout.rowHeight) - overscan);
  const lastRow = Math.min(layout.rows - 1, Math.floor((scrollTop + Math.max(viewport, 0)) / layout.rowHeight) + overscan);
  return { start: firstRow * layout.columns, end: Math.min(count, (lastRow + 1) * layout.columns) };
}

export function cellPosition(layout: GridLayout, index: number): { x: number; y: number } {
  const row = Math.floor(index / layout.columns);
  const column = index % layout.columns;
  return { x: column * (layout.cell + layout.gap), y: row * layout.rowHeight };
}

/**
 * The scroll position that brings an item fully into view, or null when it already
 * is. `inset` is the padding around the cells inside the scrolled content.
 */
export function revealScrollTop(layout: GridLayout, index: number, scrollTop: number, viewport: number, inset = 0): number | null {
  const top = cellPosition(layout, index).y + inset;
  const bottom = top + layout.cell;
  if (top < scrollTop) return Math.max(0, top - inset);
  if (bottom > scrollTop + viewport) return bottom + inset - viewport;
  return null;
}
