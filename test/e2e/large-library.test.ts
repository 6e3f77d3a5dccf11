/// <reference lib="dom" />
/**
 * The interface against an engine stand-in with 100,000 photos: indexing
 * progress arriving over server-sent events (with pause and resume), the
 * timeline of the whole library and a query's 100,000 results, each scrolled
 * from the first photo to the last. The stand-in answers instantly, so what is
 * tested is the interface alone; how fast it is, is measured by
 * `npm run bench -- --sections ui` (bench/sections/ui.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DayRun, IndexProgress, LibraryStatus, OperationName, SearchHit, SearchInput, SearchResult } from '../../src-main/core/api/contract.ts';
import { operations } from '../../src-main/core/api/contract.ts';
import { EngineEventBus } from '../../src-main/core/api/events.ts';
import { LibraryError, MediaError } from '../../src-main/core/errors.ts';
import type { ServedEngine } from '../../src-main/server/engine.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { launchBrowser, openPage, screenshot, type WatchedPage, sessionHooks } from './browser.ts';

const PHOTOS = 100_000;

const progress = (p: Partial<IndexProgress>): IndexProgress => ({
  phase: 'embedding',
  found: 1000,
  toEmbed: 1000,
  embedded: 0,
  reused: 0,
  removed: 0,
  failed: 0,
  unchanged: PHOTOS - 1000,
  offline: [],
  photosPerSecond: 0,
  etaSeconds: null,
  paused: false,
  ...p,
});

/** Photos a day in the stand-in library: 100,000 photos over about ten years. */
const PER_DAY = 27;
/** Matches of any query: the first 100 of the list. */
const MATCHES = 100;

/** The calendar day of photo i of the timeline (newest first), counting back from 1 January 2024. */
function dayOf(i: number): string {
  return new Date(Date.UTC(2024, 0, 1) - Math.floor(i / PER_DAY) * 86_400_000).toISOString().slice(0, 10);
}

const TIMELINE_DAYS: DayRun[] = Array.from({ length: Math.ceil(PHOTOS / PER_DAY) }, (_, d) => ({
  day: dayOf(d * PER_DAY),
  count: Math.min(PER_DAY, PHOTOS - d * PER_DAY),
}));

function hit(i: number, listing: boolean): SearchHit {
  return {
    id: i + 1,
    path: `/photos/${String(i + 1).padStart(6, '0')}.jpg`,
    folder: '/photos',
    width: 640,
    height: 480,
    format: 'jpeg',
    size: 123_456,
    takenAt: null,
    takenLocal: `${dayOf(i)}T12:00:00`,
    dateSource: 'exif',
    camera: null,
    latitude: null,
    longitude: null,
    score: listing ? null : 1 - i / PHOTOS,
    match: listing || i < MATCHES,
    relevance: listing ? 0 : Math.round(100 * (1 - i / PHOTOS)),
    strength: !listing && i < MATCHES ? 'strong' : 'weak',
    reasons: listing ? [] : [{ source: 'visual', text: `looks like the query (${i < MATCHES ? 'strong' : 'weak'})` }],
  };
}

/** What the engine answers: the timeline for an empty query, else 100 matches among 100,000; a page of `k` from `offset`. */
function answer(input: SearchInput): SearchResult {
  const listing = !input.description && !input.examples?.like?.length;
  const offset = input.offset ?? 0;
  const k = input.k ?? 50;
  const hits = Array.from({ length: Math.max(0, Math.min(k, PHOTOS - offset)) }, (_, j) => hit(offset + j, listing));
  return {
    hits,
    matches: listing ? PHOTOS : MATCHES,
    total: PHOTOS,
    offset,
    ...(listing && offset === 0 ? { days: TIMELINE_DAYS } : {}),
    model: 'Stand-in model',
    unindexed: 0,
    tookMs: 3,
  };
}

/** A photo whose file went bad after indexing: its thumbnail cannot be made. */
const UNREADABLE_ID = 2;

