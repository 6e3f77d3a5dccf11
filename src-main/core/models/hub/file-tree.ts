import fsp from 'node:fs/promises';
import path from 'node:path';

/** Relative paths ("/"-separated) of the regular files under `root`; empty when it does not exist. */
export async function listFiles(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await fsp.readdir(root, { recursive: true, withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}
