/// <reference lib="dom" />
/**
 * Words in photos (issue 10) end to end, in Chromium against the real engine and the
 * real PP-OCRv4 model: a few images rendered with real fonts (a chat screenshot with a
 * Wi-Fi password, a receipt, a station sign) and a few generated photos are indexed
 * while the page watches the organizing steps; then `wifi password` finds the
 * screenshot first, saying why, and its lightbox shows the words read in it, with
 * boxes over the words the search found. Screenshots go to
 * test-results/screenshots/words-in-photos.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress } from '../../src-main/core/api/contract.ts';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { missingFonts, writeTextImages } from '../fixtures/text-images.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { SCREENSHOTS, launchBrowser, openPage, type WatchedPage, sessionHooks } from './browser.ts';

/** Few, because OCR is the slow part: the photo the test looks for and two that must rank below it. */
const TEXT_IMAGES = ['screenshot-wifi', 'receipt-cafe-luna', 'sign-platform'];
const OUT = path.join(SCREENSHOTS, 'words-in-photos');
const SIZES = [
  { name: '1280x720', width: 1280, height: 720 },
  { name: '2560x1440', width: 2560, height: 1440 },
];

let root: string;
let photosDir: string;
let wifiFile: string;
let service: PhotoSearchService;
let server: RunningServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

async function shot(target: Page, name: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await target.screenshot({ path: path.join(OUT, `${name}.png`) });
}

async function newView(size: { width: number; height: number }, scheme: 'light' | 'dark'): Promise<{ context: BrowserContext; view: Page }> {
  const context = await browser.newContext({ viewport: size, colorScheme: scheme, locale: 'en-US', timezoneId: 'UTC' });
  const view = await context.newPage();
  view.setDefaultTimeout(60_000);
  await view.goto(server.url);
  return { context, view };
}

/** Searches and opens the first result in the lightbox, once its photo and words are shown. */
async function openFirst(view: Page, query: string): Promise<void> {
  await view.getByTestId('search-input').fill(query);
  await view.getByTestId('search-input').press('Enter');
  await view.getByTestId('results-query').filter({ hasText: query }).waitFor();
  await view.locator('[data-testid="result-tile"][data-index="0"]').dblclick();
  await expect.poll(() => view.getByTestId('lightbox-image').getAttribute('data-state')).toBe('loaded');
  await view.getByTestId('photo-text-lines').waitFor();
  await view.getByTestId('text-box').first().waitFor();
  // The photo fades in: the screenshot waits for the fade to end (spinners turn forever: not those).
  await view.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
}

/** Opens the generated lawn from the timeline: a photo without text. */
async function openWithoutText(view: Page): Promise<void> {
  await view.getByTestId('search-input').fill('');
  await view.getByTestId('search-input').press('Enter');
  await view.getByTestId('results-count').filter({ hasText: '6 photos' }).waitFor();
  await view.locator('[data-testid="result-tile"][data-path$="lawn.jpg"]').dblclick();
  await view.getByTestId('photo-text-empty').waitFor();
}

