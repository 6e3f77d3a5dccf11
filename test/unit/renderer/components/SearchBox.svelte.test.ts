import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import SearchBox from '../../../../src-renderer/components/SearchBox.svelte';
import type { ClientMode } from '../../../../src-renderer/lib/api/client.ts';
import { QueryState } from '../../../../src-renderer/lib/state/query.svelte.ts';

function setup(mode: ClientMode = 'browser', pathForFile?: (file: File) => string | null) {
  const query = new QueryState();
  const onnotice = vi.fn();
  const onleave = vi.fn();
  render(SearchBox, { query, mode, searching: false, thumbnailUrl: (id: number) => `/thumb/${id}`, pathForFile, onnotice, onleave });
  const input = screen.getByTestId('search-input') as HTMLInputElement;
  const type = (text: string) => fireEvent.input(input, { target: { value: text } });
  const press = (key: string) => fireEvent.keyDown(input, { key });
  const chips = () =>
    screen
      .queryAllByTestId('query-chip')
      .map((c) => `${c.dataset.negative === 'true' ? '-' : ''}${c.querySelector('[data-testid="chip-label"]')?.textContent}`);
  return { query, input, type, press, chips, onnotice, onleave };
}

describe('SearchBox', () => {
  it('searches the words as they are typed, before any chip is made', async () => {
    const { query, type, chips } = setup();
    await type('dog on a beach');
    expect(query.draft).toBe('dog on a beach');
    expect(query.request?.terms).toEqual([{ kind: 'text', text: 'dog on a beach', weight: 1 }]);
    expect(chips()).toEqual([]);
  });

  it('makes a chip of the words on Enter and empties the box', async () => {
    const { input, type, press, chips } = setup();
    await type('red');
    await press('Enter');
    expect(chips()).toEqual(['red']);
    expect(input.value).toBe('');
  });

  it('makes "-word" a negative chip', async () => {
    const { query, type, press, chips } = setup();
    await type('red');
    await press('Enter');
    await type('-circle');
    await press('Enter');
    expect(chips()).toEqual(['red', '-circle']);
    expect(query.request?.terms.map((t) => (t.kind === 'text' ? [t.text, t.weight] : null))).toEqual([
      ['red', 1],
      ['circle', -0.5],
    ]);
  });

  it('does not make a chip of a lone "-"', async () => {
    const { type, press, chips } = setup();
    await type(' - ');
    await press('Enter');
    expect(chips()).toEqual([]);
  });

  it('removes the last chip with Backspace or Delete in the empty box, and never while there is text', async () => {
    const { query, type, press, chips } = setup();
    for (const word of ['red', 'stripes', 'sea']) {
      await type(word);
      await press('Enter');
    }
    await press('Backspace');
    expect(chips()).toEqual(['red', 'stripes']);
    await press('Delete');
    expect(chips()).toEqual(['red']);

    await type('x');
    await press('Backspace');
    expect(chips()).toEqual(['red']);
    expect(query.draft).toBe('x');
  });

  it('removes a chip with its × and gives the box the focus back', async () => {
    const { input, type, press, chips } = setup();
    for (const word of ['red', 'blue']) {
      await type(word);
      await press('Enter');
    }
    await fireEvent.click(screen.getByRole('button', { name: 'Remove text term red' }));
    expect(chips()).toEqual(['blue']);
    expect(document.activeElement).toBe(input);
  });

  it('toggles a chip negative and back', async () => {
    const { type, press, chips } = setup();
    await type('circle');
    await press('Enter');
    await fireEvent.click(screen.getByTestId('chip-negate'));
    expect(chips()).toEqual(['-circle']);
    await fireEvent.click(screen.getByTestId('chip-negate'));
    expect(chips()).toEqual(['circle']);
  });

  it('clears the typed words on Esc without letting the key reach the window', async () => {
    const { query, type, input } = setup();
    await type('red');
    const seen = vi.fn();
    window.addEventListener('keydown', seen);
    await fireEvent.keyDown(input, { key: 'Escape' });
    window.removeEventListener('keydown', seen);
    expect(query.draft).toBe('');
    expect(seen).not.toHaveBeenCalled();
  });

  it('goes down to the results with the down arrow', async () => {
    const { press, onleave } = setup();
    await press('ArrowDown');
    expect(onleave).toHaveBeenCalledOnce();
  });

  it('explains in a browser that a dropped image cannot be searched by, and adds no chip', async () => {
    const { chips, onnotice } = setup('browser');
    const file = new File([new Uint8Array([1])], 'holiday.jpg', { type: 'image/jpeg' });
    await fireEvent.drop(screen.getByTestId('search-box'), { dataTransfer: { files: [file], types: ['Files'] } });
    expect(chips()).toEqual([]);
    expect(onnotice).toHaveBeenCalledWith(expect.stringContaining('desktop app'));
  });

  it('adds a dropped image as a file chip where the platform gives its path', async () => {
    const { chips, onnotice } = setup('desktop', (f) => `/home/me/${f.name}`);
    const file = new File([new Uint8Array([1])], 'holiday.jpg', { type: 'image/jpeg' });
    await fireEvent.drop(screen.getByTestId('search-box'), { dataTransfer: { files: [file], types: ['Files'] } });
    expect(chips()).toEqual(['holiday.jpg']);
    expect(screen.getByTestId('query-chip').dataset.kind).toBe('file');
    expect(onnotice).not.toHaveBeenCalled();
  });
});
