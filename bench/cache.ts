import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.cache');

/** Generated inputs, reused across runs and never committed (.cache is gitignored). */
export const cachePaths = {
  models: path.join(CACHE_ROOT, 'bench-models'),
  libraries: path.join(CACHE_ROOT, 'bench-libraries'),
  photos: path.join(CACHE_ROOT, 'bench-photos'),
  /** Throw-away libraries of single runs; emptied at the start of each benchmark. */
  scratch: path.join(CACHE_ROOT, 'bench-scratch-libraries'),
};

export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

const STAMP_FILE = 'bench-stamp.json';

interface Stamp<I> {
  key: unknown;
  info: I;
}

/**
 * Builds `dir` once per `key` (what the content depends on: generator version,
 * sizes, model id) and returns what the build reported. The stamp is written last,
 * so a build that was interrupted, or one made for another key, is wiped and redone.
 * Builds happen in place because libraries store the absolute paths of their photos.
 */
export async function buildOnce<I>(dir: string, key: unknown, build: (dir: string) => Promise<I>): Promise<{ info: I; reused: boolean }> {
  const stampFile = path.join(dir, STAMP_FILE);
  if (existsSync(stampFile)) {
    try {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp<I>;
      if (JSON.stringify(stamp.key) === JSON.stringify(key)) return { info: stamp.info, reused: true };
    } catch {
      // An unreadable stamp is the same as none: the content is rebuilt.
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const info = await build(dir);
  writeFileSync(stampFile, `${JSON.stringify({ key, info } satisfies Stamp<I>, null, 2)}\n`);
  return { info, reused: false };
}

/** A fresh empty folder under the scratch area. */
export function scratchDir(name: string): string {
  const dir = path.join(cachePaths.scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function clearScratch(): void {
  rmSync(cachePaths.scratch, { recursive: true, force: true });
}
