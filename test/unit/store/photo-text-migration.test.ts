import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, migrate } from '../../../src-main/core/store/database.ts';
import { addPhotoText, migrations } from '../../../src-main/core/store/migrations.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-text-migration-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the words-in-photos migration', () => {
  it('adds the text tables to a library that has photos and keeps them', () => {
    const version = migrations.indexOf(addPhotoText);
    expect(version).toBeGreaterThan(0);
    const db = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    migrate(db, 'test', version);
    db.prepare("INSERT INTO folders (path, added_at) VALUES ('/p', 1)").run();
    db.prepare(
      "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext) VALUES (1, '/p/a.jpg', 1, 1, 'h1', 1, 1, 'jpeg', 'jpg')",
    ).run();
    migrate(db, 'test', version + 1);

    expect(db.pragma('user_version', { simple: true })).toBe(version + 1);
    expect(db.prepare('SELECT count(*) FROM photos').pluck().get()).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'photo_text%' AND type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['photo_text', 'photo_text_lines', 'photo_text_search']));
    db.close();
  });

  it('indexes substrings of stored text in any script with the trigram tokenizer, and forgets deleted text', () => {
    const db = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    migrate(db, 'test', migrations.indexOf(addPhotoText) + 1);
    db.prepare(
      "INSERT INTO photo_text (id, hash, model_id, status, line_count, read_at, body) VALUES (7, 'h', 'm', 'read', 1, 1, 'wifipassword欢迎光临')",
    ).run();
    db.prepare("INSERT INTO photo_text (id, hash, model_id, status, line_count, read_at) VALUES (8, 'f', 'm', 'failed', 0, 1)").run();
    const match = (q: string) => db.prepare('SELECT rowid FROM photo_text_search WHERE photo_text_search MATCH ?').pluck().all(q);
    expect(match('"ifipass"')).toEqual([7]);
    expect(match('"欢迎光"')).toEqual([7]);
    db.prepare("UPDATE photo_text SET body = 'exitfour' WHERE id = 7").run();
    expect(match('"ifipass"')).toEqual([]);
    expect(match('"xitfo"')).toEqual([7]);
    db.prepare("DELETE FROM photo_text WHERE hash = 'h'").run();
    expect(match('"xitfo"')).toEqual([]);
    // FTS5 checks its index against the content table and throws when they disagree.
    expect(() => db.prepare("INSERT INTO photo_text_search (photo_text_search) VALUES ('integrity-check')").run()).not.toThrow();
    db.close();
  });
});
