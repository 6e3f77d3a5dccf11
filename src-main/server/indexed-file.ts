import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { fsPath, isWithin, realKey } from '../core/api/files.ts';
import type { IndexedFile } from './engine.ts';

/**
 * The stored mtime and the one read now come from the same stat field; a
 * difference under this is rounding in storage, not an edit.
 */
const MTIME_TOLERANCE_MS = 1;

async function realFolders(folders: readonly string[]): Promise<string[]> {
  const real = await Promise.all(folders.map((f) => realKey(f).catch(() => null)));
  return real.filter((f): f is string => f !== null);
}

/**
 * Opens a photo the library indexed, for reading, only if what is at its path now is
 * the file that was indexed: a regular file (never a FIFO, device or folder), with the
 * indexed size and modification time, whose real path (links resolved) lies inside a
 * library folder. The checks run on the open handle, and the resolved path must name
 * the very file that was opened (same device and inode), so a link swapped in between
 * the check and the read is refused too. Paths are the library's path keys (core/api/files.ts:
 * a name that is not UTF-8 is opened by its bytes). Returns null for anything else: the
 * caller answers 404 and never learns why, as an attacker would like to.
 */
export async function openIndexedFile(file: IndexedFile): Promise<FileHandle | null> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await fs.promises.open(fsPath(file.path), fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.size !== file.size || Math.abs(opened.mtimeMs - file.mtimeMs) >= MTIME_TOLERANCE_MS) throw new Error('not the indexed file');
    const real = await realKey(file.path);
    const atReal = await fs.promises.stat(fsPath(real));
    if (atReal.dev !== opened.dev || atReal.ino !== opened.ino) throw new Error('the path changed while it was opened');
    if (!(await realFolders(file.folders)).some((folder) => isWithin(folder, real))) throw new Error('outside the library folders');
    return handle;
  } catch {
    await handle.close();
    return null;
  }
}

/**
 * A path that reads the open file itself, not whatever its name points at now:
 * /proc/self/fd/<n> on Linux, /dev/fd/<n> on macOS and the BSDs. Null where the
 * platform has none (Windows); the caller then falls back to the file's path.
 */
export async function pathOfOpenFile(handle: FileHandle): Promise<string | null> {
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    const candidate = `${dir}/${handle.fd}`;
    const [viaPath, viaHandle] = await Promise.all([fs.promises.stat(candidate).catch(() => null), handle.stat()]);
    if (viaPath && viaPath.dev === viaHandle.dev && viaPath.ino === viaHandle.ino) return candidate;
  }
  return null;
}
