import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { electronNativeDir, sqliteBinding } from '../../../src-main/electron/native-binding.ts';

const ROOT = path.join(path.sep, 'home', 'me', 'photo-search');
const BUILT = path.join(ROOT, '.cache', 'electron-native', '41.7.1', 'better_sqlite3.node');

function lookup(root: string, electronVersion: string | undefined, present: string[]) {
  const log = vi.fn<(message: string) => void>();
  const found = sqliteBinding({ root, electronVersion, exists: (file) => present.includes(file), log });
  return { found, log };
}

describe('the better-sqlite3 addon the engine process loads', () => {
  it('is the Electron build under .cache when running from source in Electron', () => {
    expect(electronNativeDir(ROOT, '41.7.1')).toBe(path.dirname(BUILT));
    const { found, log } = lookup(ROOT, '41.7.1', [BUILT]);
    expect(found).toBe(BUILT);
    expect(log).not.toHaveBeenCalled();
  });

  it('is never given in plain Node, even when an Electron build is there', () => {
    const { found, log } = lookup(ROOT, undefined, [BUILT]);
    expect(found).toBeUndefined();
    expect(log).not.toHaveBeenCalled();
  });

  it('is node_modules’ own in a packaged app, which electron-builder rebuilt for Electron', () => {
    const asar = path.join(path.sep, 'opt', 'Photo Search', 'resources', 'app.asar');
    const { found, log } = lookup(asar, '41.7.1', [path.join(asar, '.cache', 'electron-native', '41.7.1', 'better_sqlite3.node')]);
    expect(found).toBeUndefined();
    expect(log).not.toHaveBeenCalled();
  });

  it('falls back to node_modules’ own, saying how to build the right one, when the Electron build is missing', () => {
    const { found, log } = lookup(ROOT, '41.7.1', []);
    expect(found).toBeUndefined();
    expect(log).toHaveBeenCalledWith(expect.stringContaining(BUILT));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('npm run electron:native'));
  });

  it('is the build for the running Electron, not one left from another version', () => {
    const { found } = lookup(ROOT, '42.0.0', [BUILT]);
    expect(found).toBeUndefined();
  });
});
