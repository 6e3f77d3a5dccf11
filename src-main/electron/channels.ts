/**
 * Names shared by the main process and the preload: IPC channels, bridge event
 * names and the reply envelope. The preload bundles this file into a sandboxed
 * script, so it holds constants and types only.
 */
import type { ApiErrorBody, EngineEvents, OperationName } from '../core/api/contract.ts';

const PREFIX = 'photo-search:';

export function operationChannel(name: OperationName): string {
  return `${PREFIX}${name}`;
}

export type PhotoActionName = 'reveal' | 'open' | 'copyPath';
/** What the window can ask of the desktop besides the contract: act on a photo's file, move chosen files to the trash, or let the user pick folders. */
export type DesktopActionName = PhotoActionName | 'chooseFolders' | 'trash';

export function actionChannel(name: DesktopActionName): string {
  return `${PREFIX}action:${name}`;
}

/** Events the shell adds to the engine's own: menu commands and the engine's health. */
export interface ShellEvents {
  /** View > Find (Ctrl/Cmd+K): focus the search box. */
  find: Record<string, never>;
  'engine-status': EngineStatus;
}

export interface EngineStatus {
  state: 'starting' | 'ready' | 'restarting' | 'stopped';
  /** Why the engine is not ready, in words for the user. */
  message: string | null;
  /** When state is 'restarting': the delay before the next start. */
  retryInMs: number | null;
}

export type BridgeEvents = EngineEvents & ShellEvents;
export type BridgeEventName = keyof BridgeEvents;

// A record keyed by every event name makes a missing or misspelt name a type error.
const engineEventSet: Record<keyof EngineEvents, true> = { 'index-progress': true, 'library-changed': true, 'model-download': true };
const shellEventSet: Record<keyof ShellEvents, true> = { find: true, 'engine-status': true };

export const engineEventNames = Object.keys(engineEventSet) as (keyof EngineEvents)[];
export const bridgeEventNames = [...engineEventNames, ...Object.keys(shellEventSet)] as BridgeEventName[];

export function isBridgeEventName(name: unknown): name is BridgeEventName {
  return typeof name === 'string' && (bridgeEventNames as string[]).includes(name);
}

export function eventChannel(name: BridgeEventName): string {
  return `${PREFIX}event:${name}`;
}

/**
 * Every IPC reply: handlers never throw across the boundary, because Electron
 * rewrites a thrown error's message and drops its code.
 */
export type IpcReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };
