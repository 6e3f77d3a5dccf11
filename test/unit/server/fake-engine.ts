import fs from 'node:fs';
import { operations, type LibraryStatus, type OperationName, type PhotoSearchApi } from '../../../src-main/core/api/contract.ts';
import { EngineEventBus } from '../../../src-main/core/api/events.ts';
import { LibraryError } from '../../../src-main/core/errors.ts';
import type { IndexedFile, ServedEngine } from '../../../src-main/server/engine.ts';

export const STATUS = {
  libraryDir: '/library',
  folders: [],
  photos: 1,
  model: null,
  modelProblem: 'No model is set up.',
  coverage: [],
  index: { state: 'empty', detail: null, vectors: 0 },
  failures: [],
  indexing: null,
} as unknown as LibraryStatus;

/** A photo as the library recorded it: the file's size and time are read now, as indexing would have. */
export function recorded(file: string, folders: string[]): IndexedFile {
  const stat = fs.statSync(file);
  return { path: file, size: stat.size, mtimeMs: stat.mtimeMs, folders };
}

/**
 * An engine that knows the photos in `photos` (by id) and answers `status` and
 * `search`; every other operation fails loudly if a test reaches it by mistake.
 * `thumbnailSources` records the bytes the engine read each thumbnail from, at the moment it was asked.
 */
export function fakeEngine(opts: { photos: Map<number, IndexedFile>; thumbnail: string; beforeThumbnail?: (id: number) => void }): ServedEngine & {
  calls: Array<{ name: OperationName; input: unknown }>;
  events: EngineEventBus;
  thumbnailSources: Buffer[];
} {
  const calls: Array<{ name: OperationName; input: unknown }> = [];
  const thumbnailSources: Buffer[] = [];
  const api = Object.fromEntries(
    Object.keys(operations).map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name: name as OperationName, input });
        if (name === 'status') return STATUS;
        if (name === 'search') return { hits: [], model: 'fake', tookMs: 1 };
        throw new Error(`fake engine: ${name} not expected`);
      },
    ]),
  ) as unknown as PhotoSearchApi;
  return Object.assign(api, {
    calls,
    thumbnailSources,
    events: new EngineEventBus(),
    indexedFile: (id: number) => opts.photos.get(id) ?? null,
    thumbnailFile: async (id: number, _size: number, source?: string) => {
      const photo = opts.photos.get(id);
      if (!photo) throw new LibraryError('not-found', String(id), `Photo ${id} is not in the library.`);
      opts.beforeThumbnail?.(id);
      thumbnailSources.push(fs.readFileSync(source ?? photo.path));
      return opts.thumbnail;
    },
  });
}
