/**
 * What the menu's commands do. Kept apart from the menu and from Electron so
 * the flows (pick folders, add them, index them; report failures) are plain code.
 */
import type { PhotoSearchApi } from '../core/api/contract.ts';
import type { BridgeEvents } from './channels.ts';
import { shellErrorBody } from './shell-errors.ts';
import type { MenuCommands } from './menu.ts';

export interface AppCommandDeps {
  engine: PhotoSearchApi;
  /** The folders the user picked; empty when the dialog was cancelled. */
  chooseFolders(): Promise<string[]>;
  openLibraryFolder(): void;
  showError(title: string, message: string): void;
  emit<E extends keyof BridgeEvents>(name: E, data: BridgeEvents[E]): void;
}

export function createAppCommands(deps: AppCommandDeps): MenuCommands {
  const report = (title: string) => (err: unknown) => deps.showError(title, shellErrorBody(err).message);
  // Indexing runs for as long as the library takes; progress reaches the window as
  // events, so the menu only waits to report a failure.
  const index = (paths?: string[]) => {
    deps.engine.index(paths ? { paths } : {}).catch(report('Indexing failed'));
  };
  return {
    addFolders() {
      void (async () => {
        const paths = await deps.chooseFolders();
        if (paths.length === 0) return;
        await deps.engine.addFolders({ paths });
        index(paths);
      })().catch(report('Could not add the folder'));
    },
    reindex() {
      index();
    },
    find() {
      deps.emit('find', {});
    },
    openLibraryFolder() {
      deps.openLibraryFolder();
    },
  };
}
