import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, ModelError } from '../../errors.ts';
import { ensureFreeSpace } from './disk-space.ts';
import { diskFullError } from './download-errors.ts';
import { fsyncFile } from './durable-fs.ts';
import { INSTALL_RECORD, readInstallRecord, writeInstallRecord, type InstalledFile, type InstallRecord } from './install-record.ts';
import type { InstalledModel } from './installed.ts';
import { detectLayout, layoutName, missingFiles } from '../layout.ts';
import { PARTIAL_DIR, checkedModelId, emptyTrash, placeModelDir, recoverInterruptedSwap, withModelLock } from './model-dirs.ts';

interface SourceFile {
  rel: string;
  abs: string;
  size: number;
}

/** A usable id from a folder name such as "ViT-B-32__openai" -> "vit-b-32__openai". */
function idFromFolderName(dir: string): string {
  return path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
}

async function sourceDir(srcDir: string): Promise<string> {
  let real: string;
  try {
    real = await fsp.realpath(srcDir);
  } catch {
    throw new InputError(srcDir, `${srcDir} does not exist`);
  }
  if (!(await fsp.stat(real)).isDirectory()) throw new InputError(srcDir, `${srcDir} is not a folder`);
  return real;
}

/**
 * The files to copy: everything but dot entries (.git, the .cache a Hugging Face CLI
 * download leaves) and the old install.json, which is rewritten. Symlinks are followed,
 * each real directory once, so a copied model is self-contained.
 */
async function collectFiles(root: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    const real = await fsp.realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of (await fsp.readdir(dir)).sort()) {
      if (name.startsWith('.') || (rel === '' && name === INSTALL_RECORD)) continue;
      const abs = path.join(dir, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const stat = await fsp.stat(abs).catch(() => null);
      if (stat?.isDirectory()) await walk(abs, childRel);
      else if (stat?.isFile()) files.push({ rel: childRel, abs, size: stat.size });
    }
  };
  await walk(root, '');
  return files;
}

async function copyHashing(from: string, to: string): Promise<string> {
  await fsp.mkdir(path.dirname(to), { recursive: true });
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(fs.createReadStream(from), tap, fs.createWriteStream(to, { flags: 'wx' }));
  await fsyncFile(to);
  return hash.digest('hex');
}

/** A copy of an installed model carries its install.json: hold the copy to it. */
function checkAgainstRecord(src: string, record: InstallRecord, copied: InstalledFile[]): void {
  const byPath = new Map(copied.map((file) => [file.path, file]));
  for (const expected of record.files) {
    const got = byPath.get(expected.path);
    if (!got)
      throw new ModelError(
        'model-invalid',
        path.join(src, expected.path),
        `${src} is incomplete: ${expected.path}, listed in its ${INSTALL_RECORD}, is missing`,
      );
    if (got.sha256 !== expected.sha256) {
      throw new ModelError(
        'model-invalid',
        path.join(src, expected.path),
        `${path.join(src, expected.path)} does not match the checksum in its ${INSTALL_RECORD}: the copy is damaged`,
      );
    }
  }
}

/**
 * Installs a model directory copied from elsewhere (another machine, a USB stick) under
 * `modelsDir/<id>`: checks it is a complete model in a known layout, copies it into a
 * staging folder with checksums, then renames it into place like a download.
 */
export async function importModel(srcDir: string, modelsDir: string, id?: string): Promise<InstalledModel> {
  const src = await sourceDir(srcDir);
  const modelId = checkedModelId(id ?? idFromFolderName(src));
  const layout = detectLayout(src);
  const missing = missingFiles(src, layout);
  if (missing.length > 0) {
    throw new ModelError('model-invalid', src, `${src} is not a complete ${layoutName(layout)}: missing ${missing.join(', ')}`);
  }
  const sources = await collectFiles(src);
  const totalBytes = sources.reduce((sum, file) => sum + file.size, 0);

  await fsp.mkdir(path.join(modelsDir, PARTIAL_DIR), { recursive: true });
  return withModelLock(modelsDir, modelId, async () => {
    await recoverInterruptedSwap(modelsDir, modelId);
    await emptyTrash(modelsDir);
    await ensureFreeSpace(modelsDir, modelId, totalBytes);
    const prefix = `.import-${modelId}-`;
    // Under this id's lock, any earlier staging folder for it is from an import that crashed.
    for (const name of await fsp.readdir(path.join(modelsDir, PARTIAL_DIR))) {
      if (name.startsWith(prefix)) await fsp.rm(path.join(modelsDir, PARTIAL_DIR, name), { recursive: true, force: true });
    }
    const staging = await fsp.mkdtemp(path.join(modelsDir, PARTIAL_DIR, prefix));
    try {
      const files: InstalledFile[] = [];
      for (const file of sources) {
        files.push({ path: file.rel, size: file.size, sha256: await copyHashing(file.abs, path.join(staging, ...file.rel.split('/'))) });
      }
      const previous = readInstallRecord(src);
      if (previous) checkAgainstRecord(src, previous, files);
      const record: InstallRecord = {
        id: modelId,
        source: 'import',
        layout,
        repo: previous?.repo,
        ref: previous?.ref,
        revision: previous?.revision,
        variant: previous?.variant,
        importedFrom: src,
        installedAt: new Date().toISOString(),
        files,
      };
      await writeInstallRecord(staging, record);
      const dir = await placeModelDir(staging, modelsDir, modelId);
      return { ...record, dir };
    } catch (err) {
      await fsp.rm(staging, { recursive: true, force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw diskFullError(modelsDir, modelId, totalBytes, err);
      throw err;
    }
  });
}
