/// <reference lib="dom" />
/**
 * The interface end to end, as a user meets it: a fresh library with the tiny
 * model and the generated photos, served by `startServer` over the real engine,
 * driven in Chromium. Tests run in order and share one page, like one session.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import type { CorpusEntry } from '../fixtures/photos.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';
import { formatBytes } from '../../src-renderer/lib/format.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { launchBrowser, openPage, screenshot, type WatchedPage, sessionHooks } from './browser.ts';

let fx: LibraryFixture;
let service: PhotoSearchService;
let server: RunningServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

const photos = () => fx.manifest.entries.filter((e) => e.kind === 'photo');
const broken = () => fx.manifest.entries.filter((e) => e.kind === 'broken');
/** Every file that is not indexed for a reason (broken files, broken links): status lists each one with it. */
const unreadable = () => fx.manifest.entries.filter((e) => e.expectedError !== undefined);
const count = (pred: (e: CorpusEntry) => boolean) => photos().filter(pred).length;

interface Tile {
  index: number;
  id: number;
  path: string;
  selected: boolean;
  entry: CorpusEntry;
}

function entryFor(file: string): CorpusEntry {
  const entry = photos().find((e) => path.join(fx.photosDir, e.relPath) === file);
  if (!entry) throw new Error(`${file} is not a photo of the corpus`);
  return entry;
}

/** The result tiles on screen, in grid order. */
async function tiles(): Promise<Tile[]> {
  const raw = await page.$$eval('[data-testid="result-tile"]', (els) =>
    els.map((el) => {
      const d = (el as HTMLElement).dataset;
      return { index: Number(d.index), id: Number(d.id), path: d.path ?? '', selected: d.selected === 'true' };
    }),
  );
  return raw.sort((a, b) => a.index - b.index).map((t) => ({ ...t, entry: entryFor(t.path) }));
}

const describeTile = (t: Tile) => `${t.entry.colour}/${t.entry.pattern}`;
const top = async (n: number) => (await tiles()).slice(0, n).map(describeTile);
const input = () => page.getByTestId('search-input');
const chips = () => page.getByTestId('query-chip');

