/// <reference lib="dom" />
/**
 * Search that learns from examples (issue 11) end to end, in Chromium against the real
 * engine: a generated library of a few hundred photos whose colour and pattern are known
 * (the tiny model reads both), plus a set of originals with their near-duplicate copies.
 * Three photos chosen -> "Find similar" -> one chip; a thumbs-down moves a photo down the
 * list and keeps it marked; undo; "Show where" over the lightbox's photo; the Duplicates
 * view shows a generated group. Screenshots of the marks, the Duplicates view and the map
 * at 1280x720 and 2560x1440, light and dark, go to test-results/screenshots/learn.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchInput, SearchResult } from '../../src-main/core/api/contract.ts';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { writeDuplicateSet, type DuplicatePhoto } from '../fixtures/duplicate-set.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import type { Colour, Pattern } from '../fixtures/scenes.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { SCREENSHOTS, launchBrowser, openPage, type WatchedPage, sessionHooks } from './browser.ts';

const SCENES = 180;
const COLOURS: readonly Colour[] = ['red', 'green', 'blue'];
const PATTERNS: readonly Pattern[] = ['plain', 'circle', 'stripes'];
const OUT = path.join(SCREENSHOTS, 'learn');
const SIZES = [
  { name: '1280x720', width: 1280, height: 720 },
  { name: '2560x1440', width: 2560, height: 1440 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

let root: string;
let duplicates: DuplicatePhoto[];
let service: PhotoSearchService;
let server: RunningServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
/** Every search the page sent, and every answer, in order. */
const searches: SearchInput[] = [];
const answers: Array<{ input: SearchInput; result: SearchResult }> = [];

const input = (p = page) => p.getByTestId('search-input');
const count = (p = page) => p.getByTestId('results-count');
const chips = (p = page) => p.getByTestId('query-chip');
const tile = (index: number, p = page) => p.locator(`[data-testid="result-tile"][data-index="${index}"]`);

async function shot(target: Page, name: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await target.screenshot({ path: path.join(OUT, `${name}.png`) });
}

async function thumbsSettled(target: Page, scope = '[data-testid="result-tile"]'): Promise<void> {
  const thumbs = target.locator(`${scope} [data-testid="thumb"]`);
  await expect
    .poll(() => thumbs.evaluateAll((els) => els.length > 0 && els.every((el) => (el as HTMLElement).dataset.state !== 'loading')), { timeout: 20_000 })
    .toBe(true);
}

async function typeQuery(text: string, p = page): Promise<void> {
  await input(p).fill(text);
  await input(p).press('Enter');
}

async function clearQuery(p = page): Promise<void> {
  await input(p).fill('');
  while ((await chips(p).count()) > 0) await input(p).press('Backspace');
}

/** The ids of the first page of the last answer to a search with these feedback marks. */
function lastAnswerIds(feedback: { up: number[]; down: number[] } | undefined): number[] {
  const answer = answers.findLast((a) => JSON.stringify(a.input.feedback ?? null) === JSON.stringify(feedback ?? null) && (a.input.offset ?? 0) === 0);
  return answer?.result.hits.map((h) => h.id) ?? [];
}

beforeAll(async () => {
  const built = ensureRendererBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-learn-e2e-'));
  const dir = path.join(root, 'photos');
  const modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
  const scenes = Array.from(
    { length: SCENES },
    (_, i) => () =>
      writeJpegScene(path.join(dir, 'scenes', `scene-${String(i).padStart(3, '0')}.jpg`), {
        colour: COLOURS[i % 3],
        pattern: PATTERNS[Math.floor(i / 3) % 3],
        width: 160 + (i % 5) * 8,
        height: 120 + (i % 3) * 8,
        phase: (i % 4) / 4,
      }),
  );
  for (let i = 0; i < scenes.length; i += 16) await Promise.all(scenes.slice(i, i + 16).map((write) => write()));
  duplicates = (await writeDuplicateSet(path.join(dir, 'copies'), { withCopies: 2, singles: 2 })).map((d) => ({ ...d, file: fs.realpathSync(d.file) }));
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir, intraOpThreads: 1 });
  await service.index({ paths: [dir] });
  await built;
  server = await startServer({ service, port: 0, rendererDir: RENDERER_OUT });
  browser = await launchBrowser();
  watched = await openPage(browser);
  page = watched.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  page.setDefaultTimeout(30_000);
  page.on('response', async (res) => {
    if (new URL(res.url()).pathname !== '/api/search' || res.status() !== 200) return;
    const sent = JSON.parse(res.request().postData() ?? '{}') as SearchInput;
    searches.push(sent);
    answers.push({ input: sent, result: (await res.json()) as SearchResult });
  });
}, 600_000);

