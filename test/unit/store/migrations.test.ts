import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, migrate, openDatabase } from '../../../src-main/core/store/database.ts';
import { SCHEMA_VERSION } from '../../../src-main/core/store/migrations.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-migrations-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const columns = (db: BetterSqlite3.Database, table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);

describe('library schema migrations', () => {
  it('1: a new library gets folders, photos, embeddings, failures and settings, in WAL mode', () => {
    const db = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    migrate(db, 'test', 1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['embeddings', 'failures', 'folders', 'models', 'photos', 'settings']);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    const opened = openDatabase(dir);
    expect(opened.pragma('journal_mode', { simple: true })).toBe('wal');
    opened.close();
  });

  it('2: model names are added and embeddings written at version 1 are kept', () => {
    const db = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    migrate(db, 'test', 1);
    db.prepare("INSERT INTO folders (path, added_at) VALUES ('/p', 1)").run();
    db.prepare(
      "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext) VALUES (1, '/p/a.jpg', 1, 1, 'h', 1, 1, 'jpeg', 'jpg')",
    ).run();
    db.prepare("INSERT INTO models (model_id, dim) VALUES ('m', 2)").run();
    db.prepare("INSERT INTO embeddings VALUES (1, 'm', 'v1', x'0000803f00000000')").run();
    migrate(db, 'test', 2);
    expect(columns(db, 'models')).toEqual(expect.arrayContaining(['name', 'dir']));
    expect(db.prepare('SELECT count(*) FROM embeddings').pluck().get()).toBe(1);
    db.close();
  });

  it('refuses a library written by a newer version, and leaves it untouched', () => {
    const file = path.join(dir, DATABASE_FILE);
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(file);
    expect(() => LibraryStore.open(dir)).toThrow(/newer version of photo-search/);
    expect(fs.readFileSync(file)).toEqual(before);
  });

  it('names a file that is not a database and says what to do', () => {
    fs.writeFileSync(path.join(dir, DATABASE_FILE), 'this is not sqlite at all, just text that is long enough');
    expect(() => LibraryStore.open(dir)).toThrow(/library\.sqlite is not a photo-search library.*Move it away or choose another --library folder/);
  });
});
