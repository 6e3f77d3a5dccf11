/**
 * Launches the built desktop app with the production security settings and
 * checks that its window shows the app and the bridge. Needs an Electron
 * binary; where none is installed (CI images without the download), it skips.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSearchBridge } from '../../src-main/preload/bridge-types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The binary `require('electron')` points at, or why there is none. */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    if (typeof binary === 'string' && fs.existsSync(binary)) return { path: binary };
    return { missing: `require('electron') gave ${String(binary)}, which does not exist` };
  } catch (err) {
    return { missing: err instanceof Error ? err.message : String(err) };
  }
}

const binary = electronBinary();

/** The page's global object, as the preload leaves it. */
type PageGlobals = { photoSearch?: PhotoSearchBridge; require?: unknown; process?: unknown };

describe('desktop app (Electron)', () => {
  if ('missing' in binary) {
    it.skip(`launches and shows the app window (skipped: no Electron binary is present: ${binary.missing})`, () => {});
    return;
  }

  let app: ElectronApplication;
  let libraryDir: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
    libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-e2e-'));
    const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    delete env.ELECTRON_RENDERER_URL;
    delete env.ELECTRON_RUN_AS_NODE;
    app = await _electron.launch({ executablePath: binary.path, args: [ROOT], cwd: ROOT, env: { ...env, PHOTO_SEARCH_LIBRARY: libraryDir } });
  });

  afterAll(async () => {
    await app?.close();
    if (libraryDir) fs.rmSync(libraryDir, { recursive: true, force: true });
  });

  it('shows the app in a locked-down window', async () => {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(page.url()).toBe('app://photo-search/index.html');
    expect(await page.title()).toMatch(/photo search/i);
    await expect.poll(() => page.locator('#app').evaluate((el) => el.childElementCount)).toBeGreaterThan(0);
    const globals = await page.evaluate(() => {
      const g = globalThis as PageGlobals;
      return { bridge: Object.keys(g.photoSearch ?? {}).sort(), require: typeof g.require, process: typeof g.process };
    });
    expect(globals.bridge).toContain('search');
    expect(globals.bridge).toContain('onEvent');
    expect(globals.require).toBe('undefined');
    expect(globals.process).toBe('undefined');
  });

  it('uses the library folder it was given and answers status through the engine process', async () => {
    const page = await app.firstWindow();
    const status = await page.evaluate(() => (globalThis as PageGlobals).photoSearch!.status({}));
    expect(status.libraryDir).toBe(libraryDir);
  });
});
