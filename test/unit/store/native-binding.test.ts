import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../../src-main/core/api/service.ts';
import { openDatabase } from '../../../src-main/core/store/database.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';

/** node_modules' own build: the one plain Node loads when no binding is given. */
const NODE_BUILD = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-binding-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the better-sqlite3 addon the library is opened with', () => {
  it('is the one given, when one is given', () => {
    const addon = path.join(dir, 'elsewhere', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(addon));
    fs.copyFileSync(NODE_BUILD, addon);
    const store = LibraryStore.open(path.join(dir, 'library'), { nativeBinding: addon });
    expect(store.photos.count()).toBe(0);
    store.close();
  });

  it('is looked for where it is said to be, and its absence reported', () => {
    const missing = path.join(dir, 'electron-native', 'better_sqlite3.node');
    expect(() => openDatabase(path.join(dir, 'library'), { nativeBinding: missing })).toThrow(
      expect.objectContaining({ code: 'library-invalid', message: expect.stringContaining(missing) }),
    );
  });

  it('reaches the database from the service options', () => {
    const missing = path.join(dir, 'electron-native', 'better_sqlite3.node');
    expect(() => PhotoSearchService.open({ libraryDir: path.join(dir, 'library'), nativeBinding: missing })).toThrow(missing);
  });

  it('is node_modules’ own when none is given', () => {
    const store = LibraryStore.open(path.join(dir, 'library'));
    expect(store.photos.count()).toBe(0);
    store.close();
  });
});
