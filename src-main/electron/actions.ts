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

/** Most photos one request may move to the trash: a confirmed list, not the library. */
export const MAX_TRASH = 10_000;

export const trashInput = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(MAX_TRASH) });
export type TrashInput = z.infer<typeof trashInput>;

/** What `trash` did, photo by photo: moved, or not and why. */
export interface TrashReport {
  trashed: number[];
  failed: Array<{ id: number; reason: string }>;
}

export interface TrashDeps {
  photoPath: (id: number) => Promise<string | null>;
  /** Moves a file to the system trash (Electron's shell.trashItem); rejects when the system refuses. */
  trashItem: (fullPath: string) => Promise<void>;
}

/**
 * Moves the files of photos `ids` to the system trash, one at a time, after the user
 * confirmed the list in the window. Each id is resolved by the engine to the file it
 * indexed, so the page cannot name any other file; nothing is ever deleted outright.
 * A photo the library does not know, or a file the system refuses to move, is reported
 * in `failed` and the others still go.
 */
export function createTrashAction({ photoPath, trashItem }: TrashDeps): (input: TrashInput) => Promise<TrashReport> {
  return async ({ ids }) => {
    const report: TrashReport = { trashed: [], failed: [] };
    for (const id of new Set(ids)) {
      const file = await photoPath(id);
      if (!file) {
        report.failed.push({ id, reason: `Photo ${id} is not in the library.` });
        continue;
      }
      try {
        await trashItem(file);
        report.trashed.push(id);
      } catch (err) {
        report.failed.push({ id, reason: `Could not move ${file} to the trash: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    return report;
  };
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