/** The boxes drawn over the photo, and where the photo itself is drawn, in page px. */
async function boxesAndPhoto(view: Page) {
  return view.getByTestId('lightbox-image').evaluate((frame) => {
    const img = frame.querySelector('img')!;
    const r = img.getBoundingClientRect();
    // object-fit: contain, as CSS draws it: the photo scaled to fit whole, centred.
    const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
    const photo = {
      left: r.left + (r.width - img.naturalWidth * scale) / 2,
      top: r.top + (r.height - img.naturalHeight * scale) / 2,
      width: img.naturalWidth * scale,
      height: img.naturalHeight * scale,
    };
    const boxes = Array.from(document.querySelectorAll<SVGPolygonElement>('[data-testid="text-box"]')).map((p) => {
      const b = p.getBoundingClientRect();
      return { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    });
    return { photo, boxes };
  });
}

beforeAll(async () => {
  const fonts = missingFonts();
  if (fonts.length > 0) throw new Error(`the text images need the fonts ${fonts.join(', ')}: apt-get install -y fonts-dejavu-core fonts-wqy-zenhei`);
  const built = ensureRendererBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-words-e2e-'));
  const modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
  photosDir = path.join(root, 'photos');
  fs.mkdirSync(photosDir, { recursive: true });
  const all = await writeTextImages(path.join(root, 'rendered'));
  for (const name of TEXT_IMAGES) {
    const written = all.find((i) => i.name === name);
    if (!written) throw new Error(`the text image ${name} is gone from test/fixtures/text-images.ts`);
    fs.copyFileSync(written.file, path.join(photosDir, path.basename(written.file)));
    if (name === 'screenshot-wifi') wifiFile = fs.realpathSync(path.join(photosDir, path.basename(written.file)));
  }
  await writeJpegScene(path.join(photosDir, 'beach.jpg'), { colour: 'blue', pattern: 'stripes', width: 640, height: 480 });
  await writeJpegScene(path.join(photosDir, 'tomato.jpg'), { colour: 'red', pattern: 'circle', width: 480, height: 640 });
  await writeJpegScene(path.join(photosDir, 'lawn.jpg'), { colour: 'green', pattern: 'plain', width: 600, height: 400 });
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir, intraOpThreads: 1 });
  await service.addFolders({ paths: [photosDir] });
  await built;
  server = await startServer({ service, port: 0, rendererDir: RENDERER_OUT });
  browser = await launchBrowser();
  watched = await openPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  page = watched.page;
  page.setDefaultTimeout(60_000);
}, 600_000);

sessionHooks('words', () => ({ page, browser, server, service, cleanup: () => root && fs.rmSync(root, { recursive: true, force: true }) }));

describe('indexing, watched from the page', () => {
  it('shows the organizing steps after the embeddings, reading words with its own count and bar', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(server.url);
    const dark = await newView({ width: 2560, height: 1440 }, 'dark');
    const steps: string[] = [];
    const stop = service.events.on('index-progress', (p: IndexProgress) => {
      if (p.phase === 'organizing' && p.step && steps.at(-1) !== p.step.name) steps.push(p.step.name);
    });
    const run = service.index({});
    // Both pages watch at once, and each reads the step and its bar in one go: the step may last only a few seconds.
    const seen = await Promise.all(
      (
        [
          [page, 'progress-reading-1280x720-light'],
          [dark.view, 'progress-reading-2560x1440-dark'],
        ] as const
      ).map(async ([view, name]) => {
        // The step says what it does at once, and counts once it knows how many photos it will read.
        const handle = await view.waitForFunction(
          () => {
            const step = document.querySelector('[data-testid="progress-step"][data-step="text"]');
            const text = step?.textContent ?? '';
            return / of 6$/.test(text) ? { text, value: document.querySelector('[data-testid="progress-bar"]')?.getAttribute('aria-valuenow') ?? null } : null;
          },
          undefined,
          { timeout: 240_000, polling: 'raf' },
        );
        const watched = (await handle.jsonValue())!;
        await shot(view, name);
        return watched;
      }),
    );
    for (const { text, value } of seen) {
      expect(text).toMatch(/^Reading words in photos \d of 6$/);
      expect(value).toMatch(/^\d+$/);
    }
    const final = await run;
    stop();
    await dark.context.close();
    expect(final.phase).toBe('done');
    expect(steps.at(-1)).toBe('text');
    await page.getByTestId('index-done').waitFor();
  }, 400_000);

  it('says in the library dialog how many photos have had their words read, and turns reading off and on', async () => {
    await page.getByTestId('folders-button').click();
    const count = page.getByTestId('text-reading-count');
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toMatch(/^Words read in 6 of 6 photos: 3 with text\./);
    const toggle = page.getByTestId('text-reading-toggle');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await expect.poll(() => count.textContent()).toMatch(/Off for this library/);
    await expect.poll(async () => (await service.status()).textReading.enabled, { timeout: 30_000 }).toBe(false);
    await toggle.check();
    await expect.poll(async () => (await service.status()).textReading.enabled, { timeout: 30_000 }).toBe(true);
    await shot(page, 'library-dialog-1280x720-light');
    await page.keyboard.press('Escape');
    await page.getByTestId('folders-panel').waitFor({ state: 'hidden' });
  }, 120_000);
});

