/**
 * A library database as an older version of the app left it, for migration tests: each
 * test gets a new folder, and `before(version)` opens a database migrated up to just
 * before `version` with one folder, "/p" (id 1), for the test's photos; `file()` is that database's path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import { DATABASE_FILE, migrate } from '../../src-main/core/store/database.ts';

export function migrationScratch(name: string): { before(version: number): BetterSqlite3.Database; file(): string } {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `photo-search-migration-${name}-`));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    before(version) {
      const db = new BetterSqlite3(path.join(dir, DATABASE_FILE));
      db.pragma('foreign_keys = ON');
      migrate(db, 'test', version - 1);
      db.prepare("INSERT INTO folders (path, added_at) VALUES ('/p', 1)").run();
      return db;
    },
    file: () => path.join(dir, DATABASE_FILE),
  };
}
