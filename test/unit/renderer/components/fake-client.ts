import { vi } from 'vitest';
import type { DayRun, LibraryStatus, OperationName, SearchHit, SearchInput } from '../../../../src-main/core/api/contract.ts';
import { OPERATION_NAMES, type ClientEvents, type DesktopActions, type EventName, type PhotoSearchClient } from '../../../../src-renderer/lib/api/client.ts';

export function hit(id: number, path: string, score = 0.3): SearchHit {
  return {
    id,
    path,
    folder: '/photos',
    width: 640,
    height: 480,
    format: 'jpeg',
    size: 1000,
    takenAt: null,
    camera: null,
    latitude: null,
    longitude: null,
    score,
    match: true,
    relevance: 50,
    strength: 'good',
    reasons: [],
  };
}

/** A library with a model and photos: the app opens on its main view, not on setup. */
export function readyStatus(overrides: Partial<LibraryStatus> = {}): LibraryStatus {
  return {
    libraryDir: '/lib',
    folders: [{ path: '/photos', photos: 3, online: true, reason: null, lastScanAt: 1 }],
    photos: 3,
    model: { id: 'tiny', name: 'Tiny test model', dir: '/lib/models/tiny', dim: 8 },
    modelProblem: null,
    coverage: [],
    index: { state: 'ok', detail: null, vectors: 3 },
    failures: [],
    indexing: null,
    cpu: { model: 'Test CPU', arch: 'x64', flags: null, int8Kernel: 'exact' },
    textReading: { enabled: true, model: 'pp-ocrv4-mobile', read: 0, withText: 0, failed: 0 },
    ...overrides,
  };
}

export const emptyStatus = (): LibraryStatus => readyStatus({ folders: [], photos: 0, index: { state: 'empty', detail: null, vectors: 0 } });

export type FakeClient = PhotoSearchClient & {
  emit<E extends EventName>(name: E, data: ClientEvents[E]): void;
};

/**
 * A client whose operations are spies with plain answers; events are emitted by
 * the test. With `actions`, it is the desktop app's client.
 */
export interface FakeLibrary {
  status?: LibraryStatus;
  /** The whole ranked list every search answers, a page at a time (offset, k). */
  hits?: SearchHit[];
  /** How many of them are matches; all by default. */
  matches?: number;
  /** Day runs, sent on the first page as the engine does for a list in date order. */
  days?: DayRun[];
  actions?: Partial<DesktopActions>;
}

