import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../../../src-renderer/App.svelte';
import type { IndexProgress } from '../../../../src-main/core/api/contract.ts';
import { ApiError } from '../../../../src-renderer/lib/api/api-error.ts';
import type { ClientMode } from '../../../../src-renderer/lib/api/client.ts';
import { emptyStatus, fakeClient, hit, type FakeClient } from './fake-client.ts';

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
  await screen.findByTestId('results-grid');
  return view;
}

const selected = () =>
  screen
    .queryAllByTestId('result-tile')
    .filter((t) => t.dataset.selected === 'true')
    .map((t) => Number(t.dataset.id));
const key = (target: Element | Document | Window, init: KeyboardEventInit) => fireEvent.keyDown(target, init);

afterEach(() => {
  vi.useRealTimers();
});

describe('App: searching', () => {
  it('searches once, a quarter second after the last keystroke', async () => {
    const { api, input } = await open(fakeClient({ hits: HITS }), 'browser');
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
    expect(api.search).toHaveBeenCalledWith({ terms: [{ kind: 'text', text: 'red', weight: 1 }], filters: {}, k: 500 });
  });

  it('searches again, debounced, when a negative chip is added', async () => {
    const { api, input } = await open(fakeClient({ hits: HITS }), 'browser');
    vi.useFakeTimers();
    await fireEvent.input(input, { target: { value: 'red' } });
    await key(input, { key: 'Enter' });
    await fireEvent.input(input, { target: { value: '-circle' } });
    await key(input, { key: 'Enter' });
    await vi.advanceTimersByTimeAsync(250);
    expect(api.search).toHaveBeenCalledOnce();
    expect(vi.mocked(api.search).mock.calls[0][0].terms).toEqual([
      { kind: 'text', text: 'red', weight: 1 },
      { kind: 'text', text: 'circle', weight: -0.5 },
    ]);
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
