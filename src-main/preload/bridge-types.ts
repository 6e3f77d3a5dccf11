/**
 * What the preload exposes to the renderer as `window.photoSearch`. Types only:
 * the renderer imports this file for types and never gets Electron or Node.
 * The renderer declares `window.photoSearch` itself (src-renderer/lib/api).
 */
import type { ApiErrorBody, PhotoSearchApi } from '../core/api/contract.ts';
import type { BridgeEventName, BridgeEvents, EngineStatus } from '../electron/channels.ts';

export type { BridgeEventName, BridgeEvents, EngineStatus };

/**
 * How a call fails: the promise rejects with this plain object (not an Error,
 * whose code would be lost crossing the context bridge). The same shape the
 * HTTP adapter returns.
 */
export type BridgeError = ApiErrorBody;

/**
 * What the desktop does for the window that a browser cannot: act on a photo's
 * file (the photo is named by id; the main process finds its file) and show the
 * native folder picker.
 */
export interface DesktopActionsBridge {
  /** Shows the file in the system file manager. */
  reveal(id: number): Promise<void>;
  /** Opens the file with the system's default app. */
  open(id: number): Promise<void>;
  /** Copies the file's full path to the clipboard. */
  copyPath(id: number): Promise<void>;
  /** Asks the user for folders in the system dialog; resolves to [] when cancelled. */
  chooseFolders(): Promise<string[]>;
  /** Moves the photos' files to the system trash (the window asked the user first); says which went and which could not. */
  trash(ids: number[]): Promise<{ trashed: number[]; failed: Array<{ id: number; reason: string }> }>;
}

export interface PhotoSearchBridge extends PhotoSearchApi {
  /** Subscribes to an engine or shell event; the callback gets the event's data only. Returns an unsubscribe. */
  onEvent<E extends BridgeEventName>(name: E, callback: (data: BridgeEvents[E]) => void): () => void;
  /** photo://thumb/<id>?size=<size>, for <img src>. */
  thumbnailUrl(id: number, size?: number): string;
  /** photo://full/<id>, the original file. */
  photoUrl(id: number): string;
  actions: DesktopActionsBridge;
  /**
   * The absolute path of a file the user dropped or picked (a File from the page),
   * for an image query; null for a File that has no file behind it. Chromium no
   * longer exposes File.path, and this goes through no IPC.
   */
  pathForFile(file: File): string | null;
}
