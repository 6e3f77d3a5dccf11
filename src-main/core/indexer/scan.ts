import { LibraryError } from '../errors.ts';
import { contentHash } from '../media/identity.ts';
import { checkFolderOnline, walkPhotos } from '../media/walk.ts';
import type { LibraryStore } from '../store/library-store.ts';
import type { StoredFile } from '../store/photos.ts';
import { emptyPlan, type FoundPhoto, type ScanPlan } from './plan.ts';

export interface ScanOptions {
  signal?: AbortSignal;
  onFound?: (count: number) => void;
  onOffline?: (folder: string, reason: string) => void;
}

/**
 * Walks the library folders and compares what is on disk with the store.
 * Content hashes are computed only for files whose size or mtime changed or
 * that are new, so an unchanged library is scanned without reading any photo.
 * A folder that is offline keeps its photos: only files gone from a folder that
 * is present are dropped.
 */
export async function scanFolders(store: LibraryStore, folderIds: readonly number[], opts: ScanOptions = {}): Promise<ScanPlan> {
  const plan = emptyPlan();
  const fresh: FoundPhoto[] = [];
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
    const folderPlan = emptyPlan();
    const folderFresh: FoundPhoto[] = [];
    try {
      for await (const file of walkPhotos(folder.path, { signal: opts.signal })) {
        opts.signal?.throwIfAborted();
        seen.add(file.path);
        opts.onFound?.(++found);
        const row = stored.get(file.path);
        if (row) {
          if (row.size === file.size && row.mtimeMs === file.mtimeMs) folderPlan.unchanged++;
          else folderFresh.push({ ...file, folderId: folder.id, hash: row.hash });
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
    plan.unchanged += folderPlan.unchanged;
    fresh.push(...folderFresh);
    for (const [p, row] of stored) if (!seen.has(p)) plan.gone.push(row);
    for (const p of failed.keys()) if (!seen.has(p)) plan.clearedFailures.push(p);
    store.folders.markScanned(folder.id, true, null);
  }

  await resolveFreshFiles(store, fresh, plan, opts.signal);
  return plan;
}

async function resolveFreshFiles(store: LibraryStore, fresh: FoundPhoto[], plan: ScanPlan, signal?: AbortSignal): Promise<void> {
  const goneByHash = new Map<string, StoredFile[]>();
  for (const g of plan.gone) goneByHash.set(g.hash, [...(goneByHash.get(g.hash) ?? []), g]);
  const goneIds = new Set(plan.gone.map((g) => g.id));

  for (const file of fresh) {
    signal?.throwIfAborted();
    const previousHash = file.hash;
    const hash = await contentHash(file.path, file.size);
    const stat = { path: file.path, size: file.size, mtimeMs: file.mtimeMs, hash };
    if (previousHash !== undefined) {
      const row = store.photos.byPath(file.path);
      if (!row) continue;
      if (previousHash === hash) plan.touches.push({ photoId: row.id, size: file.size, mtimeMs: file.mtimeMs });
      else plan.jobs.push({ kind: 'changed', path: file.path, folderId: file.folderId, photoId: row.id, stat: { ...stat, ext: file.ext } });
      continue;
    }
    const moved = goneByHash.get(hash)?.shift();
    if (moved) {
      goneIds.delete(moved.id);
      plan.moves.push({ photoId: moved.id, folderId: file.folderId, file: stat });
      continue;
    }
    const twin = store.photos.byHash(hash).find((p) => !goneIds.has(p.id));
    if (twin) {
      plan.copies.push({ fromPhotoId: twin.id, folderId: file.folderId, file: { ...stat, ext: file.ext } });
      continue;
    }
    plan.jobs.push({ kind: 'new', path: file.path, folderId: file.folderId, stat: { ...stat, ext: file.ext } });
  }
  plan.gone = plan.gone.filter((g) => goneIds.has(g.id));
}
