import path from 'node:path';
import { LibraryError, MediaError } from '../errors.ts';
import { dateTaken } from '../media/date-taken.ts';
import { contentIdentity, quickHash } from '../media/identity.ts';
import { checkFolderOnline, type FoundFile, walkPhotos, type WalkIssue } from '../media/walk.ts';
import { isWithin } from '../paths.ts';
import type { FailureRecord } from '../store/failures.ts';
import type { LibraryStore } from '../store/library-store.ts';
import type { StoredFile } from '../store/photos.ts';
import { emptyPlan, type FoundPhoto, type ScannedFile, type ScanPlan } from './plan.ts';

export interface ScanOptions {
  signal?: AbortSignal;
  onFound?: (count: number) => void;
  onOffline?: (folder: string, reason: string) => void;
  /** Real path keys of folders never scanned, however reached: the library's own folder. Photos indexed from them before are removed. */
  exclude?: readonly string[];
  /** Remove photos no longer found even when they are most of a folder: the user has confirmed. */
  allowRemovals?: boolean;
}

/**
 * A scan holds the removal of photos no longer found, instead of dropping their
 * embeddings, when they are all of a folder's photos (two or more), or at least
 * HOLD_MIN_PHOTOS and more than half of them: a share that half-mounted, a sync tool
 * that emptied a folder, a root left with only a .DS_Store. A few deletions go
 * through without asking.
 */
const HOLD_MIN_PHOTOS = 5;

/** The path dates are read from (media/date-taken.ts): the library folder's own name, then the path below it, '/'-separated. */
export function datePath(folder: string, file: string): string {
  return [path.basename(folder), ...path.relative(folder, file).split(path.sep)].join('/');
}

function sameFile(row: StoredFile, file: FoundFile): boolean {
  return row.size === file.size && row.mtimeMs === file.mtimeMs && (row.ctimeMs === null || row.ctimeMs === file.ctimeMs);
}

/** Facts a row lacks or that moved (a library from an older version, a remount, a link retargeted), worth writing without reading. */
function factsDiffer(row: StoredFile, file: FoundFile): boolean {
  return row.ctimeMs === null || row.dev !== file.dev || row.ino !== file.ino || (row.realPath ?? row.path) !== file.real;
}

function factsOf(file: FoundFile) {
  return { size: file.size, mtimeMs: file.mtimeMs, ctimeMs: file.ctimeMs, dev: file.dev, ino: file.ino, realPath: file.real === file.path ? null : file.real };
}

function scanned(file: FoundPhoto, quick: string): ScannedFile {
  return { ...factsOf(file), path: file.path, quickHash: quick, ext: file.ext };
}