export function fakeClient(opts: FakeLibrary = {}): FakeClient {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  let status = opts.status ?? readyStatus();
  /** Operations no component test drives yet (labels, albums, personal categories): they fail if called. */
  const unused = Object.fromEntries(
    OPERATION_NAMES.map((name) => [
      name,
      vi.fn(async () => {
        throw new Error(`${name} is not part of this test`);
      }),
    ]),
  ) as unknown as Pick<PhotoSearchClient, OperationName>;
  const client: FakeClient = {
    ...unused,
    status: vi.fn(async () => status),
    addFolders: vi.fn(async ({ paths }: { paths: string[] }) => {
      const added = paths.map((path) => ({ path, photos: 0, online: true, reason: null, lastScanAt: null }));
      status = { ...status, folders: [...status.folders, ...added] };
      return added;
    }),
    forgetFolder: vi.fn(async () => ({ removedPhotos: 0 })),
    index: vi.fn(() => new Promise<never>(() => {})),
    pauseIndexing: vi.fn(async () => null),
    resumeIndexing: vi.fn(async () => null),
    cancelIndexing: vi.fn(async () => null),
    search: vi.fn(async (input: SearchInput) => {
      const all = opts.hits ?? [];
      const offset = input.offset ?? 0;
      const k = input.k ?? 50;
      return {
        hits: all.slice(offset, offset + k),
        matches: opts.matches ?? all.length,
        total: all.length,
        offset,
        ...(opts.days && offset === 0 ? { days: opts.days } : {}),
        model: 'tiny',
        unindexed: 0,
        tookMs: 1,
      };
    }),
    photo: vi.fn(async () => {
      throw new Error('not used');
    }),
    models: vi.fn(async () => ({ models: [], modelsDir: '/lib/models', customModelDir: null })),
    installModel: vi.fn(async () => {
      throw new Error('not used');
    }),
    useModel: vi.fn(async () => ({ active: 'tiny', pending: null, toEmbed: 0 })),
    importModel: vi.fn(async () => {
      throw new Error('not used');
    }),
    removeModel: vi.fn(async () => ({ removed: 'tiny' })),
    duplicates: vi.fn(async () => ({ groups: [], threshold: 0.9, hashLimit: 12, photos: 0, unhashed: 0, graph: 'saved-index' as const, tookMs: 1 })),
    showWhere: vi.fn(async () => ({ columns: 1, rows: 1, values: [1], best: 0.3, worst: 0.3, windows: 1, width: 10, height: 10 })),
    labels: vi.fn(async () => []),
    addLabel: vi.fn(async () => ({ name: 'beach', key: 'beach', group: 'user', origin: 'user' as const, photos: 0 })),
    removeLabel: vi.fn(async () => ({ removed: 'beach' })),
    photoLabels: vi.fn(async () => []),
    correctLabel: vi.fn(async () => []),
    albums: vi.fn(async () => []),
    createAlbum: vi.fn(async () => ({ id: 1, name: 'Hiking', description: null, filters: {}, photos: 0, cover: null, createdAt: 0 })),
    album: vi.fn(async () => ({
      album: { id: 1, name: 'Hiking', description: null, filters: {}, photos: 0, cover: null, createdAt: 0 },
      photos: [],
      total: 0,
      offset: 0,
    })),
    addToAlbum: vi.fn(async () => ({ id: 1, name: 'Hiking', description: null, filters: {}, photos: 0, cover: null, createdAt: 0 })),
    removeFromAlbum: vi.fn(async () => ({ id: 1, name: 'Hiking', description: null, filters: {}, photos: 0, cover: null, createdAt: 0 })),
    deleteAlbum: vi.fn(async () => ({ deleted: 'Hiking' })),
    categories: vi.fn(async () => []),
    tagPhotos: vi.fn(async () => []),
    untagPhotos: vi.fn(async () => []),
    deleteCategory: vi.fn(async () => []),
    fitClassifiers: vi.fn(async () => ({
      modelId: 'tiny',
      method: 'cache' as const,
      categories: [],
      blends: [],
      recommendedBlend: 1,
      folds: 2,
      backgroundPhotos: 0,
    })),
    applyClassifiers: vi.fn(async () => ({ blend: 1, categories: [] })),
    findPhoto: vi.fn(async () => hit(1, '/photos/a.jpg')),
    photoText: vi.fn(async () => ({ status: 'unread' as const, reason: null, modelId: null, lines: [], matched: [] })),
    setTextReading: vi.fn(async () => ({ enabled: false, model: 'pp-ocrv4-mobile', read: 0, withText: 0, failed: 0 })),
    useTextModel: vi.fn(async () => ({ enabled: true, model: 'pp-ocrv5-mobile', read: 0, withText: 0, failed: 0 })),
    onEvent(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as (data: unknown) => void);
      return () => set.delete(listener as (data: unknown) => void);
    },
    emit(name, data) {
      for (const listener of listeners.get(name) ?? []) listener(data);
    },
    thumbnailUrl: (id, size) => `/thumb/${id}?size=${size}`,
    photoUrl: (id) => `/photo/${id}`,
  };
  if (opts.actions) {
    client.actions = {
      reveal: vi.fn(async () => {}),
      open: vi.fn(async () => {}),
      copyPath: vi.fn(async () => {}),
      chooseFolders: vi.fn(async () => []),
      trash: vi.fn(async (ids: number[]) => ({ trashed: ids, failed: [] })),
      ...opts.actions,
    };
  }
  return client;
}
