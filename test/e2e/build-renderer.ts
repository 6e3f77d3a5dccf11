/**
 * Builds the renderer alone (not the Electron main and preload) from the renderer
 * section of electron.vite.config.ts, when out/renderer is missing or older than
 * any source under src-renderer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_OUT = path.join(ROOT, 'out', 'renderer');
const SOURCES = [path.join(ROOT, 'src-renderer'), path.join(ROOT, 'src-main', 'core', 'api', 'contract.ts'), path.join(ROOT, 'electron.vite.config.ts')];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

export function rendererIsStale(): boolean {
  const built = path.join(RENDERER_OUT, 'index.html');
  if (!fs.existsSync(built)) return true;
  return Math.max(...SOURCES.map(newestMtime)) > fs.statSync(built).mtimeMs;
}

export async function buildRenderer(): Promise<void> {
  const previous = process.cwd();
  process.chdir(ROOT);
  try {
    const resolved = await resolveConfig({ logLevel: 'warn' }, 'build', 'production');
    const renderer = resolved.config?.renderer;
    if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
    await build({ ...renderer, configFile: false, logLevel: 'warn' });
  } finally {
    process.chdir(previous);
  }
}

const LOCK = path.join(ROOT, 'out', '.renderer-build.lock');
/** A lock older than this was left by a run that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000;

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

/** Test files running in parallel share one build: the first builds, the others wait and reuse it. */
export async function ensureRendererBuilt(): Promise<void> {
  await withBuildLock(async () => {
    if (rendererIsStale()) await buildRenderer();
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildRenderer();
  console.log(`Built the interface into ${path.relative(process.cwd(), RENDERER_OUT) || RENDERER_OUT}`);
}
