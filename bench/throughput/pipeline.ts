import { indexLibrary } from '../../src-main/core/indexer/indexer.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { LibraryPaths } from '../../src-main/core/paths.ts';
import { ModelIndex } from '../../src-main/core/search/model-index.ts';
import { LibraryStore } from '../../src-main/core/store/library-store.ts';
import { scratchDir } from '../cache.ts';

/**
 * The app's indexer on a new, empty library: walk, hash, decode, embed, SQLite,
 * HNSW and its final save, with the tuning the app picks for this machine, and each
 * photo's grid thumbnail and perceptual hash written from the same decode, as the app
 * does. The model is loaded beforehand, as it is when a user starts indexing. Photos
 * per second.
 */
export async function pipelineRun(photosDir: string, expected: number, model: ClipModel): Promise<number> {
  const libraryDir = scratchDir('pipeline');
  const store = LibraryStore.open(libraryDir);
  try {
    const folderId = store.folders.ensure(photosDir);
    const paths = new LibraryPaths(libraryDir);
    const started = performance.now();
    const index = ModelIndex.open(store, paths.vectorIndex(model.id), model);
    const done = await indexLibrary(store, model, index, { folderIds: [folderId], thumbnailsDir: paths.thumbnails });
    const seconds = (performance.now() - started) / 1000;
    if (done.embedded !== expected) throw new Error(`the indexer embedded ${done.embedded} of ${expected} photos (${done.failed} failed)`);
    return expected / seconds;
  } finally {
    store.close();
  }
}
