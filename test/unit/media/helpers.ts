import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CorpusEntry, type CorpusManifest, writePhotoCorpus } from '../../fixtures/photos.ts';

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `photo-search-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
}

export interface Corpus extends CorpusManifest {
  /** The temp folder holding the corpus (the corpus root is inside it). */
  base: string;
  abs(entry: CorpusEntry | string): string;
  byPath(relPath: string): CorpusEntry;
}

export async function makeCorpus(): Promise<Corpus> {
  const base = await tempDir('corpus');
  const manifest = await writePhotoCorpus(path.join(base, 'photos'));
  return {
    ...manifest,
    base,
    abs: (entry) => path.join(manifest.root, ...(typeof entry === 'string' ? entry : entry.relPath).split('/')),
    byPath: (relPath) => {
      const entry = manifest.entries.find((e) => e.relPath === relPath);
      if (!entry) throw new Error(`corpus has no ${relPath}`);
      return entry;
    },
  };
}

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'unprivileged-probe.ts');
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NOBODY = 65534;

/** Every folder from / down to the repo must be searchable by others for the probe to start as nobody. */
function othersCanReach(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/**
 * Whether the permission tests can run here: any non-root user can, root only when
 * the unprivileged child can reach the code (a clone under a private home cannot).
 */
export const canTestPermissions = process.getuid?.() !== 0 || othersCanReach(path.join(REPO_ROOT, 'node_modules'));

/**
 * Runs a media call in a child process without root's power to read anything, so
 * "permission denied" is real even when the tests run as root (CI containers).
 */
export async function runUnprivileged<T>(command: string, target: string): Promise<T> {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(process.execPath, ['--import', 'tsx', PROBE, command, target], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOME: os.tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`probe ${command} exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as T;
}

/** Lets the unprivileged probe reach a temp tree (mkdtemp makes it private to root). */
export async function openToOthers(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
}
