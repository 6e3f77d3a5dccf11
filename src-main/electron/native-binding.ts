/**
 * better-sqlite3 is compiled for one ABI. `npm install` builds it for Node (the
 * CLI, `photo-search serve`, the tests); `npm run electron:native` keeps a build
 * for Electron under .cache, which the engine process loads when the app runs
 * from source. A packaged app needs neither: electron-builder rebuilds its
 * node_modules for Electron. The other native modules use N-API and load anywhere.
 */
import path from 'node:path';

export const SQLITE_BINDING_FILE = 'better_sqlite3.node';

/** Where `npm run electron:native` puts the build for one Electron version. */
export function electronNativeDir(root: string, electronVersion: string): string {
  return path.join(root, '.cache', 'electron-native', electronVersion);
}

export interface BindingLookup {
  /** The folder the bundles were built into: the project, or app.asar in a packaged app. */
  root: string;
  /** process.versions.electron: undefined in plain Node. */
  electronVersion: string | undefined;
  exists: (file: string) => boolean;
  log: (message: string) => void;
}

/** The better-sqlite3 addon the engine should load, or undefined for node_modules' own. */
export function sqliteBinding({ root, electronVersion, exists, log }: BindingLookup): string | undefined {
  if (!electronVersion) return undefined;
  if (path.extname(root) === '.asar') return undefined;
  const file = path.join(electronNativeDir(root, electronVersion), SQLITE_BINDING_FILE);
  if (exists(file)) return file;
  log(
    `There is no better-sqlite3 build for Electron ${electronVersion} at ${file}, so the one in node_modules (built for Node) is used. ` +
      'If the library cannot be opened, run `npm run electron:native`.',
  );
  return undefined;
}
