import type { Database } from 'better-sqlite3';
import { closeDatabase, openDatabase, type DatabaseOptions } from './database.ts';
import { EmbeddingTable } from './embeddings.ts';
import { FailureTable } from './failures.ts';
import { FolderTable } from './folders.ts';
import { PhotoTable } from './photos.ts';

/** The library database and its tables; the one writer of the library. */
export class LibraryStore {
  readonly folders: FolderTable;
  readonly photos: PhotoTable;
  readonly embeddings: EmbeddingTable;
  readonly failures: FailureTable;

  private constructor(readonly db: Database) {
    this.folders = new FolderTable(db);
    this.photos = new PhotoTable(db);
    this.embeddings = new EmbeddingTable(db);
    this.failures = new FailureTable(db);
  }

  static open(libraryDir: string, opts: Pick<DatabaseOptions, 'nativeBinding'> = {}): LibraryStore {
    return new LibraryStore(openDatabase(libraryDir, opts));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  setting(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  deleteSetting(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }

  close(): void {
    closeDatabase(this.db);
  }
}
