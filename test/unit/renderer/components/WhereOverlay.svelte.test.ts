import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HeatMap } from '../../../../src-main/core/api/contract.ts';
import WhereOverlay from '../../../../src-renderer/components/WhereOverlay.svelte';
import { whereQuery } from '../../../../src-renderer/lib/query/where.ts';

const grid = (over: Partial<HeatMap> = {}): HeatMap => ({
  columns: 3,
  rows: 2,
  values: [0, 0.2, 1, 0, 0.5, 0.1],
  best: 0.31,
  worst: 0.18,
  windows: 12,
  width: 640,
  height: 480,
  ...over,
});

// jsdom lays nothing out: the layer the map is fitted into gets the size of a lightbox's stage.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
});
afterAll(() => {
  delete (HTMLElement.prototype as { clientWidth?: number }).clientWidth;
  delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
});

describe('Show where', () => {
  it('asks for the current photo and the query’s words only once switched on, and draws a cell per value', async () => {
    const showWhere = vi.fn(async () => grid());
    render(WhereOverlay, { photoId: 7, query: { text: 'red circle' }, showWhere });
    expect(showWhere).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('where-toggle'));
    expect(showWhere).toHaveBeenCalledWith({ id: 7, text: 'red circle' });
    const map = await screen.findByTestId('where-map');
    expect(Array.from(map.querySelectorAll<HTMLElement>('.cell')).map((c) => Number(c.dataset.value))).toEqual([0, 0.2, 1, 0, 0.5, 0.1]);
    // A 640x480 photo in an 800x400 layer is drawn 533x400, centred: the map lies on it exactly.
    expect([map.style.left, map.style.top, map.style.width, map.style.height].map((v) => Math.round(parseFloat(v)))).toEqual([133, 0, 533, 400]);
    expect(screen.getByTestId('where-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('where-toggle').textContent).toContain('Hide where');
  });

  it('uses the example photo for an example query, and says when the whole photo matches alike', async () => {
    const showWhere = vi.fn(async () => grid({ best: 0.3, worst: 0.299 }));
    render(WhereOverlay, { photoId: 7, query: { exampleId: 3 }, showWhere });
    await fireEvent.click(screen.getByTestId('where-toggle'));
    expect(showWhere).toHaveBeenCalledWith({ id: 7, exampleId: 3 });
    await screen.findByTestId('where-flat');
    expect(screen.queryByTestId('where-map')).toBeNull();
  });

  it('draws the boxes of the words found in the photo as rectangles', async () => {
    render(WhereOverlay, { photoId: 7, query: { text: 'invoice' }, showWhere: vi.fn(async () => grid({ windows: 0, values: [0, 1, 0, 0, 0, 1] })) });
    await fireEvent.click(screen.getByTestId('where-toggle'));
    const map = await screen.findByTestId('where-map');
    expect(map.classList.contains('words')).toBe(true);
    expect(map.querySelectorAll('.cell.hit')).toHaveLength(2);
  });

  it('says why when the map cannot be made, and offers nothing for a query with nothing to look for', async () => {
    const showWhere = vi.fn(async () => Promise.reject({ code: 'no-model', message: 'No model is active.' }));
    const { unmount } = render(WhereOverlay, { photoId: 7, query: { text: 'dog' }, showWhere });
    await fireEvent.click(screen.getByTestId('where-toggle'));
    await waitFor(() => expect(screen.getByTestId('where-problem').textContent).toBe('No model is active.'));
    unmount();
    render(WhereOverlay, { photoId: 7, query: null, showWhere });
    expect(screen.queryByTestId('where-toggle')).toBeNull();
  });

  it('reads the words of a query, else its first example, else the first liked photo', () => {
    expect(
      whereQuery({
        description: 'dog',
        terms: [
          { kind: 'text', text: 'beach', weight: 2 },
          { kind: 'text', text: 'cat', weight: -0.5 },
        ],
      }),
    ).toEqual({
      text: 'dog beach',
    });
    expect(whereQuery({ examples: { like: [4, 5], unlike: [] } })).toEqual({ exampleId: 4 });
    expect(whereQuery({ feedback: { up: [9], down: [] } })).toEqual({ exampleId: 9 });
    expect(whereQuery({ filters: { after: '2021-01-01' } })).toBeNull();
  });
});
