import fsp from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../../errors.ts';
import { MODEL_ID_PATTERN } from '../catalog.ts';
import { pathExists } from './durable-fs.ts';
import { readInstallRecord, type InstallRecord } from './install-record.ts';
import { checkedModelId, discardDir, installedDir, partialDir, recoverInterruptedSwap, withModelLock } from './model-dirs.ts';

export interface InstalledModel extends InstallRecord {
  dir: string;
}

/**
 * The models installed under `modelsDir`, by their install.json. A directory without a
 * valid record was not put there by install or import and is not offered for use.
 */
export async function listInstalled(modelsDir: string): Promise<InstalledModel[]> {
  let names: string[];
  try {
    names = await fsp.readdir(modelsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ModelError('model-missing', modelsDir, `Cannot read the models folder ${modelsDir}: ${(err as Error).message}`, { cause: err });
  }
  const installed: InstalledModel[] = [];
  for (const name of names.sort()) {
    if (!MODEL_ID_PATTERN.test(name)) continue;
    const dir = path.join(modelsDir, name);
    const record = readInstallRecord(dir);
    if (record) installed.push({ ...record, id: name, dir });
  }
  return installed;
}

/** Deletes an installed model and any unfinished download of it. */
export async function removeModel(id: string, modelsDir: string): Promise<void> {
  const target = installedDir(modelsDir, id);
  if (!(await pathExists(modelsDir))) throw new ModelError('model-missing', target, `Model ${id} is not installed in ${modelsDir}`);
  await withModelLock(modelsDir, checkedModelId(id), async () => {
    await recoverInterruptedSwap(modelsDir, id);
    const staging = partialDir(modelsDir, id);
    const found = (await pathExists(target)) || (await pathExists(staging));
    if (!found) throw new ModelError('model-missing', target, `Model ${id} is not installed in ${modelsDir}`);
    await discardDir(modelsDir, target);
    await discardDir(modelsDir, staging);
    await fsp.rm(`${staging}.json`, { force: true });
  });
}
