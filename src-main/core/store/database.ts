import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { LibraryError, errorMessage } from '../errors.ts';
import { migrations, SCHEMA_VERSION } from './migrations.ts';

export const DATABASE_FILE = 'library.sqlite';

export interface DatabaseOptions {
  readonly?: boolean;
  /**
   * A better-sqlite3 addon built for another ABI than node_modules' own: the
   * Electron engine process passes one when running from source.
   */
  nativeBinding?: string;
}

/**
 * Opens (or creates) the library database and brings it to the current schema.
 * A database written by a newer version of the app is refused rather than
 * half-understood, so an older install can never damage a newer library.
 */
export function openDatabase(libraryDir: string, opts: DatabaseOptions = {}): Database {
  const file = path.join(libraryDir, DATABASE_FILE);
  if (!opts.readonly) fs.mkdirSync(libraryDir, { recursive: true });
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, nativeBinding: opts.nativeBinding });
  } catch (err) {
    throw new LibraryError('library-invalid', file, `Cannot open the library database ${file}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    // The version is checked before anything is written, so a newer library is left byte for byte as it was.
    checkVersion(db, file);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Rows replaced by INSERT OR REPLACE must fire their delete triggers too, which keep the index stamps (migrations.ts).
    db.pragma('recursive_triggers = ON');
    // No memory map: searches score the index's vectors in memory (search/model-index.ts) and read a few hundred rows
    // here per query; mapped, every page they touch (with the kernel's fault-around, most of the file after a few thousand
    // scattered reads) would stay in the process's resident memory.
    db.pragma('mmap_size = 0');
    // A new or migrated library goes into the main file at once, so its identity survives a lost log.
    if (migrate(db, file) > 0) checkpointDatabase(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function checkVersion(db: Database, file: string): number {
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    throw new LibraryError(
      'library-invalid',
      file,
      `${file} is not a photo-search library (${errorMessage(err)}). Move it away or choose another --library folder.`,
      { cause: err },
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new LibraryError(
      'library-newer',
      file,
      `${file} was written by a newer version of photo-search (schema ${version}, this version knows ${SCHEMA_VERSION}). Update the app to open it.`,
    );
  }
  return version;
}

/**
 * Brings the database to schema `target`, one migration per transaction, and
 * returns how many it ran. Each step takes the write lock first and reads the
 * version again under it, so two processes opening a new library at once do not
 * both run the same migration.
 */
export function migrate(db: Database, file: string, target = SCHEMA_VERSION): number {
  let ran = 0;
  for (;;) {
    const version = checkVersion(db, file);
    if (version >= target) return ran;
    db.transaction(() => {
      if (checkVersion(db, file) !== version) return;
      migrations[version](db);
      db.pragma(`user_version = ${version + 1}`);
      ran++;
    }).immediate();
  }
}

/**
 * Copies everything committed in the write-ahead log into the main database file
 * (and flushes it), so a copy or backup of library.sqlite alone holds the whole
 * library. Never waits: frames a reader in another process still needs stay in the
 * log. Returns true when the log held nothing the main file lacks afterwards.
 * Source: https://www.sqlite.org/pragma.html#pragma_wal_checkpoint (PASSIVE).
 */
export function checkpointDatabase(db: Database): boolean {
  if (!db.open || db.readonly) return false;
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  return result.busy === 0 && result.log === result.checkpointed;
}

/** Folds the log into the main file, then closes. */
export function closeDatabase(db: Database): void {
  if (!db.open) return;
  if (!db.readonly) {
    db.pragma('optimize');
    checkpointDatabase(db);
  }
  db.close();
}
