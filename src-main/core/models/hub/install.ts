import fsp from 'node:fs/promises';
import path from 'node:path';
import { InputError, ModelError } from '../../errors.ts';
import type { CatalogEntry } from '../catalog.ts';
import { ensureFreeSpace } from './disk-space.ts';
import { describeFailure } from './download-errors.ts';
import { downloadFile, type FileJob } from './download-file.ts';
import { fileSize, writeFileDurably } from './durable-fs.ts';
import { listFiles } from './file-tree.ts';
import { DEFAULT_HUB_URL, encodePath, fetchRevision, hubUrl, type RepoRevision } from './hub-api.ts';
import { writeInstallRecord, type InstalledFile, type InstallRecord } from './install-record.ts';
import { checkedModelId, emptyTrash, partialDir, placeModelDir, recoverInterruptedSwap, withModelLock } from './model-dirs.ts';
import { ProgressMeter, type DownloadProgress } from './progress.ts';

export type { DownloadProgress } from './progress.ts';

export interface InstallOptions {
  /** Default https://huggingface.co, or PHOTO_SEARCH_HUB_URL when set (mirrors, tests). */
  hubUrl?: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Longest wait for a connection, an answer or the next chunk of data. Default 30 s. */
  timeoutMs?: number;
  /** Fetch the int8 encoders the manifest lists instead of the full-precision ones. */
  quantized?: boolean;
}

export interface InstallResult {
  dir: string;
  /** The commit the manifest's branch resolved to. */
  revision: string;
  files: InstalledFile[];
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** What an install needs of a manifest: the CLIP catalog's entries and the OCR models' manifests (core/text) both provide it. */
export type InstallableEntry = Pick<CatalogEntry, 'id' | 'displayName' | 'source' | 'quantized'> & { layout: InstallRecord['layout'] };

export function resolveHubUrl(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const value = explicit ?? (env.PHOTO_SEARCH_HUB_URL?.trim() || DEFAULT_HUB_URL);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(value, `Hub URL "${value}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(value, `Hub URL "${value}" must start with https:// or http://`);
  return url.href;
}

/** The repository files an install fetches: the manifest's list, with encoders swapped for the quantized ones when asked. */
export function filesToFetch(entry: InstallableEntry, quantized: boolean): string[] {
  if (!quantized) return entry.source.files;
  if (!entry.quantized) throw new InputError(entry.id, `${entry.displayName} (${entry.id}) has no quantized variant`);
  const swaps = entry.quantized.files;
  return entry.source.files.map((file) => swaps[file] ?? file);
}

/** Where a repository file is written; entries built in code skip the catalog's path checks, so check again. */
function stagedPath(staging: string, file: string): string {
  const dest = path.join(staging, ...file.split('/'));
  const inside = path.relative(staging, dest);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new InputError(file, `"${file}" is not a path inside the model repository`);
  }
  return dest;
}

interface PartialState {
  repo: string;
  revision: string;
}

/**
 * Keeps what an earlier, interrupted run of the same commit downloaded, and nothing else:
 * files from another commit or variant must not end up in the installed directory.
 */
async function preparePartial(staging: string, state: PartialState, wanted: readonly string[]): Promise<void> {
  const stateFile = `${staging}.json`;
  const previous = await fsp.readFile(stateFile, 'utf8').then(
    (text) => JSON.parse(text) as Partial<PartialState>,
    () => null,
  );
  if (previous?.repo !== state.repo || previous.revision !== state.revision) {
    await fsp.rm(staging, { recursive: true, force: true });
  }
  const keep = new Set(wanted);
  for (const file of await listFiles(staging)) {
    if (!keep.has(file)) await fsp.rm(path.join(staging, file), { force: true });
  }
  await fsp.mkdir(staging, { recursive: true });
  await writeFileDurably(stateFile, JSON.stringify(state));
}

/**
 * Downloads a catalog model into `modelsDir/<id>`: resolves the branch to a commit, fetches
 * each file into `modelsDir/.partial/<id>` (resuming what an earlier run left), verifies size
 * and SHA-256, writes install.json, then renames the whole directory into place.
 */
export async function installModel(entry: InstallableEntry, modelsDir: string, opts: InstallOptions = {}): Promise<InstallResult> {
  const id = checkedModelId(entry.id);
  const env = process.env;
  const hub = resolveHubUrl(opts.hubUrl, env);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const quantized = opts.quantized === true;
  const wanted = filesToFetch(entry, quantized);
  const { repo, revision: ref } = entry.source;
  const staging = partialDir(modelsDir, id);
  for (const file of wanted) stagedPath(staging, file);
  const http = { timeoutMs, signal: opts.signal, env };
  const failure = (err: unknown, what: string, url: URL, bytesNeeded: number) =>
    describeFailure(err, { id, what, url, timeoutMs, modelsDir, bytesNeeded, env }, opts.signal);

  await fsp.mkdir(modelsDir, { recursive: true });
  return withModelLock(modelsDir, id, async () => {
    await recoverInterruptedSwap(modelsDir, id);
    await emptyTrash(modelsDir);

    let remote: RepoRevision;
    try {
      remote = await fetchRevision(hub, repo, ref, http);
    } catch (err) {
      throw failure(err, `${repo} (file list)`, hubUrl(hub, 'api/models', repo), 0);
    }

    const jobs: (FileJob & { file: string })[] = wanted.map((file) => {
      const url = hubUrl(hub, repo, 'resolve', remote.sha, encodePath(file));
      const meta = remote.files.get(file);
      if (!meta) throw new ModelError('model-download-failed', url.href, `${repo}/${file} not found on the hub (revision ${ref})`);
      return { file, label: `${repo}/${file}`, revision: ref, url, dest: stagedPath(staging, file), size: meta.size, sha256: meta.sha256 };
    });

    await preparePartial(staging, { repo, revision: remote.sha }, wanted);
    const total = jobs.reduce((sum, job) => sum + job.size, 0);
    const meter = new ProgressMeter(total, opts.onProgress);
    for (const job of jobs) meter.alreadyHave(job.file, Math.min(job.size, (await fileSize(job.dest)) ?? 0));
    await ensureFreeSpace(modelsDir, id, total - meter.bytesDone);

    const files: InstalledFile[] = [];
    for (const job of jobs) {
      try {
        const sha256 = await downloadFile(job, { ...http, onBytes: (bytes) => meter.update(job.file, bytes, job.size) });
        files.push({ path: job.file, size: job.size, sha256 });
      } catch (err) {
        throw failure(err, job.label, job.url, total - meter.bytesDone);
      }
    }

    await writeInstallRecord(staging, {
      id,
      source: 'huggingface',
      layout: entry.layout,
      repo,
      ref,
      revision: remote.sha,
      variant: quantized ? 'quantized' : 'fp32',
      installedAt: new Date().toISOString(),
      files,
    });
    const dir = await placeModelDir(staging, modelsDir, id);
    await fsp.rm(`${staging}.json`, { force: true });
    return { dir, revision: remote.sha, files };
  });
}
