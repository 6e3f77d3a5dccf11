import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'photo-search';

/**
 * The same folder Electron's app.getPath('userData') gives this app, so the CLI,
 * the browser mode and the desktop app share one library by default.
 */
export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PHOTO_SEARCH_LIBRARY) return path.resolve(env.PHOTO_SEARCH_LIBRARY);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/** Where the files of one library live; everything the app writes goes under `dir`. */
export class LibraryPaths {
  constructor(readonly dir: string) {}
  get models(): string {
    return path.join(this.dir, 'models');
  }
  get decodeSuspects(): string {
    return path.join(this.dir, 'decoding.json');
  }
  get thumbnails(): string {
    return path.join(this.dir, 'thumbnails');
  }
  /** OCR models installed from the hub; the built-in one is read from its npm package. */
  get textModels(): string {
    return path.join(this.dir, 'text-models');
  }
  vectorIndex(modelId: string): string {
    return path.join(this.dir, 'index', `${modelId.replace(/[^A-Za-z0-9._-]/g, '_')}.hnsw`);
  }
}

/** True when `child` is `parent` or lies inside it (never a prefix match: /photos is not inside /photo). */
export function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
