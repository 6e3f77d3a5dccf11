import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { formatSize } from '../args.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { LibraryPaths } from '../../src-main/core/paths.ts';
import { ModelIndex } from '../../src-main/core/search/model-index.ts';
import { LibraryStore } from '../../src-main/core/store/library-store.ts';
import type { PhotoRecord } from '../../src-main/core/store/photos.ts';
import { buildOnce, cachePaths } from '../cache.ts';
import { ClusteredVectors } from './clustered-vectors.ts';

/** Bump when the synthetic content changes, so cached libraries are rebuilt. */
const LIBRARY_VERSION = 2;
const ROWS_PER_TRANSACTION = 10_000;
const CAMERAS = ['Apple iPhone 13', 'Google Pixel 7', 'Canon EOS R6', 'SONY ILCE-7M3', null];
/** Photos are taken a minute apart from this day on, so a date filter selects a known share of them. */
export const FIRST_TAKEN = Date.UTC(2012, 0, 1);
export const PHOTO_INTERVAL_MS = 60_000;

export interface VectorLibraryInfo {
  rowsMs: number;
  /** The HNSW build made while creating the library (the app's own rebuild path). */
  hnswBuildMs: number;
  builtAt: string;
}

/** What a library's vectors are filed under; the model itself is not needed once they exist. */
export type ModelIdentity = Pick<ClipModel, 'id' | 'dim' | 'name' | 'dir' | 'preprocessVersion'>;

export interface VectorLibrary {
  dir: string;
  size: number;
  info: VectorLibraryInfo;
  reused: boolean;
  vectors: ClusteredVectors;
}

function photoRecord(folder: string, folderId: number, index: number): PhotoRecord {
  const group = Math.floor(index / 200);
  const camera = CAMERAS[group % CAMERAS.length];
  const hasGps = group % 3 === 0;
  return {
    folderId,
    path: path.join(folder, String(2012 + (group % 12)), `event-${group}`, `IMG_${String(index).padStart(7, '0')}.jpg`),
    size: 2_500_000 + (index % 1_000_000),
    mtimeMs: FIRST_TAKEN + index * PHOTO_INTERVAL_MS,
    hash: index.toString(16).padStart(16, '0'),
    width: 4000,
    height: 3000,
    format: 'jpeg',
    ext: 'jpg',
    takenAt: FIRST_TAKEN + index * PHOTO_INTERVAL_MS,
    camera,
    latitude: hasGps ? 48 + (group % 100) / 100 : null,
    longitude: hasGps ? 2 + (group % 50) / 100 : null,
  };
}

/**
 * A library of `size` photos whose vectors are synthetic (ClusteredVectors) under
 * the model's id, written through the app's store and indexed by the app's own
 * rebuild path, then kept in the cache. The photo files do not exist: nothing that
 * reads this library decodes a photo.
 */
async function ensureVectorLibrary(size: number, model: ModelIdentity, log: (line: string) => void): Promise<VectorLibrary> {
  const name = `vectors-${formatSize(size)}`;
  const dir = path.join(cachePaths.libraries, `${name}-${model.id}`);
  for (const other of safeList(cachePaths.libraries)) {
    if (other.startsWith(`${name}-`) && other !== path.basename(dir)) rmSync(path.join(cachePaths.libraries, other), { recursive: true, force: true });
  }
  const vectors = new ClusteredVectors(model.dim, size);
  const key = { version: LIBRARY_VERSION, size, modelId: model.id, preprocessVersion: model.preprocessVersion };
  const { info, reused } = await buildOnce(dir, key, async (out) => {
    log(`building a ${formatSize(size)}-photo library with clustered vectors in ${path.relative(process.cwd(), out)}`);
    const store = LibraryStore.open(out);
    try {
      const started = performance.now();
      const folder = path.join(out, 'photos');
      const folderId = store.folders.ensure(folder);
      store.embeddings.registerModel(model);
      for (let start = 0; start < size; start += ROWS_PER_TRANSACTION) {
        store.transaction(() => {
          for (let i = start; i < Math.min(size, start + ROWS_PER_TRANSACTION); i++) {
            const id = store.photos.insert(photoRecord(folder, folderId, i));
            store.embeddings.put(id, model.id, model.preprocessVersion, vectors.vector(i));
          }
        });
      }
      store.embeddings.bump([model.id]);
      const rowsMs = performance.now() - started;
      log(`  ${formatSize(size)} rows written in ${(rowsMs / 1000).toFixed(1)} s; building the HNSW index`);
      const indexStarted = performance.now();
      ModelIndex.open(store, new LibraryPaths(out).vectorIndex(model.id), model);
      const hnswBuildMs = performance.now() - indexStarted;
      log(`  HNSW index built and saved in ${(hnswBuildMs / 1000).toFixed(1)} s`);
      return { rowsMs, hnswBuildMs, builtAt: new Date().toISOString() };
    } finally {
      store.close();
    }
  });
  // A library cached before the index saved its vectors in this format: opening it once (re)writes them, so no timed run does.
  const store = LibraryStore.open(dir);
  try {
    const index = ModelIndex.open(store, new LibraryPaths(dir).vectorIndex(model.id), model);
    if (index.openState.rebuilt) log(`  the ${formatSize(size)}-photo library's index was rebuilt (${index.openState.reason})`);
    index.close();
  } finally {
    store.close();
  }
  return { dir, size, info, reused, vectors };
}

/** The libraries of every size, under the identity of the model in `modelDir`. */
export async function ensureVectorLibraries(
  sizes: readonly number[],
  modelDir: string,
  log: (line: string) => void,
): Promise<{ model: ModelIdentity; libraries: VectorLibrary[] }> {
  const loaded = await loadModel(modelDir, { intraOpThreads: 1 });
  const model: ModelIdentity = { id: loaded.id, dim: loaded.dim, name: loaded.name, dir: loaded.dir, preprocessVersion: loaded.preprocessVersion };
  await loaded.dispose();
  const libraries: VectorLibrary[] = [];
  for (const size of sizes) libraries.push(await ensureVectorLibrary(size, model, log));
  return { model, libraries };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
