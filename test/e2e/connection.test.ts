/// <reference lib="dom" />
/**
 * The browser mode when `photo-search serve` goes away and comes back: the page
 * says the connection is lost and what to do, shows no result under a query it
 * did not answer, and picks up by itself when the server is back with the
 * library's token (serve keeps it from run to run: serve-command.test.ts).
 */
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { writeOpenPage } from '../../src-main/server/open-page.ts';
import { newToken } from '../../src-main/server/security.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';
import { RENDERER_OUT, ensureRendererBuilt } from './build-renderer.ts';
import { launchBrowser, openPage, screenshot, sessionHooks } from './browser.ts';

const TOKEN = newToken();

let fx: LibraryFixture;
let service: PhotoSearchService;
let server: RunningServer;
let port: number;
let browser: Browser;
let page: Page;

const tiles = () => page.getByTestId('result-tile');
const notice = () => page.getByTestId('engine-status');

beforeAll(async () => {
  const built = ensureRendererBuilt();
  fx = await createLibraryFixture('connection');
  service = fx.open();
  await service.index({ paths: [fx.photosDir] });
  await built;
  server = await startServer({ service, port: 0, rendererDir: RENDERER_OUT, token: TOKEN });
  port = server.port;
  browser = await launchBrowser();
  page = (await openPage(browser)).page;
  page.setDefaultTimeout(30_000);
  await page.goto(server.url);
  await page.getByTestId('library-bar').waitFor();
});

sessionHooks('connection', () => ({ page, browser, server, service, cleanup: () => fx?.cleanup() }));

describe('getting in', () => {
  it('opens from the private page serve writes, and keeps the token out of the address bar', async () => {
    const file = await writeOpenPage(fx.root, port, server.url);
    const other = (await openPage(browser)).page;
    await other.goto(pathToFileURL(file).href);
    await other.getByTestId('library-bar').waitFor({ timeout: 30_000 });
    expect(other.url()).toBe(server.origin);
    await other.context().close();
  });

  it('says what to do when the page was opened without its token', async () => {
    const other = (await openPage(browser)).page;
    await other.goto(server.origin);
    const error = other.getByTestId('load-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/without the access token.*photo-search serve --open/s);
    await other.context().close();
  });
});

describe('when photo-search serve stops', () => {
  it('says the connection is lost and what to do', async () => {
    await page.getByTestId('search-input').fill('red');
    await expect.poll(() => tiles().count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const thumbs = page.locator('[data-testid="result-tile"] [data-testid="thumb"]');
    await expect.poll(() => thumbs.evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset.state === 'loaded')), { timeout: 15_000 }).toBe(true);
    await server.close();
    await notice().waitFor();
    expect(await notice().textContent()).toMatch(/Lost the connection to photo-search serve.*start it again for the same library/s);
    await screenshot(page, '20-connection-lost');
  });

  it('shows no result under a query it could not answer', async () => {
    await page.getByTestId('search-input').fill('blue circles');
    await page.getByTestId('error-message').filter({ hasText: 'not answering' }).waitFor();
    expect(await tiles().count()).toBe(0);
    expect(await page.getByTestId('results-count').count()).toBe(0);
  });
});

describe('when photo-search serve is back', () => {
  it('reconnects by itself and answers the query typed meanwhile', async () => {
    server = await startServer({ service, port, rendererDir: RENDERER_OUT, token: TOKEN });
    await notice().waitFor({ state: 'hidden', timeout: 30_000 });
    await expect.poll(() => tiles().count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Thumbnails that broke while it was away load again.
    const thumbs = page.locator('[data-testid="result-tile"] [data-testid="thumb"]');
    await expect.poll(() => thumbs.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.state)), { timeout: 15_000 }).not.toContain('broken');
    await expect.poll(() => thumbs.evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset.state === 'loaded')), { timeout: 15_000 }).toBe(true);
  });

  it('makes "Try again" work after a restart', async () => {
    await server.close();
    await notice().waitFor();
    await page.getByTestId('search-input').fill('green');
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    server = await startServer({ service, port, rendererDir: RENDERER_OUT, token: TOKEN });
    await banner.getByRole('button', { name: 'Try again' }).click();
    await banner.waitFor({ state: 'hidden' });
    await expect.poll(() => tiles().count(), { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('says what to do when it came back with another token', async () => {
    await server.close();
    server = await startServer({ service, port, rendererDir: RENDERER_OUT, token: newToken() });
    await notice().filter({ hasText: 'no longer accepts' }).waitFor({ timeout: 30_000 });
    expect(await notice().textContent()).toContain('Open the page it printed again');
    await screenshot(page, '21-token-refused');
  });
});
