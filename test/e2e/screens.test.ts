/// <reference lib="dom" />
/**
 * Every screen at the window sizes people use, from 1280x720 to 2560x1440, at
 * 200% zoom, in light and dark: setup with a model and two folders, the main
 * view, the lightbox, the library dialog and the failures panel. Each is checked
 * the way a person would use it (scroll with the wheel, see the controls, keep
 * most of the window for the photo) and saved to test-results/screenshots/screens.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { SCREENSHOTS, launchBrowser } from './browser.ts';

interface Size {
  name: string;
  width: number;
  height: number;
  /** 2 for 200% zoom: the page lays out in half as many CSS pixels, drawn twice as large. */
  zoom: number;
}

/** 200% zoom of a 1280x720 window is a 640x360 CSS viewport drawn at twice the density. */
const SIZES: Size[] = [
  { name: '1280x720', width: 1280, height: 720, zoom: 1 },
  { name: '2560x1440', width: 2560, height: 1440, zoom: 1 },
  { name: '1280x720-zoom200', width: 640, height: 360, zoom: 2 },
];
const SCHEMES = ['light', 'dark'] as const;
const OUT = path.join(SCREENSHOTS, 'screens');

let fx: LibraryFixture;
let service: PhotoSearchService;
let server: RunningServer;
let browser: Browser;

async function open(size: Pick<Size, 'width' | 'height' | 'zoom'>, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    deviceScaleFactor: size.zoom,
    colorScheme: scheme,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(server.url);
  return page;
}

async function shot(page: Page, screen: string, size: Size, scheme: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `${screen}-${size.name}-${scheme}.png`) });
}

/** Scrolls with the mouse wheel over `over`, as a person would, until `target` is in view or nothing moves any more. */
async function wheelTo(page: Page, over: Locator, target: Locator): Promise<void> {
  const box = await over.boundingBox();
  if (!box) throw new Error('nothing to scroll over');
  const viewport = page.viewportSize()!;
  await page.mouse.move(box.x + Math.min(box.width, viewport.width) / 2, box.y + Math.min(box.height, viewport.height - box.y) / 2);
  for (let i = 0; i < 30 && !(await fullyVisible(page, target)); i++) {
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(30);
  }
}

/** Inside the window and not covered by anything else at its centre. */
async function fullyVisible(page: Page, target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  const viewport = page.viewportSize()!;
  if (!box || box.y < 0 || box.x < 0 || box.y + box.height > viewport.height + 0.5 || box.x + box.width > viewport.width + 0.5) return false;
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (el === hit || el.contains(hit));
  });
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, 'the page scrolls sideways').toBeLessThanOrEqual(client);
}

beforeAll(async () => {
  const built = ensureRendererBuilt();
  fx = await createLibraryFixture('screens');
  service = fx.open();
  // Setup as a new user leaves it: a model chosen and two folders added, nothing indexed yet.
  await service.addFolders({ paths: [path.join(fx.photosDir, 'Family'), path.join(fx.photosDir, 'Trips')] });
  await built;
  server = await startServer({ service, port: 0, rendererDir: RENDERER_OUT });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await service?.close();
  fx?.cleanup();
});

/** What a browser's tabs, address bar and window frame take from a window's height (Chromium on Linux). */
const BROWSER_CHROME = 133;

describe('setup, with a model and two folders', () => {
  it.each([
    [1366, 768, 1],
    [1280, 800, 1],
    [1280, 720, 1],
    [1280, 720, 2],
  ])('reaches "Start indexing" with the mouse wheel in a %ix%i browser window at zoom %i', async (width, height, zoom) => {
    const page = await open({ width: width / zoom, height: Math.floor((height - BROWSER_CHROME) / zoom), zoom });
    await page.getByTestId('setup').waitFor();
    expect(await page.getByTestId('folder-item').count()).toBe(2);
    const start = page.getByTestId('start-indexing');
    await wheelTo(page, page.getByTestId('setup'), start);
    expect(await fullyVisible(page, start)).toBe(true);
    expect(await start.isEnabled()).toBe(true);
    await noSidewaysScroll(page);
    await page.context().close();
  });

  it.each(SIZES.flatMap((size) => SCHEMES.map((scheme) => [size, scheme] as const)))('looks right at %o in %s', async (size, scheme) => {
    const page = await open(size, scheme);
    await page.getByTestId('setup').waitFor();
    await shot(page, 'setup', size, scheme);
    await noSidewaysScroll(page);
    await page.context().close();
  });
});

