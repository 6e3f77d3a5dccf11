/// <reference lib="dom" />
/**
 * Albums, labels and personal categories (issue 12) end to end, in Chromium against the
 * real engine: a generated library of 204 photos whose colour and pattern are known (the
 * tiny model reads both), indexed before the page opens. The tests share one page and run
 * in order, like one session: an album made from a name fills itself; an own label is
 * added, filtered by and corrected in the lightbox; four photos tagged as a new category
 * train a classifier whose cross-validated accuracy shows before it is applied, and the
 * category then filters the library as a label. Screenshots of the sidebar, the lightbox's
 * labels and the classifier panel, at 1280x720 and 2560x1440, light and dark, go to
 * test-results/screenshots/albums-and-labels.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { BLEND_GRID } from '../../src-main/core/learn/heads/personal-heads.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { COLOURS, PATTERNS, type Colour, type Pattern } from '../fixtures/scenes.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { SCREENSHOTS, launchBrowser, openPage, type WatchedPage, sessionHooks } from './browser.ts';

/** 17 photos of each colour and pattern. */
const PHOTOS = 204;
const OUT = path.join(SCREENSHOTS, 'albums-and-labels');
const SIZES = [
  { name: '1280x720', width: 1280, height: 720 },
  { name: '2560x1440', width: 2560, height: 1440 },
] as const;

interface Generated {
  file: string;
  colour: Colour;
  pattern: Pattern;
}

let root: string;
let generated: Generated[];
let service: PhotoSearchService;
let server: RunningServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

const input = () => page.getByTestId('search-input');
const chips = () => page.getByTestId('query-chip');
const count = () => page.getByTestId('results-count');
const byPath = new Map<string, Generated>();
const truth = (keep: (g: Generated) => boolean) => generated.filter(keep).length;

/** The number the results header gives ("51 photos · album:red"). */
async function shownCount(): Promise<number> {
  return Number((await count().textContent())!.match(/([\d,]+) photos?/)![1].replace(/,/g, ''));
}

/** The photos of the tiles in the page, in list order. */
async function tiles(): Promise<Generated[]> {
  const found = await page.$$eval('[data-testid="result-tile"]', (els) =>
    els.map((el) => ({ index: Number((el as HTMLElement).dataset.index), path: (el as HTMLElement).dataset.path ?? '' })),
  );
  return found.sort((a, b) => a.index - b.index).map((t) => byPath.get(t.path)!);
}

async function thumbsSettled(): Promise<void> {
  const thumbs = page.locator('[data-testid="result-tile"] [data-testid="thumb"]');
  await expect
    .poll(() => thumbs.evaluateAll((els) => els.length > 0 && els.every((el) => (el as HTMLElement).dataset.state !== 'loading')), { timeout: 20_000 })
    .toBe(true);
}

/** Waits until the results header counts `n` photos and no search is under way. */
async function resultsSay(n: number): Promise<void> {
  await expect.poll(shownCount, { timeout: 20_000 }).toBe(n);
  await page.locator('[data-testid="results-header"][aria-busy="false"]').waitFor();
}

async function clearQuery(): Promise<void> {
  await input().fill('');
  while ((await chips().count()) > 0) await input().press('Backspace');
}

