import type { EngineEvents, OperationName, PhotoSearchApi } from '../../../src-main/core/api/contract.ts';

/**
 * Whether the engine can be reached: the desktop shell reports its engine process
 * (starting, restarting after a crash); the HTTP client reports its connection to
 * `photo-search serve` (lost, refused).
 */
export interface EngineStatus {
  state: 'starting' | 'ready' | 'restarting' | 'stopped';
  /** The shell's account of why, when it has one. */
  message: string | null;
  /** The wait before the next attempt. */
  retryInMs: number | null;
  /** Browser mode: why the server cannot be used, so the interface can say what to do. */
  reason?: 'unreachable' | 'forbidden';
}

/** Events the front ends add to the engine's: a menu command (desktop only) and the engine's health. */
export interface ShellEvents {
  /** View > Find: focus the search box. */
  find: Record<string, never>;
  'engine-status': EngineStatus;
}

export type ClientEvents = EngineEvents & ShellEvents;
export type EventName = keyof ClientEvents;
export type EventListener<E extends EventName> = (data: ClientEvents[E]) => void;

/**
 * What only the desktop app can do: act on a photo's file (the main process finds
 * the file from the id), move chosen files to the trash, and ask the user for folders
 * in the system's picker.
 */
export interface DesktopActions {
  reveal(id: number): Promise<void>;
  open(id: number): Promise<void>;
  copyPath(id: number): Promise<void>;
  /** The folders the user picked; empty when the dialog was cancelled. */
  chooseFolders(): Promise<string[]>;
  /** Moves the photos' files to the system trash, after the user confirmed the list; nothing is deleted. */
  trash(ids: number[]): Promise<TrashReport>;
}

/** What `trash` did: the photos whose files went to the trash, and those that could not, with why. */
export interface TrashReport {
  trashed: number[];
  failed: Array<{ id: number; reason: string }>;
}

/**
 * What the interface talks to, whichever process is behind it: one function per
 * contract operation, the engine's events, and URLs for images addressed by id.
 * The Electron preload exposes this shape as `window.photoSearch`; in a browser an
 * HTTP client of the same shape stands in.
 */
export interface PhotoSearchClient extends PhotoSearchApi {
  /** Subscribes to an engine event; returns the unsubscribe function. */
  onEvent<E extends EventName>(name: E, listener: EventListener<E>): () => void;
  thumbnailUrl(id: number, size: number): string;
  photoUrl(id: number): string;
  /** Present in the desktop app only. */
  actions?: DesktopActions;
  /** The absolute path of a dropped file, where the platform gives one (the desktop app); absent in a browser. */
  pathForFile?(file: File): string | null;
}

export type ClientMode = 'desktop' | 'browser';

export interface ConnectedClient {
  api: PhotoSearchClient;
  mode: ClientMode;
}

/** Every operation of the contract, checked both ways against it at compile time. */
export const OPERATION_NAMES = [
  'status',
  'addFolders',
  'forgetFolder',
  'index',
  'pauseIndexing',
  'resumeIndexing',
  'cancelIndexing',
  'search',
  'photo',
  'models',
  'installModel',
  'useModel',
  'importModel',
  'removeModel',
  'duplicates',
  'showWhere',
  'labels',
  'addLabel',
  'removeLabel',
  'photoLabels',
  'correctLabel',
  'albums',
  'createAlbum',
  'album',
  'addToAlbum',
  'removeFromAlbum',
  'deleteAlbum',
  'categories',
  'tagPhotos',
  'untagPhotos',
  'deleteCategory',
  'fitClassifiers',
  'applyClassifiers',
  'findPhoto',
  'photoText',
  'setTextReading',
  'useTextModel',
] as const satisfies readonly OperationName[];

type MissingOperations = Exclude<OperationName, (typeof OPERATION_NAMES)[number]>;
const allOperationsListed: MissingOperations extends never ? true : never = true;
void allOperationsListed;