sessionHooks('learn', () => ({ page, browser, server, service, cleanup: () => root && fs.rmSync(root, { recursive: true, force: true }) }));

describe('more like these', () => {
  it('turns three chosen photos into exactly one chip, "3 examples"', async () => {
    await page.goto(server.url);
    await count()
      .filter({ hasText: /photos/ })
      .waitFor();
    await typeQuery('blue circle');
    await count()
      .filter({ hasText: /matches for blue circle/ })
      .waitFor();
    await tile(0).click();
    await tile(1).click({ modifiers: ['Control'] });
    await tile(2).click({ modifiers: ['Control'] });
    await page.getByTestId('selection-count').filter({ hasText: '3 selected' }).waitFor();
    const ids = await Promise.all([0, 1, 2].map(async (i) => Number(await tile(i).getAttribute('data-id'))));
    await page.getByTestId('selection-find-similar').click();
    await count()
      .filter({ hasText: /for like 3 photos/ })
      .waitFor();
    expect(await chips().count()).toBe(1);
    expect(await page.getByTestId('chip-label').textContent()).toBe('3 examples');
    expect(searches.at(-1)?.examples?.like?.slice().sort()).toEqual(ids.slice().sort());
  });
});

describe('relevance feedback', () => {
  it('a thumbs-down moves the photo down the list, keeps it in the list and marked, and the chip says so', async () => {
    await clearQuery();
    await typeQuery('blue');
    await count()
      .filter({ hasText: /matches for blue/ })
      .waitFor();
    await thumbsSettled(page);
    const before = lastAnswerIds(undefined);
    const first = Number(await tile(0).getAttribute('data-id'));
    expect(before[0]).toBe(first);
    await tile(0).hover();
    await tile(0).getByTestId('mark-down').click();
    await page.getByTestId('query-chip').filter({ hasText: '1 not liked' }).waitFor();
    await expect.poll(() => lastAnswerIds({ up: [], down: [first] }).length).toBeGreaterThan(0);
    const after = lastAnswerIds({ up: [], down: [first] });
    // Still in the list, further down.
    expect(after.indexOf(first)).toBeGreaterThan(0);
    await expect.poll(async () => Number(await tile(0).getAttribute('data-id'))).not.toBe(first);
    const marked = page.locator(`[data-testid="result-tile"][data-id="${first}"]`);
    if ((await marked.count()) > 0) expect(await marked.getAttribute('data-mark')).toBe('down');
  });

  it('+ on the focused photo likes it, Ctrl+Z takes it back, and Clear feedback takes every mark away', async () => {
    await page.getByTestId('results-grid').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    const id = Number(await page.locator('[data-testid="result-tile"].cursor').getAttribute('data-id'));
    await page.keyboard.press('+');
    await page.getByTestId('query-chip').filter({ hasText: '1 liked, 1 not liked' }).waitFor();
    await expect.poll(() => searches.at(-1)?.feedback?.up).toEqual([id]);
    await thumbsSettled(page);
    await page.locator(`[data-testid="result-tile"][data-id="${id}"]`).hover();
    await shot(page, 'feedback-1280x720-light');
    await page.getByTestId('results-grid').focus();
    await page.keyboard.press('Control+z');
    await page
      .getByTestId('query-chip')
      .filter({ hasText: /^\s*1 not liked\s*$/ })
      .waitFor();
    await page.getByTestId('feedback-clear').click();
    await expect.poll(() => chips().count()).toBe(0);
    await count()
      .filter({ hasText: /matches for blue$/ })
      .waitFor();
  });
});