describe('searching the words in photos', () => {
  it('finds the screenshot with the Wi-Fi password first, saying which words it found', async () => {
    await page.getByTestId('search-input').fill('wifi password');
    await page.getByTestId('search-input').press('Enter');
    await page.getByTestId('results-query').filter({ hasText: 'wifi password' }).waitFor();
    expect(await page.getByTestId('results-count').textContent()).toMatch(/^\s*1 match\s/);
    const first = page.locator('[data-testid="result-tile"][data-index="0"]');
    expect(fs.realpathSync((await first.getAttribute('data-path'))!)).toBe(wifiFile);
    await first.hover();
    expect(await first.getByTestId('tile-reasons').textContent()).toMatch(/words in photo: 'WiFi password'/i);
  }, 120_000);

  it('shows the words read in it in the lightbox, selectable and copied whole, with boxes over the words found', async () => {
    await openFirst(page, 'wifi password');
    const lines = await page.getByTestId('photo-text-line').allTextContents();
    expect(lines).toContain('WiFi password: sunflower42');
    const marked = await page.locator('[data-testid="photo-text-line"][data-matched="true"]').allTextContents();
    expect(marked).toContain('WiFi password: sunflower42');
    expect(marked).not.toContain('Thanks!');

    const selected = await page.getByTestId('photo-text-lines').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      return { text: getSelection()!.toString(), userSelect: getComputedStyle(el).userSelect };
    });
    expect(selected.userSelect).not.toBe('none');
    expect(selected.text).toContain('WiFi password: sunflower42');
    await page.getByTestId('photo-text-copy').click();
    await page.getByTestId('photo-text-copy').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(lines.join('\n'));

    // Two words on the password line, and "WiFi" again on the question above it: every box on the photo, none on the bars beside it.
    const { photo, boxes } = await boxesAndPhoto(page);
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(photo.left - 3);
      expect(b.right).toBeLessThanOrEqual(photo.left + photo.width + 3);
      expect(b.top).toBeGreaterThanOrEqual(photo.top - 3);
      expect(b.bottom).toBeLessThanOrEqual(photo.top + photo.height + 3);
      expect(b.right - b.left).toBeLessThan(photo.width * 0.6);
    }
    await shot(page, 'lightbox-words-1280x720-light');
  }, 120_000);

  it('keeps the boxes on the words when the window is resized', async () => {
    const before = await boxesAndPhoto(page);
    await page.setViewportSize({ width: 900, height: 900 });
    await expect.poll(async () => (await boxesAndPhoto(page)).photo.width).not.toBeCloseTo(before.photo.width, 0);
    // The same place on the photo, as a share of the photo drawn: it moved and scaled with it (polled: the boxes follow the photo a frame later).
    const share = (b: (typeof before.boxes)[number], p: typeof before.photo) => [(b.left - p.left) / p.width, (b.top - p.top) / p.height];
    const drift = async () => {
      const after = await boxesAndPhoto(page);
      if (after.boxes.length !== before.boxes.length) return Infinity;
      return Math.max(
        ...before.boxes.flatMap((b, i) => {
          const [x0, y0] = share(b, before.photo);
          const [x1, y1] = share(after.boxes[i], after.photo);
          return [Math.abs(x1 - x0), Math.abs(y1 - y0)];
        }),
      );
    };
    await expect.poll(drift, { timeout: 10_000 }).toBeLessThan(0.01);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'hidden' });
  }, 120_000);

  it('shows "No words found" for a photo without text', async () => {
    await openWithoutText(page);
    expect(await page.getByTestId('photo-text-empty').textContent()).toBe('No words found');
    await page.keyboard.press('Escape');
    expect(watched.problems).toEqual([]);
  });
});

describe('screenshots of the lightbox with words and boxes', () => {
  it.each(SIZES.flatMap((size) => (['light', 'dark'] as const).map((scheme) => [size, scheme] as const)))(
    'at %o in %s',
    async (size, scheme) => {
      const { context, view } = await newView(size, scheme);
      await openFirst(view, 'wifi password');
      await shot(view, `lightbox-words-${size.name}-${scheme}`);
      await context.close();
    },
    120_000,
  );
});
