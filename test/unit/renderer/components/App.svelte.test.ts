import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../../../../src-renderer/App.svelte';
import type { IndexProgress, SearchResult } from '../../../../src-main/core/api/contract.ts';
import { ApiError } from '../../../../src-renderer/lib/api/api-error.ts';
import type { ClientMode } from '../../../../src-renderer/lib/api/client.ts';
import { emptyStatus, fakeClient, hit, readyStatus, type FakeClient } from './fake-client.ts';

const progress = (p: Partial<IndexProgress>): IndexProgress => ({
  phase: 'embedding',
  found: 100,
  toEmbed: 100,
  embedded: 0,
  reused: 0,
  removed: 0,
  failed: 0,
  unchanged: 0,
  offline: [],
  photosPerSecond: 2,
  etaSeconds: 30,
  paused: false,
  ...p,
});

const HITS = [hit(11, '/photos/Family/red-plain.jpg'), hit(12, '/photos/Family/red-circle.jpg'), hit(13, '/photos/Trips/2021/red-stripes.jpg')];

async function open(api: FakeClient, mode: ClientMode) {
  render(App, { client: { api, mode } });
  const input = (await screen.findByTestId('search-input')) as HTMLInputElement;
  return { api, input, grid: () => screen.getByTestId('results-grid') };
}

/** The main view with results for "red" on screen. */
async function withResults(mode: ClientMode = 'browser') {
  const view = await open(fakeClient({ hits: HITS, actions: mode === 'desktop' ? {} : undefined }), mode);
  await fireEvent.input(view.input, { target: { value: 'red' } });
  await waitFor(() => expect(screen.getByTestId('results-count').textContent).toMatch(/for/));
  return view;
}

const selected = () =>
  screen
    .queryAllByTestId('result-tile')
    .filter((t) => t.dataset.selected === 'true')
    .map((t) => Number(t.dataset.id));
const key = (target: Element | Document | Window, init: KeyboardEventInit) => fireEvent.keyDown(target, init);
const lastSearch = (api: FakeClient) => vi.mocked(api.search).mock.calls.at(-1)![0];
const chipLabels = () => screen.queryAllByTestId('chip-label').map((c) => c.textContent);

