import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import SearchBox from '../../../../src-renderer/components/SearchBox.svelte';
import type { ClientMode } from '../../../../src-renderer/lib/api/client.ts';
import { QueryState } from '../../../../src-renderer/lib/state/query.svelte.ts';

function setup(mode: ClientMode = 'browser', pathForFile?: (file: File) => string | null) {
  const query = new QueryState();
  const onnotice = vi.fn();
  const onleave = vi.fn();
  const onsubmit = vi.fn();
  render(SearchBox, { query, mode, searching: false, thumbnailUrl: (id: number) => `/thumb/${id}`, pathForFile, onnotice, onsubmit, onleave });
  const input = screen.getByTestId('search-input') as HTMLInputElement;
  const type = (text: string) => fireEvent.input(input, { target: { value: text } });
  const press = (key: string) => fireEvent.keyDown(input, { key });
  const chips = () =>
    screen
      .queryAllByTestId('query-chip')
      .map((c) => `${c.dataset.negative === 'true' ? 'not ' : ''}${c.querySelector('[data-testid="chip-label"]')?.textContent}`);
  const problems = () => screen.queryAllByTestId('query-problem').map((p) => p.textContent?.trim());
  return { query, input, type, press, chips, problems, onnotice, onleave, onsubmit };
}

describe('SearchBox: the query language', () => {
  it('keeps free words as text and searches them as the description', async () => {
    const { query, input, type, chips } = setup();
    await type('dog on a beach');
    expect(input.value).toBe('dog on a beach');
    expect(chips()).toEqual([]);
    expect(query.request.description).toBe('dog on a beach');
  });

  it('turns every recognised part into a chip as it is finished, and leaves the free words in the box', async () => {
    const { query, input, type, chips } = setup();
    await type('dog beach -people "exact words" in:paris after:2021-01 folder:Trips camera:iphone type:heic 2:sunset sort:newest ');
    expect(chips()).toEqual([
      'not people',
      '"exact words"',
      'in:paris',
      'after:2021-01',
      'folder:Trips',
      'camera:iphone',
      'type:heic',
      '2:sunset',
      'sort:newest',
    ]);
    expect(input.value).toBe('dog beach ');
    expect(query.request).toMatchObject({
      description: 'dog beach',
      phrases: ['exact words'],
      sort: 'newest',
      filters: { places: ['paris'], after: '2021-01-01', folders: ['Trips'], camera: 'iphone', types: ['heic'] },
      terms: [
        { kind: 'text', text: 'people', weight: -0.5 },
        { kind: 'text', text: 'sunset', weight: 2 },
      ],
    });
  });

  it('waits for the end of a part before making it a chip, and Enter finishes it and searches at once', async () => {
    const { input, type, press, chips, onsubmit } = setup();
    await type('red in:par');
    expect(chips()).toEqual([]);
    await type('red in:paris');
    await press('Enter');
    expect(chips()).toEqual(['in:paris']);
    expect(input.value).toBe('red');
    expect(onsubmit).toHaveBeenCalledOnce();
  });

  it('explains a mistake next to the box, keeps it in the box to be corrected, and still searches the rest', async () => {
    const { query, input, type, problems } = setup();
    await type('red after:2021-13 in:rome ');
    expect(input.value).toBe('red after:2021-13 ');
    expect(problems()).toEqual([expect.stringMatching(/^after:2021-13\s*2021-13 is not a month/)]);
    expect(query.request.description).toBe('red');
    expect(query.request.filters).toEqual({ places: ['rome'] });
    expect(input.getAttribute('aria-describedby')).toBe('query-problems');
    await type('red after:2021-12 ');
    expect(problems()).toEqual([]);
  });

  it('marks both chips of a backwards date range and says so, without a date filter until it is fixed', async () => {
    const { query, type, problems } = setup();
    await type('after:2022-01 before:2021-06 ');
    expect(problems()).toEqual([expect.stringMatching(/backwards/)]);
    const marked = screen.getAllByTestId('query-chip').filter((c) => c.dataset.problem === 'true');
    expect(marked.map((c) => c.dataset.kind)).toEqual(['after', 'before']);
    expect(query.request.filters).toEqual({});
  });

  it('removes the last chip with Backspace or Delete in the empty box, and never while there is text', async () => {
    const { input, type, press, chips } = setup();
    await type('in:paris camera:iphone type:png ');
    await press('Backspace');
    expect(chips()).toEqual(['in:paris', 'camera:iphone']);
    await press('Delete');
    expect(chips()).toEqual(['in:paris']);
    await type('x');
    await press('Backspace');
    expect(chips()).toEqual(['in:paris']);
    expect(input.value).toBe('x');
  });

  it('removes a chip with its × and gives the box the focus back', async () => {
    const { input, type, chips } = setup();
    await type('in:paris in:rome ');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove in:paris' }));
    expect(chips()).toEqual(['in:rome']);
    expect(document.activeElement).toBe(input);
  });

  it('clears the typed words on Esc without letting the key reach the window', async () => {
    const { query, type, input } = setup();
    await type('red');
    const seen = vi.fn();
    window.addEventListener('keydown', seen);
    await fireEvent.keyDown(input, { key: 'Escape' });
    window.removeEventListener('keydown', seen);
    expect(query.typed).toBe('');
    expect(seen).not.toHaveBeenCalled();
  });

  it('goes down to the results with the down arrow', async () => {
    const { press, onleave } = setup();
    await press('ArrowDown');
    expect(onleave).toHaveBeenCalledOnce();
  });
});

