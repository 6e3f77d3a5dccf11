import type { EngineEvents, OperationName, PhotoSearchApi } from '../../../src-main/core/api/contract.ts';

export type EventName = keyof EngineEvents;
export type EventListener<E extends EventName> = (data: EngineEvents[E]) => void;

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
] as const satisfies readonly OperationName[];

type MissingOperations = Exclude<OperationName, (typeof OPERATION_NAMES)[number]>;
const allOperationsListed: MissingOperations extends never ? true : never = true;
void allOperationsListed;
