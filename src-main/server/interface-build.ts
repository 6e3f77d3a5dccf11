/**
 * The browser mode serves the built renderer (out/renderer). In a checkout it is
 * built here on demand, when missing or older than its sources, so `serve` works
 * right after `npm ci` and after every pull; the build tools (vite, electron-vite)
 * are dev dependencies and are loaded only then.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ElectronVite from 'electron-vite';
import type * as Vite from 'vite';
import { InputError } from '../core/api/errors.ts';

type BuildTools = [typeof ElectronVite, typeof Vite];

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_OUT = path.join(REPO_ROOT, 'out', 'renderer');
const RENDERER_SRC = path.join(REPO_ROOT, 'src-renderer');
/** What the built interface is made of: its own sources, the engine modules it shares (contract, query language), the build config. */
const SOURCES = [
  RENDERER_SRC,
  path.join(REPO_ROOT, 'src-main', 'core', 'api'),
  path.join(REPO_ROOT, 'src-main', 'core', 'search'),
  path.join(REPO_ROOT, 'electron.vite.config.ts'),
];
const LOCK = path.join(REPO_ROOT, 'out', '.renderer-build.lock');
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/** True when out/renderer is missing, or a source changed after it was built. */
export function rendererIsStale(): boolean {
  const built = fs.statSync(path.join(RENDERER_OUT, 'index.html'), { throwIfNoEntry: false });
  if (!built) return true;
  return Math.max(...SOURCES.map(newestMtime)) > built.mtimeMs;
}

/** Builds the renderer alone (not the Electron main and preload) from the renderer section of electron.vite.config.ts. */
export async function buildRenderer(): Promise<void> {
  let tools: BuildTools;
  try {
    tools = await Promise.all([import('electron-vite'), import('vite')]);
  } catch {
    throw new InputError(
      RENDERER_OUT,
      'The interface is not built, and the tools to build it are not installed. Run `npm ci` in the project folder (with its dev dependencies), then start `serve` again.',
    );
  }
  const [{ resolveConfig }, { build }] = tools;
  const previous = process.cwd();
  process.chdir(REPO_ROOT);
  try {
    const resolved = await resolveConfig({ logLevel: 'warn' }, 'build', 'production');
    const renderer = resolved.config?.renderer;
    if (!renderer) throw new InputError('electron.vite.config.ts', 'electron.vite.config.ts has no renderer section.');
    await build({ ...renderer, configFile: false, logLevel: 'warn' });
  } finally {
    process.chdir(previous);
  }
}

async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * The built interface's folder, built first when it is missing or stale. Concurrent
 * callers (two `serve` runs, parallel test files) share one build. Outside a checkout
 * (no src-renderer) the build shipped with the app is used as it is.
 * `onBuild` is told before a build starts, since it takes a while.
 */
export async function ensureInterfaceBuilt(onBuild: () => void = () => {}): Promise<string> {
  if (!fs.existsSync(RENDERER_SRC)) return RENDERER_OUT;
  await withBuildLock(async () => {
    if (!rendererIsStale()) return;
    onBuild();
    await buildRenderer();
  });
  return RENDERER_OUT;
}