async function setRange(testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).evaluate((el, v) => {
    const range = el as HTMLInputElement;
    range.value = String(v);
    range.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Removes every chip the way a user would: Backspace in the empty box. */
async function clearQuery(): Promise<void> {
  await input().fill('');
  while ((await chips().count()) > 0) await input().press('Backspace');
}

/** Shows the weaker matches after the matches, when the header offers them. */
async function showWeaker(): Promise<void> {
  const offer = page.getByTestId('header-show-weaker');
  if (await offer.count()) await offer.click();
}

/** The tile with the keyboard cursor (the selected one) and where it is on screen. */
async function cursorBox(): Promise<{ index: number; x: number; y: number }> {
  const tile = page.locator('[data-testid="result-tile"].cursor');
  const box = (await tile.boundingBox())!;
  return { index: Number(await tile.getAttribute('data-index')), x: box.x, y: box.y };
}

beforeAll(async () => {
  const built = ensureRendererBuilt();
  fx = await createLibraryFixture('e2e');
  await built;
  // No model yet: the first launch sets one up through the interface.
  service = PhotoSearchService.open({ libraryDir: fx.libraryDir, intraOpThreads: 1 });
  server = await startServer({ service, port: 0, rendererDir: RENDERER_OUT });
  browser = await launchBrowser();
  watched = await openPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  page = watched.page;
  page.setDefaultTimeout(30_000);
});

sessionHooks('photo-search', () => ({ page, browser, server, service, cleanup: () => fx?.cleanup() }));

describe('first launch', () => {
  it('explains the app and offers models to set up', async () => {
    await page.goto(server.url);
    await page.getByTestId('setup').waitFor();
    // The token came in the fragment; the page keeps it and takes it out of the address bar.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('');
    expect((await page.context().cookies()).map((c) => c.name)).toEqual([]);
    expect(await page.getByTestId('model-status').getAttribute('data-ready')).toBe('false');
    const problem = await page.getByTestId('model-problem').textContent();
    expect(problem).toContain('No model is set up');
    // The command line's advice has no place in the interface, which shows the picker instead.
    expect(problem).not.toMatch(/photo-search models|npm run|--model/);
    await page.getByTestId('model-item').first().waitFor();
    expect(await page.locator('[data-testid="model-item"] [data-testid="model-install"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('start-indexing').isDisabled()).toBe(true);
    // A browser page cannot learn a folder's path from a picker: the path field is the way in.
    expect(await page.getByTestId('choose-folder-button').count()).toBe(0);
    expect(await page.getByTestId('folder-path-input').isVisible()).toBe(true);
    await screenshot(page, '01-first-launch');
  });

  it('takes a model folder from this computer', async () => {
    await page.getByTestId('model-path-input').fill(fx.modelDir);
    await page.getByTestId('model-import').click();
    await page.locator('[data-testid="model-status"][data-ready="true"]').waitFor();
    const status = await service.status();
    expect(await page.getByTestId('model-name').textContent()).toBe(status.model!.name);
    expect(await page.getByTestId('model-picker').count()).toBe(0);
  });

  it('shows the engine message for a folder that does not exist', async () => {
    const missing = path.join(fx.root, 'no-such-folder');
    await page.getByTestId('folder-path-input').fill(missing);
    await page.getByTestId('add-folder-button').click();
    const banner = page.getByTestId('folder-error');
    await banner.waitFor();
    const message = await banner.getByTestId('error-message').textContent();
    expect(message).toContain(`There is no folder at ${missing}`);
    expect(message).not.toMatch(/ENOENT|lstat|errno/);
    await screenshot(page, '02-folder-error');
    expect(watched.problems).toEqual(['HTTP 404 POST /api/addFolders']);
    watched.problems.length = 0;
  });

  it('adds the photo folder dropped from a file manager, and indexes it to the end', async () => {
    await page.getByTestId('folder-drop-zone').evaluate((zone, uri) => {
      const data = new DataTransfer();
      data.setData('text/uri-list', uri);
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, pathToFileURL(fx.photosDir).href);
    await page.locator(`[data-testid="folder-item"][data-path="${fs.realpathSync(fx.photosDir)}"]`).waitFor();
    expect(await page.getByTestId('folder-error').count()).toBe(0);
    await page.getByTestId('start-indexing').click();

    await page.getByTestId('library-bar').waitFor();
    await page.getByTestId('index-done').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('index-progress').getAttribute('data-phase')).toBe('done');
    const done = await page.getByTestId('index-done').textContent();
    expect(done).toContain(`${photos().length} photos added`);
    expect(done).toContain(`${broken().length} files could not be read`);
    expect(await page.getByTestId('photo-count').textContent()).toBe(`${photos().length} photos`);
    // The empty box shows the whole library as a timeline.
    await page
      .getByTestId('results-count')
      .filter({ hasText: `${photos().length} photos` })
      .waitFor();
    await page.getByTestId('day-header').first().waitFor();
    await screenshot(page, '03-indexed');
  });

  it('lists the files that could not be read, with the reason', async () => {
    await page.getByTestId('failures-button').click();
    const panel = page.getByTestId('failures-panel');
    await panel.waitFor();
    const items = panel.locator('[data-testid="failure-item"], [data-testid="failure-folder"]');
    expect(await items.count()).toBe(unreadable().length);
    const text = (await panel.textContent())!.toLowerCase();
    for (const b of unreadable()) expect(text).toContain(b.expectedError!.toLowerCase());
    await screenshot(page, '04-failures');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
  });
});

describe('searching', () => {
  it('shows the red photos first for "red", with their thumbnails', async () => {
    const reds = count((e) => e.colour === 'red');
    await input().fill('red');
    await expect.poll(() => top(reds), { timeout: 15_000 }).toEqual(Array(reds).fill(expect.stringMatching(/^red\//)));
    await page
      .getByTestId('results-count')
      .filter({ hasText: /matches for red/ })
      .waitFor();
    const thumbs = page.locator('[data-testid="result-tile"] [data-testid="thumb"]');
    await expect.poll(() => thumbs.evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset.state === 'loaded')), { timeout: 15_000 }).toBe(true);
    const firstImage = page.locator('[data-testid="result-tile"][data-index="0"] img');
    expect(await firstImage.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.locator('[data-testid="result-tile"][data-index="0"]').hover();
    expect(await page.locator('[data-testid="result-tile"][data-index="0"] [data-testid="tile-reasons"]').textContent()).toMatch(/looks like the query/);
    expect(await page.locator('[data-testid="result-tile"][data-index="0"] [data-testid="tile-strength"]').textContent()).toMatch(/strong|good/);
    await screenshot(page, '05-text-query');
  });

  it('explains, when an image file is dropped, that the browser cannot search by it', async () => {
    await page.getByTestId('search-box').evaluate((box) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array([0xff, 0xd8, 0xff])], 'holiday.jpg', { type: 'image/jpeg' }));
      box.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const notice = page.getByTestId('notice').filter({ hasText: 'desktop app' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Find similar');
    expect(await page.locator('[data-testid="query-chip"][data-kind="file"]').count()).toBe(0);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('"Find similar" starts a new search with the photo as its one chip, and finds the same scene', async () => {
    const [example] = await tiles();
    await page.locator('[data-testid="result-tile"][data-index="0"]').hover();
    await page.locator('[data-testid="result-tile"][data-index="0"] [data-testid="find-similar"]').click();
    const chip = page.locator('[data-testid="query-chip"][data-kind="examples"]');
    await chip.waitFor();
    expect(await chip.getByTestId('chip-label').textContent()).toBe(path.basename(example.path));
    expect(await chips().count()).toBe(1);
    expect(await input().inputValue()).toBe('');

    const same = count((e) => e.colour === example.entry.colour && e.pattern === example.entry.pattern) - 1;
    // The example itself is left out of its own results: that tells the new results from the old.
    await expect.poll(async () => (await tiles()).some((t) => t.id === example.id), { timeout: 15_000 }).toBe(false);
    expect(await top(same)).toEqual(Array(same).fill(describeTile(example)));
    await screenshot(page, '06-find-similar');
  });

  it('combines the image with text, balanced by the slider', async () => {
    expect(await page.locator('[data-testid="query-chip"][data-kind="examples"]').count()).toBe(1);
    await input().fill('stripes');
    await page.getByTestId('weight-slider').waitFor();
    await expect.poll(async () => (await top(4)).every((d) => d.endsWith('/stripes')), { timeout: 15_000 }).toBe(true);
    await screenshot(page, '07-image-and-text');
    const firstLikeExample = async () => {
      await showWeaker();
      return (await top(photos().length)).indexOf('red/circle');
    };
    const even = await firstLikeExample();

    // Towards the image: photos like the example (a red circle) come up.
    await setRange('weight-slider', 0.95);
    await expect.poll(firstLikeExample, { timeout: 15_000 }).toBeLessThan(even);
    await setRange('weight-slider', 0.5);
  });

  it('pushes photos down with an excluded word, shown as a "not" chip', async () => {
    await clearQuery();
    const positions = async (): Promise<number[]> => {
      await showWeaker();
      const shown = await top(photos().length);
      return shown.flatMap((d, i) => (d === 'red/circle' ? [i] : []));
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    await input().fill('red');
    await page
      .getByTestId('results-count')
      .filter({ hasText: /for red\s*$/ })
      .waitFor();
    const before = await positions();

    await input().fill('red -circle');
    await input().press('Enter');
    const negative = page.locator('[data-testid="query-chip"][data-negative="true"]');
    expect(await negative.getByTestId('chip-label').textContent()).toBe('circle');
    expect(await input().inputValue()).toBe('red');
    await page
      .getByTestId('results-count')
      .filter({ hasText: /for red -circle/ })
      .waitFor();
    const after = await positions();
    expect(after).toHaveLength(before.length);
    expect(mean(after)).toBeGreaterThan(mean(before));
    expect(describeTile((await tiles())[0])).toMatch(/^red\/(?!circle)/);
    await screenshot(page, '08-negative-chip');
  });

  it('filters by file type, as a type: chip in the query', async () => {
    await clearQuery();
    await page.getByTestId('filter-type').selectOption('png');
    await page.locator('[data-testid="query-chip"][data-kind="type"]', { hasText: 'type:png' }).waitFor();
    const pngs = photos().filter((e) => e.format === 'png').length;
    await expect.poll(async () => (await tiles()).length, { timeout: 15_000 }).toBe(pngs);
    for (const t of await tiles()) expect(t.path.toLowerCase()).toMatch(/\.png$/);
    await input().fill('red');
    await expect.poll(() => top(1), { timeout: 15_000 }).toEqual(['red/stripes']);
    await screenshot(page, '09-filter-type');
    await input().fill('');
    await page.getByTestId('filter-type').selectOption('');
    await expect.poll(async () => (await page.getByTestId('results-count').textContent())?.trim(), { timeout: 15_000 }).toBe(`${photos().length} photos`);
  });

  it('filters by a folder inside the library folder', async () => {
    const root = fs.realpathSync(fx.photosDir);
    const family = path.join(root, 'Family');
    const trips2021 = path.join(root, 'Trips', '2021');
    const under = (prefix: string) =>
      photos()
        .filter((e) => e.relPath.startsWith(prefix))
        .map((e) => e.relPath)
        .sort();
    const shown = async () => (await tiles()).map((t) => t.entry.relPath).sort();
    const filter = page.getByTestId('filter-folder');
    // Opening the list gathers the folders of the photos seen so far.
    await filter.focus();
    const offered = await filter.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(['', root, family, path.join(root, 'Trips'), trips2021]));

    await filter.selectOption(family);
    await expect.poll(shown, { timeout: 15_000 }).toEqual(under('Family/'));
    await screenshot(page, '09b-filter-folder');
    // Narrowed to one folder, the others are still offered.
    await filter.selectOption(trips2021);
    await expect.poll(shown, { timeout: 15_000 }).toEqual(under('Trips/2021/'));

    await filter.selectOption('');
    await expect.poll(async () => (await page.getByTestId('results-count').textContent())?.trim(), { timeout: 15_000 }).toBe(`${photos().length} photos`);
  });

  it('says so when nothing matches the filters, and clears them', async () => {
    await page.getByTestId('filter-after').fill('2100-01-01');
    await page.getByTestId('results-empty').waitFor();
    expect(await page.getByTestId('results-empty').textContent()).toContain('No photos match');
    await screenshot(page, '10-no-match');
    await page.getByTestId('results-empty').getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => (await page.getByTestId('results-count').textContent())?.trim(), { timeout: 15_000 }).toBe(`${photos().length} photos`);
  });
});

describe('keyboard', () => {
  it('moves through the grid with the arrows, opens with Enter, closes with Esc', async () => {
    await input().fill('red');
    await page
      .getByTestId('results-count')
      .filter({ hasText: /for red/ })
      .waitFor();
    await showWeaker();
    await input().focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await tiles()).filter((t) => t.selected).map((t) => t.index)).toEqual([0]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('results-grid');
    await page.keyboard.press('ArrowRight');
    const right = await cursorBox();
    expect(right.index).toBe(1);
    // Down goes to the photo below, in the same column (or the last of a shorter row), across the header of the weaker matches.
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await cursorBox()).index).toBeGreaterThan(1);
    const below = await cursorBox();
    expect(below.y).toBeGreaterThan(right.y);
    if (Math.abs(below.x - right.x) > 0.5) {
      expect(below.x).toBeLessThan(right.x);
      const next = page.locator(`[data-testid="result-tile"][data-index="${below.index + 1}"]`);
      const nextBox = (await next.count()) > 0 ? await next.boundingBox() : null;
      expect(nextBox === null || nextBox.y > below.y, 'a photo left of the column is the last of its row').toBe(true);
    }
    const expected = below.index;

    await page.keyboard.press('Enter');
    const lightbox = page.getByTestId('lightbox');
    await lightbox.waitFor();
    const all = await tiles();
    expect(Number(await lightbox.getAttribute('data-id'))).toBe(all[expected].id);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await lightbox.getAttribute('data-id'))).toBe(all[expected + 1].id);
    expect(await page.getByTestId('lightbox-position').textContent()).toContain(`${expected + 2} of ${all.length}`);
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });
    expect((await tiles()).filter((t) => t.selected).map((t) => t.index)).toEqual([expected + 1]);
  });

  it('keeps Tab inside the lightbox, and gives the focus back to the photo it opened on', async () => {
    await page.locator('[data-testid="result-tile"][data-index="2"]').click();
    const opened = (await tiles())[2];
    await page.keyboard.press('Enter');
    const lightbox = page.getByTestId('lightbox');
    await lightbox.waitFor();
    expect(Number(await lightbox.getAttribute('data-id'))).toBe(opened.id);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return { inside: el?.closest('[data-testid="lightbox"]') !== null, id: el?.getAttribute('data-testid') ?? el?.tagName };
      });
    const controls = await lightbox.locator('button:not(:disabled), input:not(:disabled)').count();
    const forward: string[] = [];
    for (let i = 0; i < controls * 2; i++) {
      await page.keyboard.press('Tab');
      const now = await focused();
      expect(now.inside, `Tab ${i + 1} left the lightbox for ${now.id}`).toBe(true);
      forward.push(now.id!);
    }
    // Round and round: the second lap visits the same controls in the same order.
    expect(forward.slice(controls)).toEqual(forward.slice(0, controls));
    expect(new Set(forward).size).toBe(controls);
    for (let i = 0; i < controls + 1; i++) {
      await page.keyboard.press('Shift+Tab');
      expect((await focused()).inside).toBe(true);
    }

    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('results-grid');
    expect(await page.getByTestId('results-grid').getAttribute('aria-activedescendant')).toBe(`photo-${opened.id}`);
    expect((await tiles()).filter((t) => t.selected).map((t) => t.id)).toEqual([opened.id]);
  });

  it('selects every result with Ctrl+A, and Esc clears the selection', async () => {
    await page.getByTestId('results-grid').focus();
    await page.keyboard.press('Control+a');
    expect(await page.getByTestId('selection-count').textContent()).toBe(`${photos().length} selected`);
    expect((await tiles()).every((t) => t.selected)).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('selection-count').waitFor({ state: 'hidden' });
    expect((await tiles()).filter((t) => t.selected)).toEqual([]);
  });

  it('selects several photos with Ctrl and Shift clicks', async () => {
    await page.locator('[data-testid="result-tile"][data-index="0"]').click();
    await page.locator('[data-testid="result-tile"][data-index="2"]').click({ modifiers: ['Control'] });
    await page.locator('[data-testid="result-tile"][data-index="4"]').click({ modifiers: ['Shift'] });
    expect((await tiles()).filter((t) => t.selected).map((t) => t.index)).toEqual([2, 3, 4]);
    expect(await page.getByTestId('selection-count').textContent()).toBe('3 selected');
    await page.keyboard.press('Escape');
    expect((await tiles()).filter((t) => t.selected)).toEqual([]);
  });

  it('focuses the search with Ctrl+K, and Delete in the empty box removes the last chip', async () => {
    await input().fill('red type:jpg ');
    await page.getByTestId('results-grid').focus();
    await page.keyboard.press('Control+k');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input');
    const before = await chips().count();
    expect(before).toBeGreaterThan(0);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Delete');
    expect(await chips().count()).toBe(before - 1);
  });
});

