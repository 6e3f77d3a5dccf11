import type { OperationName } from '../../../src-main/core/api/contract.ts';
import { toApiError } from './api-error.ts';
import { OPERATION_NAMES, type PhotoSearchClient } from './client.ts';

/**
 * The contract through the Electron preload (`window.photoSearch`). Calls go
 * straight through; only errors are reshaped, so the interface shows the engine's
 * message whichever way it travelled.
 */
export function createIpcClient(bridge: PhotoSearchClient): PhotoSearchClient {
  const operations = Object.fromEntries(
    OPERATION_NAMES.map((name) => [
      name,
      async (input: never) => {
        try {
          return await (bridge[name] as (input: never) => Promise<unknown>)(input);
        } catch (err) {
          throw toApiError(err);
        }
      },
    ]),
  ) as Pick<PhotoSearchClient, OperationName>;
  return {
    ...operations,
    onEvent: (name, listener) => bridge.onEvent(name, listener),
    thumbnailUrl: (id, size) => bridge.thumbnailUrl(id, size),
    photoUrl: (id) => bridge.photoUrl(id),
    pathForFile: bridge.pathForFile ? (file) => bridge.pathForFile?.(file) ?? null : undefined,
  };
}