describe('SearchBox: examples and files', () => {
  it('shows the examples of "Find similar" as one chip, however many photos, and counter-examples in the same chip', async () => {
    const { query, chips } = setup();
    query.findSimilar(
      Array.from({ length: 5000 }, (_, i) => i + 1),
      null,
    );
    await Promise.resolve();
    expect(chips()).toEqual(['5,000 examples']);
    query.addCounterExamples([9001, 9002]);
    await Promise.resolve();
    expect(chips()).toEqual(['5,000 examples, 2 counter-examples']);
    const chip = screen.getByTestId('query-chip');
    expect(chip.dataset.kind).toBe('examples');
    expect(within(chip).getByTestId('chip-thumb').querySelector('img')?.getAttribute('src')).toBe('/thumb/1');
  });

  it('explains in a browser that a dropped image cannot be searched by, and adds no chip', async () => {
    const { chips, onnotice } = setup('browser');
    const file = new File([new Uint8Array([1])], 'holiday.jpg', { type: 'image/jpeg' });
    await fireEvent.drop(screen.getByTestId('search-box'), { dataTransfer: { files: [file], types: ['Files'] } });
    expect(chips()).toEqual([]);
    expect(onnotice).toHaveBeenCalledWith(expect.stringContaining('desktop app'));
  });

  it('adds a dropped image as a file chip where the platform gives its path, and toggles it to "not"', async () => {
    const { query, chips, onnotice } = setup('desktop', (f) => `/home/me/${f.name}`);
    const file = new File([new Uint8Array([1])], 'holiday.jpg', { type: 'image/jpeg' });
    await fireEvent.drop(screen.getByTestId('search-box'), { dataTransfer: { files: [file], types: ['Files'] } });
    expect(chips()).toEqual(['holiday.jpg']);
    expect(screen.getByTestId('query-chip').dataset.kind).toBe('file');
    expect(onnotice).not.toHaveBeenCalled();
    expect(query.request.terms).toEqual([{ kind: 'file', path: '/home/me/holiday.jpg', weight: 1 }]);
    await fireEvent.click(screen.getByTestId('chip-negate'));
    expect(chips()).toEqual(['not holiday.jpg']);
  });

  it('offers the balance between words and images only when both are in the query', async () => {
    const { query, type } = setup();
    query.findSimilar([7], 'IMG_7.jpg');
    await Promise.resolve();
    expect(screen.queryByTestId('weight-slider')).toBeNull();
    await type('at night');
    expect(screen.getByTestId('weight-slider')).toBeTruthy();
    expect(query.request.descriptionWeight).toBeCloseTo(0.5);
    expect(query.request.examples?.weight).toBe(1);
  });
});
