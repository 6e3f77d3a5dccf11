import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { InputError, ModelError } from '../../errors.ts';
import { MODEL_ID_PATTERN } from '../catalog.ts';
import { fsyncDir, pathExists } from './durable-fs.ts';

/**
 * Everything under the models folder: `<id>/` is an installed model and nothing else;
 * work in progress lives in dot-folders, so a listing or a loader never sees half a model.
 */
export const PARTIAL_DIR = '.partial';
/** The previous install of a model while its replacement is renamed in. */
const REPLACED_DIR = '.replaced';
/** Directories on their way out; emptied on the next install or listing. */
const TRASH_DIR = '.trash';

export function checkedModelId(id: string): string {
  if (!MODEL_ID_PATTERN.test(id)) {
    throw new InputError(id, `"${id}" is not a valid model id: use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit`);
  }
  return id;
}

export function installedDir(modelsDir: string, id: string): string {
  return path.join(modelsDir, checkedModelId(id));
}

export function partialDir(modelsDir: string, id: string): string {
  return path.join(modelsDir, PARTIAL_DIR, checkedModelId(id));
}

/** Runs `fn` while holding the per-model lock, so two installs (or an install and a removal) never interleave. */
export async function withModelLock<T>(modelsDir: string, id: string, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(modelsDir, PARTIAL_DIR);
  await fsp.mkdir(dir, { recursive: true });
  const lockFile = path.join(dir, `${checkedModelId(id)}.lock`);
  await acquireLock(lockFile, id);
  try {
    return await fn();
  } finally {
    await fsp.rm(lockFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(lockFile: string, id: string): Promise<void> {
  // link() publishes the lock with its pid already inside, so no one ever reads an empty lock.
  const candidate = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fsp.writeFile(candidate, String(process.pid));
  try {
    for (let tries = 0; tries < 2; tries++) {
      try {
        await fsp.link(candidate, lockFile);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number.parseInt(await fsp.readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (owner > 0 && isAlive(owner)) {
        throw new ModelError(
          'model-download-failed',
          lockFile,
          `Model ${id} is being installed or removed by another task (process ${owner}). Wait for it to finish, or delete ${lockFile} if that process is gone.`,
        );
      }
      await fsp.rm(lockFile, { force: true });
    }
    throw new ModelError('model-download-failed', lockFile, `Could not lock ${lockFile} for model ${id}; another task keeps taking it`);
  } finally {
    await fsp.rm(candidate, { force: true });
  }
}

/** Moves a directory out of the way (a rename, instant and atomic), then deletes it. */
export async function discardDir(modelsDir: string, dir: string): Promise<void> {
  if (!(await pathExists(dir))) return;
  const trash = path.join(modelsDir, TRASH_DIR);
  await fsp.mkdir(trash, { recursive: true });
  const doomed = path.join(trash, `${path.basename(dir)}-${randomBytes(6).toString('hex')}`);
  await fsp.rename(dir, doomed);
  await emptyTrash(modelsDir);
}

/** Best effort: what is in the trash is already out of every model's way, and the next call retries. */
export async function emptyTrash(modelsDir: string): Promise<void> {
  await fsp.rm(path.join(modelsDir, TRASH_DIR), { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Finishes a replacement that a crash interrupted between its two renames: the previous
 * install is put back rather than leaving the model missing.
 */
export async function recoverInterruptedSwap(modelsDir: string, id: string): Promise<void> {
  const target = installedDir(modelsDir, id);
  const replaced = path.join(modelsDir, REPLACED_DIR, id);
  if (!(await pathExists(replaced))) return;
  if (await pathExists(target)) await fsp.rm(replaced, { recursive: true, force: true });
  else await fsp.rename(replaced, target);
}

/**
 * Renames a complete, verified directory into `modelsDir/<id>`. A previous install is moved
 * aside first and deleted only once the new one is in place; if the second rename fails it
 * is moved back. `staging` must be on the same file system (it lives under modelsDir).
 */
export async function placeModelDir(staging: string, modelsDir: string, id: string): Promise<string> {
  const target = installedDir(modelsDir, id);
  const replacedRoot = path.join(modelsDir, REPLACED_DIR);
  const replaced = path.join(replacedRoot, id);
  await recoverInterruptedSwap(modelsDir, id);
  const hadPrevious = await pathExists(target);
  if (hadPrevious) {
    await fsp.mkdir(replacedRoot, { recursive: true });
    await fsp.rename(target, replaced);
  }
  try {
    await fsp.rename(staging, target);
  } catch (err) {
    if (hadPrevious) await fsp.rename(replaced, target);
    throw err;
  }
  await fsyncDir(modelsDir);
  if (hadPrevious) await fsp.rm(replaced, { recursive: true, force: true });
  return target;
}
