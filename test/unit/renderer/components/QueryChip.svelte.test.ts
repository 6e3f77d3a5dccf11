import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import QueryChip from '../../../../src-renderer/components/QueryChip.svelte';
import type { Chip } from '../../../../src-renderer/lib/query/chips.ts';

const thumbnailUrl = (id: number, size: number) => `/api/thumb/${id}?size=${size}`;

function renderChip(chip: Chip) {
  const onremove = vi.fn();
  const ontogglenegative = vi.fn();
  const view = render(QueryChip, { chip, thumbnailUrl, onremove, ontogglenegative });
  return { ...view, onremove, ontogglenegative };
}

describe('QueryChip', () => {
  it('shows a text term and removes it with the × button', async () => {
    const { onremove, ontogglenegative } = renderChip({ key: 1, kind: 'text', text: 'dog on a beach', negative: false });
    expect(screen.getByTestId('chip-label').textContent).toBe('dog on a beach');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove text term dog on a beach' }));
    expect(onremove).toHaveBeenCalledOnce();
    expect(ontogglenegative).not.toHaveBeenCalled();
  });

  it.each(['Delete', 'Backspace'])('removes itself with %s on either of its buttons', async (key) => {
    const { onremove } = renderChip({ key: 1, kind: 'text', text: 'red', negative: false });
    await fireEvent.keyDown(screen.getByTestId('chip-remove'), { key });
    await fireEvent.keyDown(screen.getByTestId('chip-negate'), { key });
    expect(onremove).toHaveBeenCalledTimes(2);
  });

  it('leaves other keys to the button', async () => {
    const { onremove } = renderChip({ key: 1, kind: 'text', text: 'red', negative: false });
    await fireEvent.keyDown(screen.getByTestId('chip-remove'), { key: 'a' });
    expect(onremove).not.toHaveBeenCalled();
  });

  it('asks to turn negative with its "not" toggle, and says whether it is', async () => {
    const { ontogglenegative, rerender } = renderChip({ key: 1, kind: 'text', text: 'circle', negative: false });
    const negate = screen.getByTestId('chip-negate');
    expect(negate.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByTestId('query-chip').dataset.negative).toBe('false');
    await fireEvent.click(negate);
    expect(ontogglenegative).toHaveBeenCalledOnce();

    await rerender({ chip: { key: 1, kind: 'text', text: 'circle', negative: true } });
    expect(negate.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('query-chip').dataset.negative).toBe('true');
    expect(negate.title).toMatch(/include/i);
  });

  it('shows a photo term with its thumbnail and names it as an image', () => {
    renderChip({ key: 2, kind: 'photo', id: 7, label: 'IMG_0042.JPG', negative: false });
    expect(screen.getByTestId('chip-thumb').querySelector('img')?.getAttribute('src')).toBe('/api/thumb/7?size=128');
    expect(screen.getByRole('button', { name: 'Remove image term IMG_0042.JPG' })).toBeTruthy();
  });

  it('shows the full path of an outside file on hover', () => {
    renderChip({ key: 3, kind: 'file', path: '/home/me/Downloads/holiday.jpg', label: 'holiday.jpg', negative: false });
    expect(screen.getByTestId('query-chip').title).toBe('/home/me/Downloads/holiday.jpg');
  });
});