/** An engine with a library of 100,000 photos whose indexing run the test drives by hand. */
function largeEngine(thumbnail: string) {
  const events = new EngineEventBus();
  const calls: OperationName[] = [];
  const searches: SearchInput[] = [];
  let finishRun: ((p: IndexProgress) => void) | null = null;
  let current: IndexProgress | null = null;
  const status = (): LibraryStatus => ({
    libraryDir: '/library',
    folders: [{ path: '/photos', photos: PHOTOS, online: true, reason: null, lastScanAt: null }],
    photos: PHOTOS,
    model: { id: 'stand-in', name: 'Stand-in model', dir: '/models/stand-in', dim: 16 },
    modelProblem: null,
    coverage: [],
    index: { state: 'ok', detail: null, vectors: PHOTOS },
    failures: [],
    indexing: current,
    cpu: { model: 'Test CPU', arch: 'x64', flags: null, int8Kernel: 'exact' },
    textReading: { enabled: true, model: 'pp-ocrv4-mobile', read: 0, withText: 0, failed: 0 },
  });
  const handlers: Partial<Record<OperationName, (input: never) => Promise<unknown>>> = {
    status: async () => status(),
    search: async (input: SearchInput) => {
      searches.push(input);
      return answer(input);
    },
    index: () => new Promise<IndexProgress>((resolve) => (finishRun = resolve)),
    pauseIndexing: async () => current,
    resumeIndexing: async () => current,
    // The sidebar and the lightbox ask for these; the stand-in library has no albums, labels or words.
    albums: async () => [],
    labels: async () => [],
    categories: async () => [],
    photoLabels: async () => [],
    photoText: async () => ({ status: 'unread', reason: null, modelId: null, lines: [], matched: [] }),
  };
  const api = Object.fromEntries(
    Object.keys(operations).map((name) => [
      name,
      (input: never) => {
        calls.push(name as OperationName);
        const handler = handlers[name as OperationName];
        return handler ? handler(input) : Promise.reject(new Error(`${name} is not part of this test`));
      },
    ]),
  );
  const engine = Object.assign(api, {
    events,
    // Every photo of the stand-in library is the one small JPEG, indexed as it is now.
    indexedFile: (id: number) => {
      if (id < 1 || id > PHOTOS) return null;
      const stat = fs.statSync(thumbnail);
      return { path: thumbnail, size: stat.size, mtimeMs: stat.mtimeMs, folders: [path.dirname(thumbnail)] };
    },
    thumbnailFile: async (id: number) => {
      if (id < 1 || id > PHOTOS) throw new LibraryError('not-found', String(id), `Photo ${id} is not in the library.`);
      if (id === UNREADABLE_ID) throw new MediaError('decode-failed', hit(id - 1, false).path, 'corrupt or truncated image');
      return thumbnail;
    },
  }) as unknown as ServedEngine;
  return {
    engine,
    calls,
    searches,
    report(p: IndexProgress) {
      current = p;
      events.emit('index-progress', p);
    },
    finish(p: IndexProgress) {
      current = null;
      events.emit('index-progress', p);
      finishRun?.(p);
      events.emit('library-changed', { reason: 'indexed' });
    },
  };
}

let root: string;
let stand: ReturnType<typeof largeEngine>;
let server: RunningServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  const built = ensureRendererBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-large-'));
  const thumbnail = path.join(root, 'thumb.jpg');
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 120, b: 160 } } })
    .jpeg()
    .toFile(thumbnail);
  stand = largeEngine(thumbnail);
  await built;
  server = await startServer({ service: stand.engine, port: 0, rendererDir: RENDERER_OUT });
  browser = await launchBrowser();
  watched = await openPage(browser);
  page = watched.page;
  page.setDefaultTimeout(30_000);
  await page.goto(server.url);
  await page.getByTestId('library-bar').waitFor();
});

sessionHooks('large-library', () => ({ page, browser, server, cleanup: () => root && fs.rmSync(root, { recursive: true, force: true }) }));

describe('the library bar while indexing', () => {
  it('shows the count, then progress with rate and ETA as events arrive', async () => {
    expect(await page.getByTestId('photo-count').textContent()).toBe('100,000 photos');
    await page.getByTestId('reindex-button').click();
    await expect.poll(() => stand.calls.includes('index')).toBe(true);

    stand.report(progress({ phase: 'scanning', found: 420, toEmbed: 0 }));
    await page.getByTestId('progress-count').filter({ hasText: 'Looking for photos… 420 found' }).waitFor();

    stand.report(progress({ embedded: 250, photosPerSecond: 7.5, etaSeconds: 60 }));
    await page.getByTestId('progress-count').filter({ hasText: 'Embedding 250 of 1,000 (25%)' }).waitFor();
    expect(await page.getByTestId('progress-bar').getAttribute('aria-valuenow')).toBe('25');
    expect(await page.getByTestId('progress-rate').textContent()).toBe('7.5 photos/s');
    expect(await page.getByTestId('progress-eta').textContent()).toBe('1 min left');
    expect(await page.getByTestId('reindex-button').isDisabled()).toBe(true);
    await screenshot(page, '14-indexing-progress');
  });

  it('pauses and resumes', async () => {
    await page.getByTestId('pause-indexing').click();
    await expect.poll(() => stand.calls.includes('pauseIndexing')).toBe(true);
    await page.getByTestId('resume-indexing').waitFor();
    expect(await page.getByTestId('progress-eta').textContent()).toBe('paused');
    stand.report(progress({ embedded: 250, paused: true }));
    await page.getByTestId('resume-indexing').click();
    await expect.poll(() => stand.calls.includes('resumeIndexing')).toBe(true);
    await page.getByTestId('pause-indexing').waitFor();
  });

  it('reaches 100% and says it is done', async () => {
    stand.report(progress({ embedded: 990, failed: 10, photosPerSecond: 14, etaSeconds: 0 }));
    await page.getByTestId('progress-count').filter({ hasText: 'Embedding 1,000 of 1,000 (100%)' }).waitFor();
    expect(await page.getByTestId('progress-bar').getAttribute('aria-valuenow')).toBe('100');
    stand.finish(progress({ phase: 'done', embedded: 990, failed: 10 }));
    const done = page.getByTestId('index-done');
    await done.waitFor();
    expect(await done.innerText()).toContain('990 photos added, 10 files could not be read');
  });
});