describe('the lightbox', () => {
  it('shows the photo with its date, camera, place, size and dimensions', async () => {
    const target = photos().find((e) => e.camera && e.latitude !== undefined)!;
    const file = path.join(fx.photosDir, target.relPath);
    await clearQuery();
    await input().fill(target.colour!);
    await expect.poll(() => top(1), { timeout: 15_000 }).toEqual([expect.stringMatching(new RegExp(`^${target.colour}/`))]);
    const tile = page.locator(`[data-testid="result-tile"][data-path="${file}"]`);
    await tile.dblclick();
    const lightbox = page.getByTestId('lightbox');
    await lightbox.waitFor();
    await expect.poll(() => page.getByTestId('lightbox-image').getAttribute('data-state')).toBe('loaded');
    expect(await page.getByTestId('lightbox-name').textContent()).toBe(path.basename(file));
    expect(await page.getByTestId('meta-camera').textContent()).toBe(target.camera);
    expect(await page.getByTestId('meta-date').textContent()).toContain(String(new Date(target.takenAt!).getFullYear()));
    const [lat, lon] = (await page.getByTestId('meta-place').textContent())!.match(/[\d.]+/g)!.map(Number);
    expect(lat).toBeCloseTo(Math.abs(target.latitude!), 4);
    expect(lon).toBeCloseTo(Math.abs(target.longitude!), 4);
    expect(await page.getByTestId('meta-dimensions').textContent()).toContain(`${target.width} × ${target.height}`);
    expect(await page.getByTestId('meta-size').textContent()).toBe(formatBytes(fs.statSync(file).size));
    expect(await page.getByTestId('meta-path').textContent()).toBe(file);
    await screenshot(page, '11-lightbox');

    await page.getByTestId('lightbox-copy-path').click();
    await page.getByTestId('notice').filter({ hasText: 'Path copied.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(file);
  });

  it('"Find similar" in the lightbox closes it and searches by that photo', async () => {
    const name = await page.getByTestId('lightbox-name').textContent();
    await page.getByTestId('lightbox-find-similar').click();
    await page.getByTestId('lightbox').waitFor({ state: 'hidden' });
    const chip = page.locator('[data-testid="query-chip"][data-kind="examples"]');
    expect(await chip.getByTestId('chip-label').textContent()).toBe(name);
    expect(await chips().count()).toBe(1);
  });
});

describe('the library dialog', () => {
  it('lists the folder with its photos and the model in use', async () => {
    await page.getByTestId('folders-button').click();
    const dialog = page.getByTestId('folders-panel');
    await dialog.waitFor();
    const folder = dialog.getByTestId('folder-item');
    expect(await folder.getAttribute('data-path')).toBe(fs.realpathSync(fx.photosDir));
    expect(await folder.textContent()).toContain(`${photos().length} photos`);
    await dialog.locator('[data-testid="model-item"][data-active="true"]').waitFor();
    await screenshot(page, '12-library-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});

describe('appearance and safety', () => {
  it('follows a dark colour scheme', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(dark).not.toBe(light);
    const [r, g, b] = dark.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(120);
    await screenshot(page, '13-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('ran without script errors, CSP violations or failed requests', () => {
    expect(watched.problems).toEqual([]);
  });

  it('serves thumbnails only for photos of the library, and only with the page’s token', async () => {
    const statuses = await page.evaluate(async () => {
      const headers = { 'x-photo-search-token': sessionStorage.getItem('photo-search-token') ?? '' };
      const paths = ['/api/thumb/1', '/api/thumb/999999', '/api/photo/999999', '/api/thumb/..%2F..%2Fetc%2Fpasswd'];
      return [...(await Promise.all(paths.map(async (u) => (await fetch(u, { headers })).status))), (await fetch('/api/thumb/1')).status];
    });
    expect(statuses).toEqual([200, 404, 404, 404, 403]);
  });
});
