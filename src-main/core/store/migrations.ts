import type { Database } from 'better-sqlite3';

/**
 * Schema history. Each entry moves the database from version i to i+1 and is
 * never edited once released: a user's library may be at any earlier version.
 */
export const migrations: ReadonlyArray<(db: Database) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE folders (
        id            INTEGER PRIMARY KEY,
        path          TEXT NOT NULL UNIQUE,
        added_at      INTEGER NOT NULL,
        last_scan_at  INTEGER,
        online        INTEGER NOT NULL DEFAULT 1,
        offline_reason TEXT
      );
      CREATE TABLE photos (
        id         INTEGER PRIMARY KEY,
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path       TEXT NOT NULL UNIQUE,
        size       INTEGER NOT NULL,
        mtime_ms   REAL NOT NULL,
        hash       TEXT NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        format     TEXT NOT NULL,
        ext        TEXT NOT NULL,
        taken_at   INTEGER,
        camera     TEXT,
        latitude   REAL,
        longitude  REAL
      );
      CREATE INDEX photos_folder ON photos(folder_id);
      CREATE INDEX photos_hash ON photos(hash);
      CREATE INDEX photos_taken ON photos(taken_at);
      CREATE TABLE embeddings (
        photo_id           INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model_id           TEXT NOT NULL,
        preprocess_version TEXT NOT NULL,
        vector             BLOB NOT NULL,
        PRIMARY KEY (model_id, photo_id)
      ) WITHOUT ROWID;
      CREATE INDEX embeddings_photo ON embeddings(photo_id);
      CREATE TABLE models (
        model_id   TEXT PRIMARY KEY,
        dim        INTEGER NOT NULL,
        generation INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE failures (
        path      TEXT PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        size      INTEGER NOT NULL,
        mtime_ms  REAL NOT NULL,
        code      TEXT NOT NULL,
        reason    TEXT NOT NULL,
        at        INTEGER NOT NULL
      );
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
  (db) => {
    // Names let `status` show which model each set of embeddings belongs to after a switch.
    db.exec(`
      ALTER TABLE models ADD COLUMN name TEXT;
      ALTER TABLE models ADD COLUMN dir TEXT;
    `);
  },
];

export const SCHEMA_VERSION = migrations.length;