/** The screen at each size and colour scheme, then back to 1280x720 light. */
async function shots(name: string, ready: () => Promise<void> = async () => {}): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  for (const size of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.emulateMedia({ colorScheme: scheme });
      // The grid lays itself out again for the new width on the next frames.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await ready();
      await page.screenshot({ path: path.join(OUT, `${name}-${size.name}-${scheme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  const built = ensureRendererBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-albums-e2e-'));
  const dir = path.join(root, 'photos');
  const modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
  const plans = Array.from({ length: PHOTOS }, (_, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pattern = PATTERNS[Math.floor(i / COLOURS.length) % PATTERNS.length];
    const taken = new Date(2023, 0, 1 - Math.floor(i / 20), 8 + (i % 12), i % 60);
    const file = path.join(dir, `photo-${String(i).padStart(3, '0')}.jpg`);
    const write = () => writeJpegScene(file, { colour, pattern, width: 96 + (i % 5) * 8, height: 72 + (i % 3) * 8, phase: (i % 4) / 4 }, { takenAt: taken });
    return { file, colour, pattern, write };
  });
  for (let i = 0; i < plans.length; i += 32) await Promise.all(plans.slice(i, i + 32).map((p) => p.write()));
  generated = plans.map((p) => ({ file: fs.realpathSync(p.file), colour: p.colour, pattern: p.pattern }));
  for (const g of generated) byPath.set(g.file, g);
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir, intraOpThreads: 1 });
  await service.index({ paths: [dir] });
  await built;
  server = await startServer({ service, port: 0, rendererDir: RENDERER_OUT });
  browser = await launchBrowser();
  watched = await openPage(browser);
  page = watched.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  page.setDefaultTimeout(30_000);
}, 600_000);

sessionHooks('albums', () => ({ page, browser, server, service, cleanup: () => root && fs.rmSync(root, { recursive: true, force: true }) }));

describe('a smart album from a name', () => {
  it('is made from the sidebar and fills itself with the photos that look like its name', async () => {
    await page.goto(server.url);
    await resultsSay(PHOTOS);
    // At 1280 px the sidebar starts folded, leaving the grid its room.
    const toggle = page.getByTestId('sidebar-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await page.getByTestId('album-new').click();
    await page.getByTestId('new-album-name').fill('red');
    await shots('new-album-dialog');
    await page.getByTestId('new-album-create').click();
    await page.getByTestId('new-album').waitFor({ state: 'detached' });

    // The album is listed with its count, and the results are its photos, under an album: chip.
    const red = truth((g) => g.colour === 'red');
    const item = page.locator('[data-testid="album-item"][data-name="red"]');
    await item.waitFor();
    const listed = Number((await item.getByTestId('album-count').textContent())!.replace(/,/g, ''));
    expect(Math.abs(listed - red) / red).toBeLessThanOrEqual(0.1);
    expect(await chips().allTextContents()).toEqual([expect.stringContaining('album:red')]);
    await resultsSay(listed);
    await thumbsSettled();
    const shown = await tiles();
    expect(shown.filter((g) => g.colour === 'red').length / shown.length).toBeGreaterThanOrEqual(0.9);
    expect(await item.getAttribute('class')).toContain('current');
    await shots('sidebar-albums', thumbsSettled);
  }, 120_000);

  it('takes a selected photo out, shows every photo again from "All photos", and puts a selected photo in', async () => {
    const before = await shownCount();
    const albumCount = async () => Number((await page.locator('[data-testid="album-item"][data-name="red"]').getByTestId('album-count').textContent())!);
    await page.locator('[data-testid="result-tile"][data-index="0"]').click();
    await page.getByTestId('album-remove-selected').click();
    await resultsSay(before - 1);
    await expect.poll(albumCount).toBe(before - 1);
    await page.getByTestId('album-all').click();
    await resultsSay(PHOTOS);
    expect(await chips().count()).toBe(0);
    await thumbsSettled();
    const green = (await tiles()).findIndex((g) => g.colour === 'green');
    await page.locator(`[data-testid="result-tile"][data-index="${green}"]`).click();
    expect(await page.getByTestId('add-to-album-choice').inputValue()).toBe('red');
    await page.getByTestId('add-to-album').click();
    await expect.poll(albumCount).toBe(before);
    await page.keyboard.press('Escape');
  });
});

describe('labels', () => {
  it('adds an own label to the vocabulary, which labels the library and filters it as a chip', async () => {
    await page.getByTestId('open-labels').click();
    await page.getByTestId('labels-add-input').fill('circle');
    await page.getByTestId('labels-add').click();
    const row = page.locator('[data-testid="label-row"][data-key="circle"]');
    await row.waitFor();
    const circles = truth((g) => g.pattern === 'circle');
    await page.getByTestId('labels-find').fill('circ');
    expect(await page.getByTestId('label-row').count()).toBeGreaterThanOrEqual(1);
    const labelled = Number((await row.getByTestId('label-count').textContent())!.replace(/,/g, ''));
    expect(labelled).toBeGreaterThan(0);
    expect(labelled).toBeLessThanOrEqual(circles * 1.1);
    await row.getByRole('button', { name: 'circle', exact: true }).click();
    await page.getByTestId('labels-dialog').waitFor({ state: 'detached' });
    expect(await chips().allTextContents()).toEqual([expect.stringContaining('label:circle')]);
    await resultsSay(labelled);
    await thumbsSettled();
    expect((await tiles()).every((g) => g.pattern === 'circle')).toBe(true);
  });

  it('shows a photo’s labels with their strength in the lightbox, and takes the user’s correction', async () => {
    await page.locator('[data-testid="result-tile"][data-index="0"]').dblclick();
    const label = page.locator('[data-testid="photo-label"][data-key="circle"]');
    await label.waitFor();
    expect(await label.getByTestId('photo-label-strength').textContent()).toMatch(/^\d{1,3}%$/);
    await page.locator('[data-testid="lightbox-image"][data-state="loaded"]').waitFor();
    await shots('lightbox-labels', () => page.locator('[data-testid="lightbox-image"][data-state="loaded"]').waitFor());

    await label.getByTestId('photo-label-wrong').click();
    await label.waitFor({ state: 'detached' });
    await page.getByTestId('photo-label-add-input').fill('circle');
    await page.getByTestId('photo-label-add').click();
    await page.locator('[data-testid="photo-label"][data-key="circle"][data-source="user"]').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
  }, 120_000);
});

describe('a personal category', () => {
  it('is tagged on 4 photos, trained with its cross-validated accuracy shown first, applied, and filters the library', async () => {
    await clearQuery();
    await input().fill('yellow stripes');
    await input().press('Enter');
    await count()
      .filter({ hasText: /matches for/ })
      .waitFor();
    await thumbsSettled();
    const first = (await tiles()).slice(0, 4);
    expect(first.every((g) => g.colour === 'yellow' && g.pattern === 'stripes')).toBe(true);
    await page.locator('[data-testid="result-tile"][data-index="0"]').click();
    await page.locator('[data-testid="result-tile"][data-index="3"]').click({ modifiers: ['Shift'] });
    await page.getByTestId('selection-count').filter({ hasText: '4 selected' }).waitFor();
    await page.getByTestId('tag-selected').click();
    await page.getByTestId('tag-name').fill('Sunny');
    await shots('tag-dialog');
    await page.getByTestId('tag-submit').click();
    await page.getByTestId('tag-dialog').waitFor({ state: 'detached' });

    await page.getByTestId('open-categories').click();
    const row = page.locator('[data-testid="category-row"][data-key="sunny"]');
    expect(await row.getByTestId('category-tags').textContent()).toContain('4 photos');
    await page.getByTestId('classifier-train').click();
    const accuracy = page.getByTestId('classifier-accuracy');
    await accuracy.waitFor();
    expect(Number((await accuracy.textContent())!.replace('%', ''))).toBeGreaterThanOrEqual(80);
    expect(await row.getByTestId('category-accuracy').textContent()).toMatch(/^\d{1,3}%$/);
    // Nothing is applied before the user says so: the category is not a label yet.
    expect(await service.search({ filters: { labels: ['Sunny'] } }).then((r) => r.total)).toBe(0);
    await shots('classifier-panel');

    const blend = Number(await page.getByTestId('classifier-blend').inputValue());
    const applyRequest = page.waitForRequest((req) => new URL(req.url()).pathname === '/api/applyClassifiers');
    await page.getByTestId('classifier-apply').click();
    const sent = JSON.parse((await applyRequest).postData() ?? '{}') as { blend: number };
    // The slider's position is an index into the report's blends, which are the engine's grid.
    expect(sent.blend).toBe(BLEND_GRID[blend]);
    await page.getByTestId('classifier-applied').waitFor();
    await page.getByTestId('classifier-show-label').filter({ hasText: 'Sunny' }).click();
    await page.getByTestId('categories-dialog').waitFor({ state: 'detached' });
    expect(await chips().allTextContents()).toEqual([expect.stringContaining('label:Sunny')]);

    // The label filters the library: the header counts what the engine labelled, the tiles in view are all the right photos.
    const isYellowStripes = (g: Generated) => g.colour === 'yellow' && g.pattern === 'stripes';
    const labelled = await service.search({ filters: { labels: ['Sunny'] }, k: PHOTOS });
    const right = labelled.hits.filter((h) => isYellowStripes(byPath.get(h.path)!)).length;
    // F1 of the applied label against the true yellow stripes.
    expect((2 * right) / (labelled.total + truth(isYellowStripes))).toBeGreaterThanOrEqual(0.9);
    await resultsSay(labelled.total);
    await thumbsSettled();
    expect((await tiles()).every(isYellowStripes)).toBe(true);
    expect(watched.problems).toEqual([]);
  }, 180_000);
});
