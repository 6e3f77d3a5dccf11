import fsp from 'node:fs/promises';
import { diskFullError } from './download-errors.ts';

/** Refuses up front when the models folder's file system cannot hold what is about to be written. */
export async function ensureFreeSpace(modelsDir: string, id: string, bytesNeeded: number): Promise<void> {
  if (bytesNeeded <= 0) return;
  let available: number;
  try {
    const stats = await fsp.statfs(modelsDir);
    available = stats.bavail * stats.bsize;
  } catch {
    // Some file systems cannot report free space; writing will still fail cleanly with ENOSPC.
    return;
  }
  if (available < bytesNeeded) throw diskFullError(modelsDir, id, bytesNeeded);
}