describe('the timeline of 100,000 photos', () => {
  const tileCount = () => page.getByTestId('result-tile').count();
  const grid = () => page.getByTestId('results-grid');

  it('is what the empty box shows: every photo under month and day headers, with few tiles in the page', async () => {
    await page.getByTestId('results-count').filter({ hasText: '100,000 photos' }).waitFor();
    await page.getByTestId('day-header').first().waitFor();
    expect(await page.getByTestId('month-header').first().textContent()).toMatch(/^January 2024\s*27 photos/);
    expect(await tileCount()).toBeLessThan(150);
    expect(Number(await grid().getAttribute('data-rendered'))).toBeLessThan(200);
  });

  it('reaches its last photo and any day in between, reading only the pages in view', async () => {
    const before = stand.searches.length;
    await grid().evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator(`[data-testid="result-tile"][data-index="${PHOTOS - 1}"]`).waitFor();
    expect(await tileCount()).toBeLessThan(150);
    await grid().evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    await expect
      .poll(async () => {
        const indices = await page.$$eval('[data-testid="result-tile"]', (els) => els.map((e) => Number((e as HTMLElement).dataset.index)));
        return indices.length > 0 && indices.length < 150 && indices.some((i) => Math.abs(i - PHOTOS / 2) < 1000);
      })
      .toBe(true);
    // A few pages around each place, not the 500 pages of the whole list.
    expect(stand.searches.length - before).toBeLessThan(20);
    await grid().evaluate((el) => el.scrollTo({ top: 0 }));
  });

  it('selects all 100,000 at once, as one range', async () => {
    await grid().focus();
    await page.keyboard.press('Control+a');
    await page.getByTestId('selection-count').filter({ hasText: '100,000 selected' }).waitFor();
    expect(await page.locator('[data-testid="result-tile"][data-selected="false"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('selection-count').waitFor({ state: 'hidden' });
  });
});

describe('100,000 results', () => {
  const tileCount = () => page.getByTestId('result-tile').count();
  const grid = () => page.getByTestId('results-grid');

  it('shows the matches first, each with its strength, and a broken state for a thumbnail that cannot be made', async () => {
    await page.getByTestId('search-input').fill('anything at all');
    await page.getByTestId('results-count').filter({ hasText: '100 matches for anything at all' }).waitFor();
    expect(await tileCount()).toBeLessThan(150);
    expect(await page.locator('[data-testid="result-tile"][data-index="0"] [data-testid="tile-strength"]').textContent()).toBe('strong');
    const broken = page.locator(`[data-testid="result-tile"][data-id="${UNREADABLE_ID}"] [data-testid="thumb"]`);
    await expect.poll(() => broken.getAttribute('data-state')).toBe('broken');
    expect(await broken.textContent()).toContain('Cannot show this photo');
    expect(await page.locator(`[data-testid="result-tile"][data-id="1"] [data-testid="thumb"]`).getAttribute('data-state')).toBe('loaded');
    // Asked for each time the photo is shown (in the timeline, then in the results): a failed image is not cached.
    expect([...new Set(watched.problems)]).toEqual([`HTTP 422 GET /api/thumb/${UNREADABLE_ID}`]);
    watched.problems.length = 0;
  });

  it('expands the 99,900 weaker matches and pages through them to the last one, keeping only visible rows in the page', async () => {
    await grid().evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.getByTestId('show-weaker').click();
    await page.getByTestId('weaker-header').waitFor();
    expect(await page.getByTestId('weaker-count').textContent()).toBe('and 99,900 weaker matches');
    await grid().evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator(`[data-testid="result-tile"][data-index="${PHOTOS - 1}"]`).waitFor();
    expect(await tileCount()).toBeLessThan(150);
    await screenshot(page, '15-end-of-100k');
  });

  it('goes to the last photo with End and opens it with Enter', async () => {
    await grid().focus();
    await page.keyboard.press('End');
    await page.locator('[data-testid="result-tile"][data-index="99999"][data-selected="true"]').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('lightbox-position').filter({ hasText: '100,000 of 100,000' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'hidden' });
  });

  it('ran without script errors, CSP violations or failed requests', () => {
    expect(watched.problems).toEqual([]);
  });
});
