import { describe, expect, it } from 'vitest';
import { cellPosition, gridLayout, revealScrollTop, visibleRange } from '../../../src-renderer/lib/grid/virtual-grid.ts';

describe('gridLayout', () => {
  it('fits as many columns of at least the minimum size as the width allows', () => {
    const layout = gridLayout(1000, 100, 170, 6);
    expect(layout.columns).toBe(5);
    expect(layout.cell * 5 + 6 * 4).toBeCloseTo(1000);
    expect(layout.rows).toBe(20);
  });

  it('keeps one column on a narrow or unmeasured viewport', () => {
    expect(gridLayout(0, 10, 170, 6).columns).toBe(1);
    expect(gridLayout(100, 10, 170, 6).columns).toBe(1);
  });
});

describe('visibleRange', () => {
  it('renders only the rows in view plus overscan, even for 100,000 results', () => {
    const count = 100_000;
    const layout = gridLayout(1200, count, 170, 6);
    for (const scrollTop of [0, 12_345, layout.height / 2, layout.height - 800]) {
      const range = visibleRange(layout, count, scrollTop, 800);
      const rendered = range.end - range.start;
      expect(rendered).toBeGreaterThan(0);
      expect(rendered).toBeLessThanOrEqual(layout.columns * (Math.ceil(800 / layout.rowHeight) + 1 + 4));
      const firstVisibleRow = Math.floor(scrollTop / layout.rowHeight);
      expect(range.start).toBeLessThanOrEqual(firstVisibleRow * layout.columns);
      expect(range.end).toBeGreaterThan(Math.min(count - 1, firstVisibleRow * layout.columns));
    }
  });

  it('stops at the last item', () => {
    const layout = gridLayout(1000, 23, 170, 6);
    expect(visibleRange(layout, 23, 10_000, 800).end).toBe(23);
    expect(visibleRange(layout, 0, 0, 800)).toEqual({ start: 0, end: 0 });
  });
});

describe('revealScrollTop', () => {
  const layout = gridLayout(1000, 100, 170, 6);

  it('leaves the scroll alone for an item in view', () => {
    expect(revealScrollTop(layout, 0, 0, 800)).toBeNull();
  });

  it('scrolls down just enough to show an item below', () => {
    const index = 5 * 10;
    const top = revealScrollTop(layout, index, 0, 800)!;
    const { y } = cellPosition(layout, index);
    expect(top + 800).toBeCloseTo(y + layout.cell);
  });

  it('scrolls up to an item above, with the inset', () => {
    expect(revealScrollTop(layout, 0, 5000, 800, 16)).toBe(0);
    const { y } = cellPosition(layout, 50);
    expect(revealScrollTop(layout, 50, y + 1000, 800, 16)).toBeCloseTo(y);
  });
});
