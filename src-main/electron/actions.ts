/**
 * What the window can ask the desktop to do with a photo. The renderer names a
 * photo by id only; the engine resolves the id to a path it indexed itself, so
 * a compromised page cannot make the app open or reveal an arbitrary file.
 */
import { z } from 'zod';
import { LibraryError } from '../core/errors.ts';
import type { PhotoActionName } from './channels.ts';
import { ShellError } from './shell-errors.ts';

export const photoActionInput = z.object({ id: z.number().int().positive() });
export type PhotoActionInput = z.infer<typeof photoActionInput>;

export type PhotoActions = Record<PhotoActionName, (input: PhotoActionInput) => Promise<void>>;

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
