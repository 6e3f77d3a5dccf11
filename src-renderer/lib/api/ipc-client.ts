import type { OperationName } from '../../../src-main/core/api/contract.ts';
import { ApiError, toApiError } from './api-error.ts';
import { OPERATION_NAMES, type DesktopActions, type PhotoSearchClient } from './client.ts';
import { inFrontEndWords } from './wording.ts';

async function reshapingErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const error = toApiError(err);
    throw new ApiError(error.code, inFrontEndWords(error, 'desktop'), error.subject);
  }
}

/**
 * The contract through the Electron preload (`window.photoSearch`). Calls go
 * straight through; only errors are reshaped, so the interface shows the engine's
 * message whichever way it travelled, in the desktop app's words (wording.ts).
 */
export function createIpcClient(bridge: PhotoSearchClient): PhotoSearchClient {
  const operations = Object.fromEntries(
    OPERATION_NAMES.map((name) => [name, (input: never) => reshapingErrors(() => (bridge[name] as (input: never) => Promise<unknown>)(input))]),
  ) as unknown as Pick<PhotoSearchClient, OperationName>;
  const bridgeActions = bridge.actions;
  const actions: DesktopActions | undefined = bridgeActions && {
    reveal: (id) => reshapingErrors(() => bridgeActions.reveal(id)),
    open: (id) => reshapingErrors(() => bridgeActions.open(id)),
    copyPath: (id) => reshapingErrors(() => bridgeActions.copyPath(id)),
    chooseFolders: () => reshapingErrors(() => bridgeActions.chooseFolders()),
    trash: (ids) => reshapingErrors(() => bridgeActions.trash(ids)),
  };
  const pathForFile = bridge.pathForFile?.bind(bridge);
  return {
    ...operations,
    onEvent: (name, listener) => bridge.onEvent(name, listener),
    thumbnailUrl: (id, size) => bridge.thumbnailUrl(id, size),
    photoUrl: (id) => bridge.photoUrl(id),
    actions,
    pathForFile: pathForFile && ((file) => pathForFile(file) ?? null),
  };
}
