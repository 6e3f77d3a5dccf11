/**
 * Geometry of the photo grid: square cells in rows, with full-width rows between them
 * for headers and the "show weaker matches" row. Rows are kept in typed arrays and
 * found by binary search, so a 100,000-photo timeline with a header for every day
 * lays out in a few milliseconds and renders only the rows in view.
 */
import type { GridBlock } from './grid-blocks.ts';

export const ROW_KIND = { header: 0, tiles: 1, more: 2 } as const;
export type RowKind = keyof typeof ROW_KIND;

/** Heights of the full-width rows, px. */
export const HEADER_HEIGHT: Record<'month' | 'day' | 'weaker', number> = { month: 52, day: 34, weaker: 56 };
export const MORE_HEIGHT = 76;

/** One row in view: a header or "more" row (its block), or a row of cells [start, end). */
export interface GridRow {
  index: number;
  kind: RowKind;
  y: number;
  height: number;
  block: number;
  start: number;
  end: number;
}

export class GridLayout {
  readonly columns: number;
  readonly cell: number;
  readonly gap: number;
  readonly height: number;
  readonly rowCount: number;
  /** Photos laid out: the sum of the item blocks. */
  readonly count: number;
  private readonly y: Float64Array;
  private readonly h: Float32Array;
  private readonly kind: Uint8Array;
  private readonly block: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Indices of the rows of cells, in order: their `start`s increase, so a photo's row is a binary search away. */
  private readonly tileRows: Int32Array;

  constructor(
    readonly blocks: readonly GridBlock[],
    width: number,
    minCell: number,
    gap: number,
  ) {
    const usable = Math.max(width, minCell);
    this.columns = Math.max(1, Math.floor((usable + gap) / (minCell + gap)));
    this.cell = (usable - gap * (this.columns - 1)) / this.columns;
    this.gap = gap;
    let rows = 0;
    let tiles = 0;
    let count = 0;
    for (const b of blocks) {
      if (b.kind === 'items') {
        const r = Math.ceil(b.count / this.columns);
        rows += r;
        tiles += r;
        count += b.count;
      } else rows += 1;
    }
    this.rowCount = rows;
    this.count = count;
    this.y = new Float64Array(rows);
    this.h = new Float32Array(rows);
    this.kind = new Uint8Array(rows);
    this.block = new Int32Array(rows);
    this.start = new Int32Array(rows);
    this.end = new Int32Array(rows);
    this.tileRows = new Int32Array(tiles);
    let row = 0;
    let tile = 0;
    let y = 0;
    const add = (kind: RowKind, height: number, block: number, start: number, end: number) => {
      this.y[row] = y;
      this.h[row] = height;
      this.kind[row] = ROW_KIND[kind];
      this.block[row] = block;
      this.start[row] = start;
      this.end[row] = end;
      if (kind === 'tiles') this.tileRows[tile++] = row;
      row += 1;
      y += height;
    };
    blocks.forEach((b, i) => {
      if (b.kind === 'header') add('header', HEADER_HEIGHT[b.level], i, 0, 0);
      else if (b.kind === 'more') add('more', MORE_HEIGHT, i, 0, 0);
      else for (let s = b.start; s < b.start + b.count; s += this.columns) add('tiles', this.cell + gap, i, s, Math.min(s + this.columns, b.start + b.count));
    });
    this.height = Math.max(0, y - (rows > 0 && this.kind[rows - 1] === ROW_KIND.tiles ? gap : 0));
  }

  row(index: number): GridRow {
    const kinds: RowKind[] = ['header', 'tiles', 'more'];
    return {
      index,
      kind: kinds[this.kind[index]],
      y: this.y[index],
      height: this.h[index],
      block: this.block[index],
      start: this.start[index],
      end: this.end[index],
    };
  }

  /** The row at vertical position `y` (clamped). */
  rowAt(y: number): number {
    let lo = 0;
    let hi = this.rowCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.y[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rows that intersect [top, top + viewport), with `overscan` px more either side. */
  visibleRows(top: number, viewport: number, overscan = 0): GridRow[] {
    if (this.rowCount === 0) return [];
    const first = this.rowAt(Math.max(0, top - overscan));
    const bottom = top + Math.max(0, viewport) + overscan;
    const rows: GridRow[] = [];
    for (let r = first; r < this.rowCount && this.y[r] < bottom; r++) rows.push(this.row(r));
    return rows;
  }

  /** Position in `tileRows` of the row of cells holding photo `index` (clamped), or -1 when there is none. */
  private tileOfItem(index: number): number {
    const n = this.tileRows.length;
    if (n === 0) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.start[this.tileRows[mid]] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The row of cells holding photo `index` (clamped to the laid-out photos), or -1 when there is none. */
  rowOfItem(index: number): number {
    const t = this.tileOfItem(index);
    return t < 0 ? -1 : this.tileRows[t];
  }

  /** Where photo `index`'s cell is, relative to the top left of the grid. */
  cellPosition(index: number): { x: number; y: number } {
    const row = this.rowOfItem(index);
    if (row < 0) return { x: 0, y: 0 };
    return { x: (index - this.start[row]) * (this.cell + this.gap), y: this.y[row] };
  }

  /** The photos [start, end) in some rows: what a view needs loaded. */
  itemSpan(rows: readonly GridRow[]): { start: number; end: number } {
    const tiles = rows.filter((r) => r.kind === 'tiles');
    return tiles.length ? { start: tiles[0].start, end: tiles[tiles.length - 1].end } : { start: 0, end: 0 };
  }

  /**
   * The photo `rows` rows of cells above (negative) or below `index`, in the same column
   * or the last of a shorter row; headers are skipped. Clamped to the first and last rows.
   */
  step(index: number, rows: number): number {
    const t = this.tileOfItem(index);
    if (t < 0) return index;
    const column = index - this.start[this.tileRows[t]];
    const target = this.tileRows[Math.max(0, Math.min(this.tileRows.length - 1, t + rows))];
    return Math.min(this.start[target] + column, this.end[target] - 1);
  }

  /**
   * The scroll position that brings photo `index` fully into view, with the header above
   * it when it is the first row of a day; null when it is in view already. `inset` is the
   * padding above the rows inside the scrolled content.
   */
  revealScrollTop(index: number, scrollTop: number, viewport: number, inset = 0): number | null {
    const row = this.rowOfItem(index);
    if (row < 0) return null;
    let top = this.y[row] + inset;
    for (let r = row - 1; r >= 0 && this.kind[r] === ROW_KIND.header; r--) top = this.y[r] + inset;
    const bottom = this.y[row] + inset + this.cell;
    if (top < scrollTop) return Math.max(0, top - inset);
    if (bottom > scrollTop + viewport) return bottom + inset - viewport;
    return null;
  }
}
