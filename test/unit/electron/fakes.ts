import type { OperationName, OperationOutputs, PhotoSearchApi } from '../../../src-main/core/api/contract.ts';
import type { FrameLike } from '../../../src-main/electron/frame-origin.ts';
import type { IpcMainLike, InvokeEventLike } from '../../../src-main/electron/ipc-router.ts';
import { startingProgress } from '../../../src-main/core/indexer/progress.ts';

export const APP = 'app://photo-search';

export function topFrame(url: string): FrameLike {
  return { url, parent: null };
}

export function subFrame(url: string, parentUrl = `${APP}/index.html`): FrameLike {
  return { url, parent: topFrame(parentUrl) };
}

export function eventFrom(frame: FrameLike | null): InvokeEventLike {
  return { senderFrame: frame };
}

/** Records what the router registers, as Electron's ipcMain would. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler(event, payload));
  }
}

export const sampleProgress: OperationOutputs['index'] = startingProgress('done');

export const samplePhoto: OperationOutputs['photo'] = {
  id: 7,
  path: '/photos/a.jpg',
  folder: '/photos',
  width: 10,
  height: 10,
  format: 'jpeg',
  size: 100,
  takenAt: null,
  camera: null,
  latitude: null,
  longitude: null,
};

export const sampleModel: OperationOutputs['installModel'] = {
  id: 'tiny',
  displayName: 'Tiny test model',
  whenToPick: 'tests',
  downloadSizeMB: null,
  languages: ['en'],
  licence: null,
  licenceRestriction: null,
  isDefault: false,
  inCatalog: false,
  installed: true,
  variant: 'fp32',
  hasQuantized: false,
  active: true,
  pending: false,
  int8: null,
};

const sampleAlbum = { id: 1, name: 'Hiking', description: null, filters: {}, photos: 0, cover: null, createdAt: 0 };

/** A service that records its calls and answers with fixed values. */
export function fakeApi(): PhotoSearchApi & { calls: { name: OperationName; input: unknown }[] } {
  const calls: { name: OperationName; input: unknown }[] = [];
  const answer =
    <N extends OperationName>(name: N, value: OperationOutputs[N]) =>
    async (input: unknown) => {
      calls.push({ name, input });
      return value;
    };
  return {
    calls,
    status: answer('status', {
      libraryDir: '/lib',
      folders: [],
      photos: 0,
      model: null,
      modelProblem: null,
      coverage: [],
      index: { state: 'empty', detail: null, vectors: 0 },
      failures: [],
      indexing: null,
      cpu: { model: 'Test CPU', arch: 'x64', flags: null, int8Kernel: 'exact' },
      textReading: { enabled: true, model: 'pp-ocrv4-mobile', read: 0, withText: 0, failed: 0 },
    }),
    addFolders: answer('addFolders', []),
    forgetFolder: answer('forgetFolder', { removedPhotos: 0 }),
    index: answer('index', sampleProgress),
    pauseIndexing: answer('pauseIndexing', null),
    resumeIndexing: answer('resumeIndexing', null),
    cancelIndexing: answer('cancelIndexing', null),
    search: answer('search', { hits: [], matches: 0, total: 0, offset: 0, model: 'tiny', unindexed: 0, tookMs: 1 }),
    photo: answer('photo', samplePhoto),
    models: answer('models', { models: [], modelsDir: '/lib/models', customModelDir: null }),
    installModel: answer('installModel', sampleModel),
    useModel: answer('useModel', { active: 'tiny', pending: null, toEmbed: 0 }),
    importModel: answer('importModel', sampleModel),
    removeModel: answer('removeModel', { removed: 'tiny' }),
    duplicates: answer('duplicates', { groups: [], threshold: 0.9, hashLimit: 12, photos: 0, unhashed: 0, graph: 'saved-index', tookMs: 1 }),
    showWhere: answer('showWhere', { columns: 1, rows: 1, values: [1], best: 0.3, worst: 0.3, windows: 1, width: 10, height: 10 }),
    labels: answer('labels', []),
    addLabel: answer('addLabel', { name: 'beach', key: 'beach', group: 'user', origin: 'user', photos: 0 }),
    removeLabel: answer('removeLabel', { removed: 'beach' }),
    photoLabels: answer('photoLabels', []),
    correctLabel: answer('correctLabel', []),
    albums: answer('albums', []),
    createAlbum: answer('createAlbum', sampleAlbum),
    album: answer('album', { album: sampleAlbum, photos: [], total: 0, offset: 0 }),
    addToAlbum: answer('addToAlbum', sampleAlbum),
    removeFromAlbum: answer('removeFromAlbum', sampleAlbum),
    deleteAlbum: answer('deleteAlbum', { deleted: 'Hiking' }),
    categories: answer('categories', []),
    tagPhotos: answer('tagPhotos', []),
    untagPhotos: answer('untagPhotos', []),
    deleteCategory: answer('deleteCategory', []),
    fitClassifiers: answer('fitClassifiers', {
      modelId: 'tiny',
      method: 'cache',
      categories: [],
      blends: [],
      recommendedBlend: 1,
      folds: 2,
      backgroundPhotos: 0,
    }),
    applyClassifiers: answer('applyClassifiers', { blend: 1, categories: [] }),
    findPhoto: answer('findPhoto', samplePhoto),
    photoText: answer('photoText', { status: 'unread', reason: null, modelId: null, lines: [], matched: [] }),
    setTextReading: answer('setTextReading', { enabled: false, model: 'pp-ocrv4-mobile', read: 0, withText: 0, failed: 0 }),
    useTextModel: answer('useTextModel', { enabled: true, model: 'pp-ocrv5-mobile', read: 0, withText: 0, failed: 0 }),
  };
}