// jsdom lays nothing out: the grid is given the height of a window, so what a window would show is rendered.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(1000);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('App: the timeline', () => {
  it('lists the whole library, newest first, grouped by month and day, as soon as it opens', async () => {
    const days = [
      { day: '2021-06-02', count: 2 },
      { day: '2021-05-30', count: 1 },
    ];
    const api = fakeClient({ hits: HITS, days });
    await open(api, 'browser');
    await screen.findByTestId('results-grid');
    expect(api.search).toHaveBeenCalledOnce();
    expect(lastSearch(api)).toEqual({ terms: [], filters: {}, phrases: [], dateWords: [], sort: 'relevance', k: 200, offset: 0 });
    expect(screen.getByTestId('results-count').textContent?.trim()).toBe('3 photos');
    expect(screen.getAllByTestId('month-header').map((h) => h.dataset.count)).toEqual(['2', '1']);
    expect(screen.getAllByTestId('day-header').map((h) => h.textContent)).toEqual([
      expect.stringMatching(/Wednesday.*2 photos/),
      expect.stringMatching(/Sunday.*1 photo$/),
    ]);
    expect(screen.queryAllByTestId('tile-strength')).toEqual([]);
    // The timeline has no relevance: its order is by date.
    expect((screen.getByTestId('sort-select') as HTMLSelectElement).value).toBe('newest');
  });

  it('follows an index run: the list and the photo count are read again, at most every two seconds, while photos are added', async () => {
    const api = fakeClient({ hits: HITS });
    await open(api, 'browser');
    await screen.findByTestId('results-grid');
    vi.useFakeTimers();
    const before = vi.mocked(api.search).mock.calls.length;
    for (let embedded = 10; embedded <= 50; embedded += 10) {
      api.emit('index-progress', progress({ embedded }));
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(vi.mocked(api.search).mock.calls.length).toBe(before);
    vi.mocked(api.status).mockResolvedValue({ ...(await api.status({})), photos: 50 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(vi.mocked(api.search).mock.calls.length).toBe(before + 1);
    expect(screen.getByTestId('photo-count').textContent).toBe('50 photos');
  });
});

describe('App: searching', () => {
  it('searches once, a quarter second after the last keystroke', async () => {
    const { api, input } = await open(fakeClient({ hits: HITS }), 'browser');
    await screen.findByTestId('results-grid');
    vi.mocked(api.search).mockClear();
    vi.useFakeTimers();
    for (const typed of ['r', 're', 'red']) {
      await fireEvent.input(input, { target: { value: typed } });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(api.search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(149);
    expect(api.search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(api.search).toHaveBeenCalledOnce();
    expect(lastSearch(api)).toEqual({ description: 'red', terms: [], filters: {}, phrases: [], dateWords: [], sort: 'relevance', k: 200, offset: 0 });
  });

  it('never shows the answer to an older query under a newer one', async () => {
    const api = fakeClient({ hits: HITS });
    const { input } = await open(api, 'browser');
    await screen.findByTestId('results-grid');
    const slow: Array<(r: SearchResult) => void> = [];
    vi.mocked(api.search).mockImplementation((req) => {
      if (req.description === 'red') return new Promise((resolve) => slow.push(resolve));
      return Promise.resolve({ hits: [HITS[2]], matches: 1, total: 3, offset: 0, model: 'tiny', unindexed: 0, tookMs: 1 });
    });
    await fireEvent.input(input, { target: { value: 'red' } });
    await key(input, { key: 'Enter' });
    await fireEvent.input(input, { target: { value: 'blue' } });
    await key(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('results-query').textContent).toBe('blue'));
    slow[0]({ hits: HITS, matches: 3, total: 3, offset: 0, model: 'tiny', unindexed: 0, tookMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByTestId('results-query').textContent).toBe('blue');
    expect(screen.getAllByTestId('result-tile').map((t) => Number(t.dataset.id))).toEqual([13]);
  });

  it('says how many photos match, shows strength on each, and expands the weaker matches on request', async () => {
    const hits = [hit(1, '/p/a.jpg'), hit(2, '/p/b.jpg'), { ...hit(3, '/p/c.jpg'), match: false, strength: 'weak' as const }];
    const { input } = await open(fakeClient({ hits, matches: 2 }), 'browser');
    await fireEvent.input(input, { target: { value: 'red' } });
    await waitFor(() => expect(screen.getByTestId('results-count').textContent?.trim()).toBe('2 matches for red'));
    expect(screen.getAllByTestId('result-tile').map((t) => t.dataset.strength)).toEqual(['good', 'good']);
    const more = screen.getByTestId('show-weaker');
    expect(more.textContent?.trim()).toBe('Show 1 weaker match');
    await fireEvent.click(more);
    expect(screen.getAllByTestId('result-tile').map((t) => Number(t.dataset.id))).toEqual([1, 2, 3]);
    expect(screen.getByTestId('weaker-header').dataset.count).toBe('1');
    expect(screen.getByTestId('weaker-count').textContent).toBe('and 1 weaker match');
  });

  it('says "No close matches" for a query nothing stands out for, and offers the weaker ones', async () => {
    const hits = HITS.map((h) => ({ ...h, match: false, strength: 'weak' as const }));
    const { input } = await open(fakeClient({ hits, matches: 0 }), 'browser');
    await fireEvent.input(input, { target: { value: 'qwzx vbnm' } });
    await waitFor(() => expect(screen.getByTestId('results-count').textContent?.trim()).toBe('No close matches for qwzx vbnm'));
    const none = screen.getByTestId('no-close-matches');
    expect(none.textContent).toContain('No close matches');
    expect(screen.getByTestId('results-count').textContent).toBe('No close matches for qwzx vbnm');
    expect(screen.queryAllByTestId('result-tile')).toEqual([]);
    await fireEvent.click(screen.getByTestId('show-weaker'));
    expect(screen.getAllByTestId('result-tile')).toHaveLength(3);
  });

  it('writes the order chosen in the sort control into the query', async () => {
    const { api, input } = await withResults();
    await fireEvent.change(screen.getByTestId('sort-select'), { target: { value: 'oldest' } });
    expect(chipLabels()).toEqual(['sort:oldest']);
    await waitFor(() => expect(lastSearch(api).sort).toBe('oldest'));
    expect(input.value).toBe('red');
  });
});

describe('App: Find similar', () => {
  it('starts a new search for one photo: the query becomes its example chip', async () => {
    const { api, input } = await withResults();
    await fireEvent.mouseEnter(screen.getAllByTestId('result-tile')[1]);
    await fireEvent.click(screen.getByTestId('find-similar'));
    expect(chipLabels()).toEqual(['red-circle.jpg']);
    expect(input.value).toBe('');
    await waitFor(() => expect(lastSearch(api).examples).toEqual({ like: [12], unlike: [], weight: 1 }));
    expect(lastSearch(api).description).toBeUndefined();
    expect(lastSearch(api).terms).toEqual([]);
  });

  it('makes one "N examples" chip of a whole selection, reading the photos not loaded yet, and sends them as examples', async () => {
    const many = Array.from({ length: 450 }, (_, i) => hit(i + 1, `/p/${i + 1}.jpg`));
    const api = fakeClient({ hits: many });
    const { input, grid } = await open(api, 'browser');
    await fireEvent.input(input, { target: { value: 'red' } });
    await waitFor(() => expect(screen.getByTestId('results-count').textContent?.trim()).toBe('450 matches for red'));
    await key(grid(), { key: 'a', ctrlKey: true });
    expect(screen.getByTestId('selection-count').textContent).toBe('450 selected');
    await fireEvent.click(screen.getByTestId('selection-find-similar'));
    await waitFor(() => expect(chipLabels()).toEqual(['450 examples']));
    await waitFor(() => expect(lastSearch(api).examples?.like).toHaveLength(450));
    const request = lastSearch(api);
    expect(request.examples?.like).toEqual(many.map((h) => h.id));
    expect(request.terms).toEqual([]);
    expect(screen.getAllByTestId('query-chip')).toHaveLength(1);
  });

  it('adds the selection as counter-examples to the example chip ("Not like these")', async () => {
    const { api } = await withResults();
    await fireEvent.mouseEnter(screen.getAllByTestId('result-tile')[0]);
    await fireEvent.click(screen.getByTestId('find-similar'));
    await waitFor(() => expect(lastSearch(api).examples?.like).toEqual([11]));
    await waitFor(() => expect(screen.getByTestId('results-count').textContent).toMatch(/like red-plain.jpg/));
    await fireEvent.click(screen.getAllByTestId('result-tile')[2], { ctrlKey: true });
    await fireEvent.click(screen.getByTestId('selection-not-like'));
    await waitFor(() => expect(chipLabels()).toEqual(['1 example, 1 counter-example']));
    await waitFor(() => expect(lastSearch(api).examples).toEqual({ like: [11], unlike: [13], weight: 1 }));
  });
});

describe('App: what the engine reports', () => {
  it('says whom an index run waits for', async () => {
    const { api } = await withResults();
    api.emit('index-progress', { ...progress({}), phase: 'waiting', waitingFor: 'process 1234 (photo-search.js), indexing since 14:03:12' });
    const waiting = await screen.findByTestId('index-waiting');
    expect(waiting.textContent).toContain('Waiting for another process: process 1234 (photo-search.js), indexing since 14:03:12');
  });

  it('lists the removals held for confirmation, and removes them only once the user confirmed', async () => {
    const held = [
      {
        folder: '/photos',
        photos: 120,
        of: 130,
        examples: ['/photos/a.jpg', '/photos/b.jpg'],
        reason: '120 of its 130 photos were not found: is the drive connected?',
      },
    ];
    const api = fakeClient({ hits: HITS, status: readyStatus({ heldRemovals: held }) });
    await open(api, 'browser');
    await fireEvent.click(await screen.findByTestId('held-button'));
    const item = screen.getByTestId('held-item');
    expect(item.textContent).toContain('120 of 130 photos would be removed');
    expect(item.textContent).toContain('is the drive connected?');
    expect(item.textContent).toContain('a.jpg, b.jpg');
    await fireEvent.click(screen.getByTestId('held-remove'));
    expect(api.index).not.toHaveBeenCalled();
    expect(screen.getByTestId('held-confirm-text').textContent).toContain('Remove 120 photos from the library?');
    await fireEvent.click(screen.getByTestId('held-confirm'));
    expect(api.index).toHaveBeenCalledWith({ allowRemovals: true });
  });
});

describe('App: selection keys', () => {
  it('selects every result with Ctrl+A or Cmd+A, and Esc clears the selection', async () => {
    const { grid } = await withResults();
    await key(grid(), { key: 'a', ctrlKey: true });
    expect(selected()).toEqual([11, 12, 13]);
    expect(screen.getByTestId('selection-count').textContent).toBe('3 selected');
    await key(grid(), { key: 'Escape' });
    expect(selected()).toEqual([]);
    await key(document.body, { key: 'A', metaKey: true, shiftKey: true });
    expect(selected()).toEqual([11, 12, 13]);
    await key(document.body, { key: 'Escape' });
    expect(selected()).toEqual([]);
  });

  it('leaves Ctrl+A to the search box while typing in it', async () => {
    const { input } = await withResults();
    const event = await key(input, { key: 'a', ctrlKey: true });
    expect(event).toBe(true);
    expect(selected()).toEqual([]);
  });

  it('does not select behind an open lightbox, and Esc closes the lightbox before it clears anything', async () => {
    const { grid } = await withResults();
    await key(grid(), { key: 'ArrowRight' });
    await key(grid(), { key: 'Enter' });
    const lightbox = await screen.findByTestId('lightbox');
    await key(lightbox, { key: 'a', ctrlKey: true });
    await key(lightbox, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('lightbox')).toBeNull());
    expect(selected()).toEqual([11]);
  });
});

describe('App: the lightbox and focus', () => {
  it('returns the focus to the grid, on the photo it showed', async () => {
    const { grid } = await withResults();
    await key(grid(), { key: 'ArrowRight' });
    await key(grid(), { key: 'ArrowRight' });
    await key(grid(), { key: 'Enter' });
    const lightbox = await screen.findByTestId('lightbox');
    expect(lightbox.dataset.id).toBe('12');
    expect(document.activeElement).toBe(lightbox);
    await fireEvent.click(screen.getByTestId('lightbox-close'));
    await waitFor(() => expect(screen.queryByTestId('lightbox')).toBeNull());
    expect(document.activeElement).toBe(grid());
    expect(grid().getAttribute('aria-activedescendant')).toBe('photo-12');
  });
});

describe('App: Ctrl/Cmd+K', () => {
  it('focuses the search box in a browser', async () => {
    const { input, grid } = await withResults('browser');
    grid().focus();
    const notPrevented = await key(grid(), { key: 'k', ctrlKey: true });
    expect(notPrevented).toBe(false);
    expect(document.activeElement).toBe(input);
  });

  it('is left to the menu in the desktop app, which sends `find` once', async () => {
    const { api, input, grid } = await withResults('desktop');
    grid().focus();
    const focus = vi.spyOn(input, 'focus');
    const notPrevented = await key(grid(), { key: 'k', ctrlKey: true });
    expect(notPrevented).toBe(true);
    expect(focus).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(grid());

    api.emit('find', {});
    expect(focus).toHaveBeenCalledOnce();
    expect(document.activeElement).toBe(input);
  });
});

describe('App: first launch', () => {
  it('offers the system folder picker in the desktop app', async () => {
    const chooseFolders = vi.fn(async () => ['/home/me/Pictures']);
    const api = fakeClient({ status: emptyStatus(), actions: { chooseFolders } });
    render(App, { client: { api, mode: 'desktop' } });
    await fireEvent.click(await screen.findByTestId('choose-folder-button'));
    await waitFor(() => expect(api.addFolders).toHaveBeenCalledWith({ paths: ['/home/me/Pictures'] }));
    expect(chooseFolders).toHaveBeenCalledOnce();
  });

  it('offers only the path field in a browser', async () => {
    render(App, { client: { api: fakeClient({ status: emptyStatus() }), mode: 'browser' } });
    await screen.findByTestId('setup');
    expect(screen.getByTestId('folder-path-input')).toBeTruthy();
    expect(screen.queryByTestId('choose-folder-button')).toBeNull();
  });
});

describe('App: a lost engine', () => {
  const unreachable = () => new ApiError('unreachable', 'photo-search serve is not answering. If you stopped it, start it again.');

  it('never shows the results of the last query under a new one that failed', async () => {
    const { api, input } = await withResults();
    expect(screen.getAllByTestId('result-tile')).toHaveLength(3);
    vi.mocked(api.search).mockRejectedValue(unreachable());
    await fireEvent.input(input, { target: { value: 'blue' } });
    await screen.findByText(/not answering/);
    expect(screen.queryAllByTestId('result-tile')).toHaveLength(0);
    expect(screen.queryByTestId('results-count')).toBeNull();
  });

  it('says the connection to serve is lost and what to do, stops showing progress as live, and catches up when it is back', async () => {
    const { api } = await withResults('browser');
    api.emit('index-progress', progress({ embedded: 40, toEmbed: 100 }));
    await screen.findByTestId('pause-indexing');

    api.emit('engine-status', { state: 'restarting', message: null, retryInMs: 500, reason: 'unreachable' });
    const notice = await screen.findByTestId('engine-status');
    expect(notice.textContent).toMatch(/Lost the connection to photo-search serve/);
    expect(notice.textContent).toMatch(/start it again/);
    expect(screen.queryByTestId('pause-indexing')).toBeNull();
    expect((await screen.findByTestId('index-cancelled')).textContent).toContain('40');

    const statusCalls = vi.mocked(api.status).mock.calls.length;
    const searchCalls = vi.mocked(api.search).mock.calls.length;
    api.emit('engine-status', { state: 'ready', message: null, retryInMs: null });
    await waitFor(() => expect(screen.queryByTestId('engine-status')).toBeNull());
    await waitFor(() => expect(vi.mocked(api.status).mock.calls.length).toBeGreaterThan(statusCalls));
    await waitFor(() => expect(vi.mocked(api.search).mock.calls.length).toBeGreaterThan(searchCalls));
  });

  it('says what to do when serve no longer accepts the page', async () => {
    const { api } = await withResults('browser');
    api.emit('engine-status', { state: 'stopped', message: null, retryInMs: 5000, reason: 'forbidden' });
    const notice = await screen.findByTestId('engine-status');
    expect(notice.textContent).toMatch(/no longer accepts/);
    expect(notice.textContent).toMatch(/Open the page it printed again/);
  });

  it('says in the desktop app that the engine stopped and restarts by itself', async () => {
    const { api } = await withResults('desktop');
    api.emit('engine-status', { state: 'restarting', message: 'The engine stopped: it exited with code 134.', retryInMs: 2000 });
    const notice = await screen.findByTestId('engine-status');
    expect(notice.textContent).toContain('The engine stopped: it exited with code 134.');
    expect(notice.textContent).toMatch(/starts again by itself in 2 s/);
    expect(notice.textContent).not.toMatch(/photo-search serve/);
  });
});
