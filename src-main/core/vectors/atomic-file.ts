import fs from 'node:fs';
import path from 'node:path';

/**
 * Side files are replaced by writing a temp file next to the target, flushing it,
 * renaming it over the target and flushing the directory, so a crash at any point
 * leaves either the old file or the new one, never a mix. Temp names carry the
 * writer's pid so a leftover can be told apart from a save in progress elsewhere.
 */
export function tempPathFor(file: string): string {
  return `${file}.tmp-${process.pid}`;
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename durable. Windows cannot open a directory for flushing and commits renames itself. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Moves a fully written temp file over `file` durably. */
export function commitTempFile(tmp: string, file: string): void {
  fsyncFile(tmp);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = tempPathFor(file);
  try {
    fs.writeFileSync(tmp, data);
    commitTempFile(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Our own pid counts as running: a worker thread of this process may be saving. */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes temp files left by saves of `file` that were interrupted (their writer is
 * gone); an index temp file can be as large as the index. Best effort: a file that
 * cannot be listed or removed is left for next time.
 */
export function removeAbandonedTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pidText = name.slice(prefix.length);
    if (!/^\d+$/.test(pidText) || isRunning(Number(pidText))) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // Still in use or not ours to delete: tried again on the next open.
    }
  }
}
