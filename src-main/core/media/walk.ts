import type { Dirent, Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LibraryError } from '../errors.ts';
import { isWithin } from '../paths.ts';
import { fsReason } from './fs-reason.ts';
import { fsPath, keyFromBytes, realKey } from './path-key.ts';

export interface FoundFile {
  /** Path key (path-key.ts), absolute, as reached from the root (through symlinks, not resolved). */
  path: string;
  /** Path key of the file's real path, links resolved; equal to `path` when no link is on the way. */
  real: string;
  size: number;
  mtimeMs: number;
  /** Changes with every write, and cannot be set back as mtime can: an edit that restores mtime still shows. */
  ctimeMs: number;
  dev: number;
  ino: number;
  /** Lower-case, without the dot. */
  ext: string;
}

export interface WalkIssue {
  /** Path key of what could not be walked. */
  path: string;
  reason: string;
  /** folder: could not be listed (its photos are out of sight); link: its target is missing or unreadable; file: a photo that cannot be read. */
  kind: 'folder' | 'link' | 'file';
}

export interface WalkOptions {
  onIssue?: (issue: WalkIssue) => void;
  signal?: AbortSignal;
  /** Real path keys of folders never entered, however they are reached (the library's own folder). */
  exclude?: readonly string[];
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
  /** The name's key. */
  name: string;
  /** other: a FIFO, socket or device named like a photo, reported rather than read. */
  kind: 'file' | 'dir' | 'link' | 'other';
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

function classify(dirent: Dirent<Buffer>): Entry | null {
  const name = keyFromBytes(dirent.name);
  if (isSkippedName(name)) return null;
  if (dirent.isDirectory()) return { name, kind: 'dir' };
  if (dirent.isSymbolicLink()) return { name, kind: 'link' };
  if (!PHOTO_EXTENSIONS.has(extensionOf(name))) return null;
  return { name, kind: dirent.isFile() ? 'file' : 'other' };
}

function byName(a: Entry, b: Entry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function statAll(dir: string, entries: Entry[]): Promise<void> {
  const pending = entries.filter((e) => e.kind === 'file' || e.kind === 'link');
  for (let i = 0; i < pending.length; i += STAT_CONCURRENCY) {
    await Promise.all(
      pending.slice(i, i + STAT_CONCURRENCY).map(async (entry) => {
        try {
          entry.stats = await fs.stat(fsPath(path.join(dir, entry.name)));
        } catch (err) {
          entry.statError = err;
        }
      }),
    );
  }
}

async function readFrame(dir: string, real: string): Promise<Frame> {
  // Names as bytes: a name that is not valid UTF-8 gets a key instead of a U+FFFD that names no file.
  const dirents = await fs.readdir(fsPath(dir), { withFileTypes: true, encoding: 'buffer' });
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

function isExcluded(real: string, exclude: readonly string[]): boolean {
  return exclude.some((dir) => isWithin(dir, real));
}

/**
 * Every photo under `root` (a path key), depth first in sorted name order so runs
 * are reproducible. Follows symlinks but enters each real directory and yields each
 * real file once; never enters a folder listed in `exclude`. A root that cannot be
 * read throws (an unmounted drive must not look like an empty library); problems
 * below the root go to `onIssue` and the walk carries on: a folder that cannot be
 * listed, a link whose target is missing, a photo that cannot be stat'ed, or a
 * path longer than the system allows.
 */
export async function* walkPhotos(root: string, opts: WalkOptions = {}): AsyncGenerator<FoundFile> {
  const { onIssue, signal, exclude = [] } = opts;
  const absRoot = path.resolve(root);
  let rootFrame: Frame;
  try {
    rootFrame = await readFrame(absRoot, await realKey(absRoot));
  } catch (err) {
    throw new LibraryError('folder-offline', absRoot, `${absRoot}: ${fsReason(err)}`, { cause: err });
  }
  const visitedDirs = new Set<string>([rootFrame.real]);
  const seenFiles = new Set<string>();
  const stack: Frame[] = isExcluded(rootFrame.real, exclude) ? [] : [rootFrame];

  const enter = async (dir: string, real: string): Promise<void> => {
    if (visitedDirs.has(real) || isExcluded(real, exclude)) return;
    visitedDirs.add(real);
    try {
      stack.push(await readFrame(dir, real));
    } catch (err) {
      onIssue?.({ path: dir, reason: fsReason(err), kind: 'folder' });
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
    if (entry.kind === 'other') {
      onIssue?.({ path: full, reason: 'not a regular file', kind: 'file' });
      continue;
    }
    if (entry.statError !== undefined || !entry.stats) {
      const issue =
        entry.kind === 'link' ? { reason: linkReason(entry.statError), kind: 'link' as const } : { reason: fsReason(entry.statError), kind: 'file' as const };
      onIssue?.({ path: full, ...issue });
      continue;
    }
    let real = path.join(frame.real, entry.name);
    if (entry.kind === 'link') {
      try {
        real = await realKey(full);
      } catch (err) {
        onIssue?.({ path: full, reason: linkReason(err), kind: 'link' });
        continue;
      }
      if (entry.stats.isDirectory()) {
        await enter(full, real);
        continue;
      }
      if (!PHOTO_EXTENSIONS.has(extensionOf(entry.name))) continue;
      if (!entry.stats.isFile()) {
        onIssue?.({ path: full, reason: 'not a regular file', kind: 'file' });
        continue;
      }
    }
    if (seenFiles.has(real) || isExcluded(real, exclude)) continue;
    seenFiles.add(real);
    const { size, mtimeMs, ctimeMs, dev, ino } = entry.stats;
    yield { path: full, real, size, mtimeMs, ctimeMs, dev, ino, ext: extensionOf(entry.name) };
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
    stats = await fs.stat(fsPath(root));
  } catch (err) {
    return { online: false, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : fsReason(err) };
  }
  if (!stats.isDirectory()) return { online: false, reason: 'not a folder' };
  try {
    const dir = await fs.opendir(fsPath(root));
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