/** A file gone by the time it is read is skipped: the next scan sees it gone. */
function vanished(err: unknown): boolean {
  const code = ((err as { cause?: NodeJS.ErrnoException }).cause ?? (err as NodeJS.ErrnoException)).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** How a walk issue is shown in status; `kept` photos of the library lie at or below it and are kept. */
function issueFailure(issue: WalkIssue, folderId: number, kept: number): FailureRecord {
  const keeping =
    kept > 0 ? `; the ${kept === 1 ? 'photo' : `${kept} photos`} indexed from it ${kept === 1 ? 'is' : 'are'} kept until it can be read again` : '';
  const reason = issue.kind === 'folder' ? `cannot read this folder: ${issue.reason}${keeping}` : `${issue.reason}${keeping}`;
  const code = issue.kind === 'folder' ? 'folder-unreadable' : 'file-unreadable';
  return { path: issue.path, folderId, size: 0, mtimeMs: 0, code, reason };
}

/**
 * Walks the library folders and compares what is on disk with the store.
 * Content is read only for files whose size, mtime or ctime changed or that are
 * new, so an unchanged library is scanned without reading any photo. A folder
 * that is offline keeps its photos, and so does a part of a folder that cannot
 * be read (an unreadable or missing subfolder, a link to an unplugged drive): only
 * files gone from a place that was read are dropped, and when they are most of a
 * folder their removal is held for confirmation (see HOLD_MIN_PHOTOS).
 */
export async function scanFolders(store: LibraryStore, folderIds: readonly number[], opts: ScanOptions = {}): Promise<ScanPlan> {
  const plan = emptyPlan();
  const fresh: FoundPhoto[] = [];
  const folderSizes = new Map<number, number>();
  const exclude = opts.exclude ?? [];
  const excluded = (row: StoredFile) => exclude.some((dir) => isWithin(dir, row.path) || (row.realPath !== null && isWithin(dir, row.realPath)));
  const forced: StoredFile[] = [];
  let found = 0;

  for (const folder of store.folders.list().filter((f) => folderIds.includes(f.id))) {
    const online = await checkFolderOnline(folder.path);
    if (!online.online) {
      store.folders.markScanned(folder.id, false, online.reason);
      opts.onOffline?.(folder.path, online.reason);
      continue;
    }
    const stored = new Map(store.photos.inFolder(folder.id).map((p) => [p.path, p]));
    const failed = store.failures.inFolder(folder.id);
    const seen = new Set<string>();
    const issues: WalkIssue[] = [];
    const folderPlan = emptyPlan();
    const folderFresh: FoundPhoto[] = [];
    try {
      for await (const file of walkPhotos(folder.path, { signal: opts.signal, exclude, onIssue: (issue) => issues.push(issue) })) {
        opts.signal?.throwIfAborted();
        seen.add(file.path);
        opts.onFound?.(++found);
        const row = stored.get(file.path);
        if (row) {
          if (row.missingSince !== null) folderPlan.returned.push(row.id);
          if (!sameFile(row, file)) {
            folderFresh.push({ ...file, folderId: folder.id, stored: row });
            continue;
          }
          folderPlan.unchanged++;
          if (factsDiffer(row, file)) folderPlan.touches.push({ photoId: row.id, facts: factsOf(file) });
          if (row.dateSource === 'file-time') {
            const taken = dateTaken({ exif: null, relativePath: datePath(folder.path, file.path), mtimeMs: file.mtimeMs });
            if (taken.source !== 'file-time') {
              folderPlan.redates.push({
                photoId: row.id,
                taken: { takenAt: taken.instant, takenLocal: taken.local, takenOffset: null, dateSource: taken.source },
              });
            }
          }
          continue;
        }
        const failure = failed.get(file.path);
        if (failure && failure.size === file.size && failure.mtimeMs === file.mtimeMs) {
          folderPlan.unchanged++;
          continue;
        }
        folderFresh.push({ ...file, folderId: folder.id });
      }
    } catch (err) {
      // A drive unplugged during the walk: keep the folder's photos, as if it had been offline from the start.
      if (!(err instanceof LibraryError && err.code === 'folder-offline')) throw err;
      store.folders.markScanned(folder.id, false, err.message);
      opts.onOffline?.(folder.path, err.message);
      continue;
    }
    // What lies at or below a place the walk could not read is out of sight, not gone.
    const outOfSight = (p: string) => issues.some((issue) => isWithin(issue.path, p));
    const unseen = [...stored.values()].filter((row) => !seen.has(row.path));
    for (const issue of issues) {
      const kept = unseen.filter((row) => isWithin(issue.path, row.path)).length;
      folderPlan.unreadable.push(issueFailure(issue, folder.id, kept));
    }
    for (const row of unseen) {
      if (excluded(row)) forced.push(row);
      else if (!outOfSight(row.path)) folderPlan.gone.push(row);
    }
    for (const p of failed.keys()) if (!seen.has(p) && !outOfSight(p)) folderPlan.clearedFailures.push(p);
    plan.unchanged += folderPlan.unchanged;
    plan.touches.push(...folderPlan.touches);
    plan.redates.push(...folderPlan.redates);
    plan.returned.push(...folderPlan.returned);
    plan.unreadable.push(...folderPlan.unreadable);
    plan.gone.push(...folderPlan.gone);
    plan.clearedFailures.push(...folderPlan.clearedFailures);
    fresh.push(...folderFresh);
    folderSizes.set(folder.id, stored.size);
    store.folders.markScanned(folder.id, true, null);
  }

  await resolveFreshFiles(store, fresh, plan, opts.signal);
  if (!opts.allowRemovals) holdMassRemovals(store, plan, folderSizes);
  plan.gone.push(...forced);
  return plan;
}

/** Moves the removals that are most of a folder from `plan.gone` to `plan.held`. */
function holdMassRemovals(store: LibraryStore, plan: ScanPlan, folderSizes: ReadonlyMap<number, number>): void {
  const byFolder = new Map<number, StoredFile[]>();
  for (const row of plan.gone) byFolder.set(row.folderId, [...(byFolder.get(row.folderId) ?? []), row]);
  const folders = new Map(store.folders.list().map((f) => [f.id, f.path]));
  for (const [folderId, rows] of byFolder) {
    const of = folderSizes.get(folderId) ?? rows.length;
    const most = (rows.length === of && of >= 2) || (rows.length >= HOLD_MIN_PHOTOS && rows.length * 2 > of);
    if (!most) continue;
    rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    plan.held.push({ folderId, folder: folders.get(folderId) ?? '', photos: rows, of });
  }
  const held = new Set(plan.held.flatMap((h) => h.photos.map((p) => p.id)));
  plan.gone = plan.gone.filter((row) => !held.has(row.id));
}

/**
 * Reads the new and changed files: a changed file whose whole content is what the
 * library holds keeps its embedding; a new file is a move or a copy only when its
 * whole content equals a gone or present photo's (the quick hash only finds the
 * candidates). A file that vanished meanwhile is skipped; one that cannot be read
 * is recorded with why.
 */
async function resolveFreshFiles(store: LibraryStore, fresh: FoundPhoto[], plan: ScanPlan, signal?: AbortSignal): Promise<void> {
  // A row whose hash is its quick hash (from an older version) was never confirmed, so it cannot be moved or copied on it.
  const confirmed = (row: StoredFile) => row.hash !== row.quickHash;
  const goneByQuick = new Map<string, StoredFile[]>();
  for (const g of plan.gone.filter(confirmed)) goneByQuick.set(g.quickHash, [...(goneByQuick.get(g.quickHash) ?? []), g]);
  const goneIds = new Set(plan.gone.map((g) => g.id));

  for (const file of fresh) {
    signal?.throwIfAborted();
    try {
      if (file.stored) {
        const identity = await contentIdentity(file.path, file.size);
        if (identity.hash === file.stored.hash) plan.touches.push({ photoId: file.stored.id, facts: factsOf(file), identity });
        else plan.jobs.push({ kind: 'changed', path: file.path, folderId: file.folderId, photoId: file.stored.id, stat: scanned(file, identity.quickHash) });
        continue;
      }
      const quick = await quickHash(file.path, file.size);
      const moves = (goneByQuick.get(quick) ?? []).filter((g) => goneIds.has(g.id));
      const twins = store.photos.byQuickHash(quick).filter((p) => confirmed(p) && !goneIds.has(p.id));
      if (moves.length > 0 || twins.length > 0) {
        const { hash } = await contentIdentity(file.path, file.size);
        const stat = { ...scanned(file, quick), hash };
        const moved = moves.find((g) => g.hash === hash);
        if (moved) {
          goneIds.delete(moved.id);
          plan.moves.push({ photoId: moved.id, folderId: file.folderId, file: stat });
          continue;
        }
        const twin = twins.find((t) => t.hash === hash);
        if (twin) {
          plan.copies.push({ fromPhotoId: twin.id, folderId: file.folderId, file: stat });
          continue;
        }
      }
      plan.jobs.push({ kind: 'new', path: file.path, folderId: file.folderId, stat: scanned(file, quick) });
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
      if (vanished(err)) continue;
      plan.failures.push({ path: file.path, folderId: file.folderId, size: file.size, mtimeMs: file.mtimeMs, code: err.code, reason: err.reason });
    }
  }
  plan.gone = plan.gone.filter((g) => goneIds.has(g.id));
}
