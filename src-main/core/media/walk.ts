import type { Dirent, Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LibraryError } from '../errors.ts';
import { fsReason } from './fs-reason.ts';

export interface FoundFile {
  /** Absolute, as reached from the root (through symlinks, not resolved). */
  path: string;
  size: number;
  mtimeMs: number;
  /** Lower-case, without the dot. */
  ext: string;
}

export interface WalkIssue {
  path: string;
  reason: string;
}

export interface WalkOptions {
  onIssue?: (issue: WalkIssue) => void;
  signal?: AbortSignal;
}

export const PHOTO_EXTENSIONS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'jpe', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif']);

/**
 * Names (lower-case) that NAS boxes, operating systems and tools leave in photo
 * folders; their contents are thumbnails, trash or metadata, never the user's photos.
 * Dot-names (.git, .thumbnails, .Trashes, .Spotlight-V100, AppleDouble `._x`) are
 * skipped by the hidden-entry rule.
 */
const SYSTEM_NAMES: ReadonlySet<string> = new Set([
  'node_modules',
  '@eadir',
  '#recycle',
  '#snapshot',
  '$recycle.bin',
  'system volume information',
  'thumbs.db',
  'desktop.ini',
]);

/** How many stat calls run at once; enough to keep libuv's pool busy on a slow disk. */
const STAT_CONCURRENCY = 32;

interface Entry {
  name: string;
  kind: 'file' | 'dir' | 'link';
  /** Filled for candidate files and for symlinks (which are stat'ed to learn what they point to). */
  stats?: Stats;
  statError?: unknown;
}

interface Frame {
  dir: string;
  real: string;
  entries: Entry[];
  next: number;
}

function isSkippedName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

function extensionOf(name: string): string {
  return path.extname(name).slice(1).toLowerCase();
}

function classify(dirent: Dirent): Entry | null {
  if (isSkippedName(dirent.name)) return null;
  if (dirent.isDirectory()) return { name: dirent.name, kind: 'dir' };
  if (dirent.isSymbolicLink()) return { name: dirent.name, kind: 'link' };
  if (dirent.isFile() && PHOTO_EXTENSIONS.has(extensionOf(dirent.name))) return { name: dirent.name, kind: 'file' };
  return null;
}

function byName(a: Entry, b: Entry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function statAll(dir: string, entries: Entry[]): Promise<void> {
  const pending = entries.filter((e) => e.kind !== 'dir');
  for (let i = 0; i < pending.length; i += STAT_CONCURRENCY) {
    await Promise.all(
      pending.slice(i, i + STAT_CONCURRENCY).map(async (entry) => {
        try {
          entry.stats = await fs.stat(path.join(dir, entry.name));
        } catch (err) {
          entry.statError = err;
        }
      }),
    );
  }
}

async function readFrame(dir: string, real: string): Promise<Frame> {
  const dirents = await fs.readdir(dir, { withFileTypes: true });
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    const entry = classify(dirent);
    if (entry) entries.push(entry);
  }
  entries.sort(byName);
  await statAll(dir, entries);
  return { dir, real, entries, next: 0 };
}

function linkReason(err: unknown): string {
  return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'broken symbolic link' : fsReason(err);
}

/**
 * Every photo under `root`, depth first in sorted name order so runs are reproducible.
 * Follows symlinks but enters each real directory and yields each real file once.
 * A root that cannot be read throws (an unmounted drive must not look like an empty
 * library); problems below the root go to `onIssue` and the walk carries on.
 */
export async function* walkPhotos(root: string, opts: WalkOptions = {}): AsyncGenerator<FoundFile> {
  const { onIssue, signal } = opts;
  const absRoot = path.resolve(root);
  let rootFrame: Frame;
  try {
    rootFrame = await readFrame(absRoot, await fs.realpath(absRoot));
  } catch (err) {
    throw new LibraryError('folder-offline', absRoot, `${absRoot}: ${fsReason(err)}`, { cause: err });
  }
  const visitedDirs = new Set<string>([rootFrame.real]);
  const seenFiles = new Set<string>();
  const stack: Frame[] = [rootFrame];

  const enter = async (dir: string, real: string): Promise<void> => {
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    try {
      stack.push(await readFrame(dir, real));
    } catch (err) {
      onIssue?.({ path: dir, reason: fsReason(err) });
    }
  };

  while (stack.length > 0) {
    signal?.throwIfAborted();
    const frame = stack[stack.length - 1];
    const entry = frame.entries[frame.next++];
    if (!entry) {
      stack.pop();
      continue;
    }
    const full = path.join(frame.dir, entry.name);
    if (entry.kind === 'dir') {
      await enter(full, path.join(frame.real, entry.name));
      continue;
    }
    if (entry.statError !== undefined || !entry.stats) {
      onIssue?.({ path: full, reason: entry.kind === 'link' ? linkReason(entry.statError) : fsReason(entry.statError) });
      continue;
    }
    let real = path.join(frame.real, entry.name);
    if (entry.kind === 'link') {
      try {
        real = await fs.realpath(full);
      } catch (err) {
        onIssue?.({ path: full, reason: linkReason(err) });
        continue;
      }
      if (entry.stats.isDirectory()) {
        await enter(full, real);
        continue;
      }
      if (!entry.stats.isFile() || !PHOTO_EXTENSIONS.has(extensionOf(entry.name))) continue;
    }
    if (seenFiles.has(real)) continue;
    seenFiles.add(real);
    yield { path: full, size: entry.stats.size, mtimeMs: entry.stats.mtimeMs, ext: extensionOf(entry.name) };
  }
}

export type FolderState = { online: true } | { online: false; reason: string };

/**
 * Whether a photo folder can be scanned now. An empty folder counts as offline: a
 * drive that is not mounted leaves an empty mount point, and scanning it would
 * mark every photo of that folder as gone.
 */
export async function checkFolderOnline(root: string): Promise<FolderState> {
  let stats: Stats;
  try {
    stats = await fs.stat(root);
  } catch (err) {
    return { online: false, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : fsReason(err) };
  }
  if (!stats.isDirectory()) return { online: false, reason: 'not a folder' };
  try {
    const dir = await fs.opendir(root);
    try {
      if ((await dir.read()) === null) return { online: false, reason: 'folder is empty (a drive that is not mounted looks like this)' };
    } finally {
      await dir.close();
    }
  } catch (err) {
    return { online: false, reason: fsReason(err) };
  }
  return { online: true };
}
