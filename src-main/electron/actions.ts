/**
 * What the window can ask the desktop to do with a photo, and the folder picker.
 * The renderer names a photo by id only; the engine resolves the id to a path it
 * indexed itself, so a compromised page cannot make the app open or reveal an
 * arbitrary file. Folders come from the user's answer to a native dialog, never
 * from the page.
 */
import { z } from 'zod';
import { LibraryError } from '../core/api/errors.ts';
import type { PhotoActionName } from './channels.ts';
import { ShellError } from './shell-errors.ts';

export const photoActionInput = z.object({ id: z.number().int().positive() });
export type PhotoActionInput = z.infer<typeof photoActionInput>;

export type PhotoActions = Record<PhotoActionName, (input: PhotoActionInput) => Promise<void>>;

/** The picker takes nothing from the page: not a starting folder, not a title. */
export const chooseFoldersInput = z.strictObject({});

export interface FolderPicker {
  /** The folders the user picked; empty when the dialog was cancelled. */
  chooseFolders(): Promise<string[]>;
}

/**
 * A request while the dialog is already open (from the menu and the window at
 * once, or a page calling in a loop) shares its answer instead of stacking
 * another dialog on top.
 */
export function oneDialogAtATime(show: () => Promise<string[]>): () => Promise<string[]> {
  let open: Promise<string[]> | null = null;
  return () => {
    open ??= show().finally(() => {
      open = null;
    });
    return open;
  };
}

export interface DesktopShell {
  showItemInFolder(fullPath: string): void;
  /** Resolves to an error message, or '' on success (Electron's shell.openPath). */
  openPath(fullPath: string): Promise<string>;
}

export interface ActionDeps {
  photoPath: (id: number) => Promise<string | null>;
  shell: DesktopShell;
  clipboard: { writeText(text: string): void };
}

export function createPhotoActions({ photoPath, shell, clipboard }: ActionDeps): PhotoActions {
  const resolve = async (id: number): Promise<string> => {
    const found = await photoPath(id);
    if (!found) throw new LibraryError('not-found', String(id), `Photo ${id} is not in the library.`);
    return found;
  };
  return {
    async reveal({ id }) {
      shell.showItemInFolder(await resolve(id));
    },
    async open({ id }) {
      const file = await resolve(id);
      const failure = await shell.openPath(file);
      if (failure) throw new ShellError('action-failed', `Could not open ${file}: ${failure}`, file);
    },
    async copyPath({ id }) {
      clipboard.writeText(await resolve(id));
    },
  };
}
