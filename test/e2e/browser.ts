import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach } from 'vitest';
import { ROOT } from './build-renderer.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}. Install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors, console errors, CSP violations and failed requests seen so far. */
  problems: string[];
}

/**
 * A page that records what a user would never see but a developer must: script
 * errors and CSP refusals (the server's policy is the production one).
 */
export async function openPage(browser: Browser, opts: { colorScheme?: 'light' | 'dark'; permissions?: string[] } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: opts.colorScheme ?? 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
    permissions: opts.permissions ?? [],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Failed loads are reported below with their URL and status.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** What an end-to-end file keeps open for its whole run; any part may be missing when its setup failed. */
export interface SessionParts {
  page?: Page;
  browser?: Browser;
  server?: { close(): Promise<unknown> };
  service?: { close(): Promise<unknown> };
  /** Removes the file's scratch folders. */
  cleanup?: () => void;
}

/**
 * The hooks every end-to-end file shares: a screenshot of the page, named
 * `failed-<prefix>-<test>`, when a test fails; and after the last test the browser,
 * the server and the engine closed, in that order, and the scratch folders removed.
 * `parts` is called when a hook runs, so it sees what the file's beforeAll set up.
 */
export function sessionHooks(prefix: string, parts: () => SessionParts): void {
  afterEach(async ({ task }) => {
    const { page } = parts();
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${prefix}-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });
  afterAll(async () => {
    const { browser, server, service, cleanup } = parts();
    await browser?.close();
    await server?.close();
    await service?.close();
    cleanup?.();
  });
}
