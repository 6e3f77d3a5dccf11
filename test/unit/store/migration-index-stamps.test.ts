import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, migrate } from '../../../src-main/core/store/database.ts';
import { addIndexStamps, migrations } from '../../../src-main/core/store/migrations.ts';
import { addDigest, pairDigest, removeDigest } from '../../../src-main/core/vectors/digest.ts';
import { toBlob } from '../../../src-main/core/vectors/math.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-migration-stamps-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const version = migrations.indexOf(addIndexStamps) + 1;
const vec = (...values: number[]) => toBlob(Float32Array.from(values));

type Figures = { vectors: number; generation: number; digest: number };
const figures = (db: BetterSqlite3.Database, model: string) =>
  db.prepare('SELECT vectors, generation, digest FROM models WHERE model_id = ?').get(model) as Figures;

describe(`migration ${version}: index stamps (library identity, vector counts and digests)`, () => {
  function libraryBefore(): BetterSqlite3.Database {
    const db = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    db.pragma('foreign_keys = ON');
    db.pragma('recursive_triggers = ON');
    migrate(db, 'test', version - 1);
    db.prepare("INSERT INTO folders (path, added_at) VALUES ('/p', 1)").run();
    const photo = db.prepare(
      "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext) VALUES (1, ?, 1, 1, ?, 1, 1, 'jpeg', 'jpg')",
    );
    for (const name of ['a', 'b', 'c']) photo.run(`/p/${name}.jpg`, name);
    db.prepare("INSERT INTO models (model_id, dim, generation) VALUES ('m', 2, 5)").run();
    const put = db.prepare('INSERT INTO embeddings (photo_id, model_id, preprocess_version, vector) VALUES (?, ?, ?, ?)');
    put.run(1, 'm', 'v1', vec(1, 0));
    put.run(2, 'm', 'v1', vec(0, 1));
    // Vectors of a model the models table never heard of still get counted.
    put.run(1, 'x', 'v1', vec(0.6, 0.8));
    return db;
  }

  it('gives every embedding its pair digest, every model its count and digest, and the library an identity', () => {
    expect(version).toBeGreaterThan(2);
    const db = libraryBefore();
    migrate(db, 'test', version);
    const digests = db.prepare('SELECT photo_id AS id, model_id AS model, digest FROM embeddings ORDER BY model_id, photo_id').all();
    expect(digests).toEqual([
      { id: 1, model: 'm', digest: pairDigest(1, vec(1, 0)) },
      { id: 2, model: 'm', digest: pairDigest(2, vec(0, 1)) },
      { id: 1, model: 'x', digest: pairDigest(1, vec(0.6, 0.8)) },
    ]);
    expect(figures(db, 'm')).toEqual({ vectors: 2, generation: 6, digest: addDigest(pairDigest(1, vec(1, 0)), pairDigest(2, vec(0, 1))) });
    expect(figures(db, 'x')).toMatchObject({ vectors: 1, digest: pairDigest(1, vec(0.6, 0.8)) });
    expect(db.prepare("SELECT value FROM settings WHERE key = 'library-id'").pluck().get()).toMatch(/^[0-9a-f-]{36}$/);
    db.close();
  });

  it('keeps each model’s figures in step with every insert, update, replace and delete, cascades included', () => {
    const db = libraryBefore();
    migrate(db, 'test', version);
    const start = figures(db, 'm');
    const d3 = pairDigest(3, vec(0.5, 0.5));
    db.prepare("INSERT INTO embeddings (photo_id, model_id, preprocess_version, vector, digest) VALUES (3, 'm', 'v1', ?, ?)").run(vec(0.5, 0.5), d3);
    expect(figures(db, 'm')).toEqual({ vectors: 3, generation: start.generation + 1, digest: addDigest(start.digest, d3) });

    const d1 = pairDigest(1, vec(0, -1));
    db.prepare("UPDATE embeddings SET vector = ?, digest = ? WHERE photo_id = 1 AND model_id = 'm'").run(vec(0, -1), d1);
    let expected = addDigest(removeDigest(addDigest(start.digest, d3), pairDigest(1, vec(1, 0))), d1);
    expect(figures(db, 'm')).toEqual({ vectors: 3, generation: start.generation + 2, digest: expected });

    const d2 = pairDigest(2, vec(1, 1));
    db.prepare("INSERT OR REPLACE INTO embeddings (photo_id, model_id, preprocess_version, vector, digest) VALUES (2, 'm', 'v2', ?, ?)").run(vec(1, 1), d2);
    expected = addDigest(removeDigest(expected, pairDigest(2, vec(0, 1))), d2);
    expect(figures(db, 'm')).toMatchObject({ vectors: 3, digest: expected });

    db.prepare('DELETE FROM photos WHERE id = 3').run();
    expect(figures(db, 'm')).toMatchObject({ vectors: 2, digest: removeDigest(expected, d3) });
    expect(figures(db, 'm').generation).toBeGreaterThan(start.generation + 3);
    db.close();
  });
});
