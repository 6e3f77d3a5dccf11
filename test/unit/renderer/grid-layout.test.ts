import { describe, expect, it } from 'vitest';
import type { DayRun } from '../../../src-main/core/api/contract.ts';
import { dayLabel, gridBlocks, headerLabel, monthLabel } from '../../../src-renderer/lib/grid/grid-blocks.ts';
import { GridLayout, HEADER_HEIGHT } from '../../../src-renderer/lib/grid/grid-layout.ts';

const headers = (blocks: ReturnType<typeof gridBlocks>) => blocks.flatMap((b) => (b.kind === 'header' ? [`${b.level}:${headerLabel(b)}:${b.count}`] : []));

describe('gridBlocks', () => {
  const days: DayRun[] = [
    { day: '2021-06-02', count: 3 },
    { day: '2021-06-01', count: 2 },
    { day: '2021-05-30', count: 4 },
    { day: null, count: 1 },
  ];

  it('groups a timeline by month and day, with counts that add up to what is shown', () => {
    const blocks = gridBlocks({ matches: 10, total: 10, expanded: false, days });
    expect(headers(blocks)).toEqual([
      `month:${monthLabel('2021-06')}:5`,
      `day:${dayLabel('2021-06-02')}:3`,
      `day:${dayLabel('2021-06-01')}:2`,
      `month:${monthLabel('2021-05')}:4`,
      `day:${dayLabel('2021-05-30')}:4`,
      'month:Date unknown:1',
    ]);
    expect(blocks.filter((b) => b.kind === 'items').map((b) => (b.kind === 'items' ? [b.start, b.count] : null))).toEqual([
      [0, 3],
      [3, 2],
      [5, 4],
      [9, 1],
    ]);
  });

  it('names the day where the photo was taken, whatever the viewer’s zone', () => {
    expect(dayLabel('2021-06-01')).toMatch(/Tuesday/);
    expect(dayLabel('2021-06-01')).toMatch(/\b1\b/);
    expect(monthLabel('2021-06')).toMatch(/June 2021/);
  });

  it('offers the weaker matches after the matches, and shows them under their own header once expanded', () => {
    expect(gridBlocks({ matches: 23, total: 163, expanded: false, days: null })).toEqual([
      { kind: 'items', start: 0, count: 23 },
      { kind: 'more', count: 140 },
    ]);
    expect(gridBlocks({ matches: 23, total: 163, expanded: true, days: null })).toEqual([
      { kind: 'items', start: 0, count: 23 },
      { kind: 'header', level: 'weaker', key: null, count: 140 },
      { kind: 'items', start: 23, count: 140 },
    ]);
  });

  it('shows nothing for a query with no matches until the weaker ones are asked for', () => {
    expect(gridBlocks({ matches: 0, total: 50, expanded: false, days: null })).toEqual([]);
    expect(headers(gridBlocks({ matches: 0, total: 50, expanded: true, days: null }))).toEqual(['weaker:Weaker matches:50']);
  });

  it('groups matches and weaker matches by day apart in date order', () => {
    const sorted: DayRun[] = [
      { day: '2021-06-02', count: 2 },
      { day: '2021-06-02', count: 3 },
    ];
    const blocks = gridBlocks({ matches: 2, total: 5, expanded: true, days: sorted });
    expect(headers(blocks)).toEqual([
      `month:${monthLabel('2021-06')}:2`,
      `day:${dayLabel('2021-06-02')}:2`,
      'weaker:Weaker matches:3',
      `month:${monthLabel('2021-06')}:3`,
      `day:${dayLabel('2021-06-02')}:3`,
    ]);
  });
});

describe('GridLayout', () => {
  /** A 100,000-photo timeline over ten years: about 27 photos a day. */
  function bigTimeline() {
    const days: DayRun[] = [];
    let left = 100_000;
    for (let d = 0; left > 0; d++) {
      const count = Math.min(left, 10 + ((d * 37) % 35));
      const date = new Date(Date.UTC(2024, 0, 1) - d * 86_400_000).toISOString().slice(0, 10);
      days.push({ day: date, count });
      left -= count;
    }
    return gridBlocks({ matches: 100_000, total: 100_000, expanded: false, days });
  }

  it('fits as many columns of at least the minimum size as the width allows', () => {
    const layout = new GridLayout([{ kind: 'items', start: 0, count: 100 }], 1000, 170, 6);
    expect(layout.columns).toBe(5);
    expect(layout.cell * 5 + 6 * 4).toBeCloseTo(1000);
    expect(layout.rowCount).toBe(20);
  });

  it('renders only the rows in view of a 100,000-photo timeline, wherever it is scrolled', () => {
    const layout = new GridLayout(bigTimeline(), 1200, 170, 6);
    expect(layout.count).toBe(100_000);
    for (const top of [0, layout.height / 3, layout.height - 800]) {
      const rows = layout.visibleRows(top, 800, 200);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThan(40);
      expect(rows[0].y).toBeLessThanOrEqual(top);
      expect(rows.at(-1)!.y + rows.at(-1)!.height).toBeGreaterThanOrEqual(Math.min(top + 800, layout.height));
    }
  });

  it('puts every photo in exactly one cell, the last one included', () => {
    const layout = new GridLayout(bigTimeline(), 1200, 170, 6);
    const last = layout.row(layout.rowOfItem(99_999));
    expect(last.kind).toBe('tiles');
    expect(last.end).toBe(100_000);
    expect(layout.cellPosition(99_999).y).toBe(last.y);
    const first = layout.row(layout.rowOfItem(0));
    expect(first.y).toBe(HEADER_HEIGHT.month + HEADER_HEIGHT.day);
  });

  it('moves up and down by rows across day headers, staying in the column or the last photo of a shorter row', () => {
    const blocks = gridBlocks({
      matches: 7,
      total: 7,
      expanded: false,
      days: [
        { day: '2021-06-02', count: 5 },
        { day: '2021-06-01', count: 2 },
      ],
    });
    const layout = new GridLayout(blocks, 3 * 170 + 2 * 6, 170, 6);
    expect(layout.columns).toBe(3);
    expect(layout.step(1, 1)).toBe(4);
    expect(layout.step(4, 1)).toBe(6);
    expect(layout.step(6, -1)).toBe(4);
    expect(layout.step(0, -5)).toBe(0);
    expect(layout.step(0, 50)).toBe(5);
  });

  it('scrolls a photo into view with its day header above it', () => {
    const layout = new GridLayout(bigTimeline(), 1200, 170, 6);
    const row = layout.row(layout.rowOfItem(5000));
    const top = layout.revealScrollTop(5000, 0, 700, 16)!;
    expect(top).toBeGreaterThan(0);
    expect(layout.revealScrollTop(5000, row.y + 16, 700, 16)).toBeNull();
    const back = layout.revealScrollTop(0, top, 700, 16);
    expect(back).toBe(0);
  });
});
