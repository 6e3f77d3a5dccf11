import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import QueryChip from '../../../../src-renderer/components/QueryChip.svelte';
import type { Chip } from '../../../../src-renderer/lib/query/query-chips.ts';

const thumbnailUrl = (id: number, size: number) => `/api/thumb/${id}?size=${size}`;

function renderChip(chip: Chip, problem = false) {
  const onremove = vi.fn();
  const ontogglenegative = vi.fn();
  const view = render(QueryChip, { chip, thumbnailUrl, problem, onremove, ontogglenegative });
  return { ...view, onremove, ontogglenegative };
}

describe('QueryChip', () => {
  it('shows an operator apart from its value and removes itself with the × button', async () => {
    const { onremove } = renderChip({ key: 1, kind: 'part', text: 'in:"new york"', partKind: 'place' });
    expect(screen.getByTestId('chip-label').textContent).toBe('in:"new york"');
    expect(screen.getByTestId('chip-label').querySelector('.op')?.textContent).toBe('in:');
    expect(screen.getByTestId('query-chip').dataset.kind).toBe('place');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove in:"new york"' }));
    expect(onremove).toHaveBeenCalledOnce();
  });

  it('draws an excluded term as a "not" chip', () => {
    renderChip({ key: 1, kind: 'part', text: '-"at night"', partKind: 'exclude' });
    const chip = screen.getByTestId('query-chip');
    expect(chip.dataset.negative).toBe('true');
    expect(chip.textContent).toContain('not');
    expect(screen.getByTestId('chip-label').textContent).toBe('"at night"');
  });

  it.each(['Delete', 'Backspace'])('removes itself with %s on its button', async (key) => {
    const { onremove } = renderChip({ key: 1, kind: 'part', text: 'type:png', partKind: 'type' });
    await fireEvent.keyDown(screen.getByTestId('chip-remove'), { key });
    expect(onremove).toHaveBeenCalledOnce();
  });

  it('leaves other keys to the button', async () => {
    const { onremove } = renderChip({ key: 1, kind: 'part', text: 'type:png', partKind: 'type' });
    await fireEvent.keyDown(screen.getByTestId('chip-remove'), { key: 'a' });
    expect(onremove).not.toHaveBeenCalled();
  });

  it('is marked when a problem of the query is about it', () => {
    renderChip({ key: 1, kind: 'part', text: 'after:2022', partKind: 'after' }, true);
    expect(screen.getByTestId('query-chip').dataset.problem).toBe('true');
  });

  it('shows one photo as an example by its name and thumbnail, many by their count', async () => {
    const { rerender } = renderChip({ key: 2, kind: 'examples', like: [7], unlike: [], label: 'IMG_0042.JPG' });
    expect(screen.getByTestId('chip-thumb').querySelector('img')?.getAttribute('src')).toBe('/api/thumb/7?size=128');
    expect(screen.getByTestId('chip-label').textContent).toBe('IMG_0042.JPG');
    await rerender({ chip: { key: 2, kind: 'examples', like: [7, 8, 9], unlike: [10], label: null } });
    expect(screen.getByTestId('chip-label').textContent).toBe('3 examples, 1 counter-example');
    expect(screen.getByRole('button', { name: 'Remove 3 examples, 1 counter-example' })).toBeTruthy();
  });

  it('asks to turn a dropped file negative with its "not" toggle, and says whether it is', async () => {
    const { ontogglenegative, rerender } = renderChip({ key: 3, kind: 'file', path: '/home/me/Downloads/holiday.jpg', label: 'holiday.jpg', negative: false });
    expect(screen.getByTestId('query-chip').title).toBe('/home/me/Downloads/holiday.jpg');
    const negate = screen.getByTestId('chip-negate');
    expect(negate.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(negate);
    expect(ontogglenegative).toHaveBeenCalledOnce();
    await rerender({ chip: { key: 3, kind: 'file', path: '/home/me/Downloads/holiday.jpg', label: 'holiday.jpg', negative: true } });
    expect(negate.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('query-chip').dataset.negative).toBe('true');
  });
});