describe('show where', () => {
  it('draws a map over the lightbox’s photo for the query’s words', async () => {
    await clearQuery();
    await typeQuery('red circle');
    await count()
      .filter({ hasText: /matches for red circle/ })
      .waitFor();
    await tile(0).dblclick();
    await page.getByTestId('lightbox').waitFor();
    await expect.poll(() => page.getByTestId('lightbox-image').getAttribute('data-state')).toBe('loaded');
    await page.getByTestId('where-toggle').click();
    const map = page.getByTestId('where-map');
    await map.waitFor();
    // The map lies on the photo as drawn (object-fit: contain): its shape, centred in the image element.
    const image = page.getByTestId('lightbox-image').locator('img');
    const frame = (await image.boundingBox())!;
    const natural = await image.evaluate((img) => ({ w: (img as HTMLImageElement).naturalWidth, h: (img as HTMLImageElement).naturalHeight }));
    const box = (await map.boundingBox())!;
    expect(Math.abs(box.width / box.height - natural.w / natural.h)).toBeLessThan(0.02);
    expect(Math.abs(box.x + box.width / 2 - (frame.x + frame.width / 2))).toBeLessThan(2);
    expect(Math.abs(box.y + box.height / 2 - (frame.y + frame.height / 2))).toBeLessThan(2);
    await shot(page, 'where-1280x720-light');
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'hidden' });
  });
});

describe('the Duplicates view', () => {
  it('shows a generated group of copies with the one to keep marked, and Esc returns to the photos', async () => {
    await page.getByTestId('duplicates-button').click();
    await page.getByTestId('duplicate-group').first().waitFor();
    const groups = await page
      .getByTestId('duplicate-group')
      .evaluateAll((els) => els.map((g) => Array.from(g.querySelectorAll<HTMLElement>('[data-testid="duplicate-member"]')).map((m) => m.dataset.path ?? '')));
    const truth = (group: number) =>
      duplicates
        .filter((d) => d.group === group)
        .map((d) => d.file)
        .sort();
    expect(groups.map((g) => g.slice().sort())).toContainEqual(truth(0));
    expect(await page.getByTestId('duplicate-keep').count()).toBe(groups.length);
    expect(await page.getByTestId('duplicates-browser-note').textContent()).toMatch(/desktop app/);
    await thumbsSettled(page, '[data-testid="duplicate-member"]');
    await shot(page, 'duplicates-1280x720-light');
    await page.keyboard.press('Escape');
    await page.getByTestId('results-grid').waitFor();
  });

  it('ran without script errors, CSP violations or failed requests', () => {
    expect(watched.problems).toEqual([]);
  });
});

describe('screenshots at other sizes and in dark mode', () => {
  it.each(SIZES.flatMap((size) => SCHEMES.map((scheme) => [size, scheme] as const)).filter(([s, c]) => !(s.name === '1280x720' && c === 'light')))(
    '%o %s',
    async (size, scheme) => {
      const other = await openPage(browser, { colorScheme: scheme });
      const p = other.page;
      p.setDefaultTimeout(30_000);
      await p.setViewportSize({ width: size.width, height: size.height });
      await p.goto(server.url);
      await count(p)
        .filter({ hasText: /photos/ })
        .waitFor();
      await typeQuery('blue', p);
      await count(p)
        .filter({ hasText: /matches for blue/ })
        .waitFor();
      await thumbsSettled(p);
      await tile(0, p).hover();
      await tile(0, p).getByTestId('mark-down').click();
      await p.getByTestId('query-chip').filter({ hasText: '1 not liked' }).waitFor();
      await tile(1, p).hover();
      await tile(1, p).getByTestId('mark-up').click();
      await p.getByTestId('query-chip').filter({ hasText: '1 liked, 1 not liked' }).waitFor();
      await thumbsSettled(p);
      await tile(2, p).hover();
      await shot(p, `feedback-${size.name}-${scheme}`);

      // A plain photo matches "blue" everywhere alike: the map is shown on a photo with a shape.
      await clearQuery(p);
      await typeQuery('red circle', p);
      await count(p)
        .filter({ hasText: /matches for red circle/ })
        .waitFor();
      await tile(0, p).dblclick();
      await expect.poll(() => p.getByTestId('lightbox-image').getAttribute('data-state')).toBe('loaded');
      await p.getByTestId('where-toggle').click();
      await p.getByTestId('where-map').waitFor();
      await shot(p, `where-${size.name}-${scheme}`);
      await p.keyboard.press('Escape');

      await p.getByTestId('duplicates-button').click();
      await p.getByTestId('duplicate-group').first().waitFor();
      await thumbsSettled(p, '[data-testid="duplicate-member"]');
      await shot(p, `duplicates-${size.name}-${scheme}`);
      expect(other.problems).toEqual([]);
      await other.context.close();
    },
    120_000,
  );
});