describe('the indexed library', () => {
  beforeAll(async () => {
    await service.addFolders({ paths: [fx.photosDir] });
    await service.index({});
  });

  it.each(SIZES.flatMap((size) => SCHEMES.map((scheme) => [size, scheme] as const)))('every screen works at %o in %s', async (size, scheme) => {
    const page = await open(size, scheme);
    const viewport = page.viewportSize()!;

    // The main view: the search box and a grid with room for photos.
    await page.getByTestId('search-input').fill('red');
    await expect.poll(() => page.getByTestId('result-tile').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const thumbs = page.locator('[data-testid="result-tile"] [data-testid="thumb"]');
    await expect.poll(() => thumbs.evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset.state !== 'loading')), { timeout: 15_000 }).toBe(true);
    expect(await fullyVisible(page, page.getByTestId('search-input'))).toBe(true);
    // Scrolled down as far as the page goes (a short window scrolls the bars away), the photos fill most of it.
    await page.mouse.move(viewport.width / 2, (await page.getByTestId('library-bar').boundingBox())!.y + 4);
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(100);
    const grid = (await page.getByTestId('results-grid').boundingBox())!;
    const shown = Math.min(grid.y + grid.height, viewport.height) - Math.max(grid.y, 0);
    expect(shown, 'the height of the window the photos get').toBeGreaterThanOrEqual(viewport.height * 0.55);
    expect(await fullyVisible(page, page.getByTestId('search-input'))).toBe(true);
    await noSidewaysScroll(page);
    await shot(page, 'main', size, scheme);

    // The lightbox keeps most of the window for the photo.
    await page.locator('[data-testid="result-tile"][data-index="0"]').dblclick();
    const lightbox = page.getByTestId('lightbox');
    await lightbox.waitFor();
    await expect.poll(() => page.getByTestId('lightbox-image').getAttribute('data-state')).toBe('loaded');
    const stage = (await page.getByTestId('lightbox-image').boundingBox())!;
    expect(stage.width * stage.height, 'the photo area').toBeGreaterThan(0.5 * viewport.width * viewport.height);
    expect(await fullyVisible(page, page.getByTestId('lightbox-close'))).toBe(true);
    await shot(page, 'lightbox', size, scheme);
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });

    // The library dialog: its last control can be scrolled to, and it closes.
    await page.getByTestId('folders-button').click();
    const dialog = page.getByTestId('folders-panel');
    await dialog.waitFor();
    await dialog.getByTestId('model-item').first().waitFor();
    await shot(page, 'library-dialog', size, scheme);
    expect(await fullyVisible(page, page.getByTestId('folders-panel-close'))).toBe(true);
    await wheelTo(page, dialog, page.getByTestId('model-import'));
    expect(await fullyVisible(page, page.getByTestId('model-import'))).toBe(true);
    expect(await fullyVisible(page, page.getByTestId('folders-panel-close')), 'the close button stays in view').toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // The failures panel.
    await page.getByTestId('failures-button').click();
    const failures = page.getByTestId('failures-panel');
    await failures.waitFor();
    await shot(page, 'failures', size, scheme);
    expect(await fullyVisible(page, page.getByTestId('failures-panel-close'))).toBe(true);
    await wheelTo(page, failures, failures.getByTestId('failure-item').last());
    expect(await fullyVisible(page, failures.getByTestId('failure-item').last())).toBe(true);
    expect(await fullyVisible(page, page.getByTestId('failures-panel-close')), 'the close button stays in view').toBe(true);
    await page.keyboard.press('Escape');
    await page.context().close();
  });
});
