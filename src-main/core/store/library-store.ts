import type { Database } from 'better-sqlite3';
import { LibraryError } from '../errors.ts';
import { checkpointDatabase, closeDatabase, openDatabase, type DatabaseOptions } from './database.ts';
import { EmbeddingTable } from './embeddings.ts';
import { FailureTable } from './failures.ts';
import { FolderTable } from './folders.ts';
import { PhotoTextTable } from './photo-text.ts';
import { PhotoTable } from './photos.ts';

/** The library database and its tables; the one writer of the library. */
export class LibraryStore {
  readonly folders: FolderTable;
  readonly photos: PhotoTable;
  readonly embeddings: EmbeddingTable;
  readonly failures: FailureTable;
  readonly photoText: PhotoTextTable;

  private constructor(readonly db: Database) {
    this.folders = new FolderTable(db);
    this.photos = new PhotoTable(db);
    this.embeddings = new EmbeddingTable(db);
    this.failures = new FailureTable(db);
    this.photoText = new PhotoTextTable(db);
  }

  static open(libraryDir: string, opts: Pick<DatabaseOptions, 'nativeBinding'> = {}): LibraryStore {
    return new LibraryStore(openDatabase(libraryDir, opts));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Runs `fn` on one consistent snapshot of the library: reads inside it see no
   * commit made by another connection after the first of them.
   */
  snapshot<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /** Made once when the library is created (migrations.ts addIndexStamps); ties side files to this library. */
  get id(): string {
    const id = this.setting('library-id');
    if (id === undefined)
      throw new LibraryError('library-invalid', this.db.name, `${this.db.name} has no library identity. Move it away and index your folders again.`);
    return id;
  }

  /** Copies the write-ahead log into the main file; see checkpointDatabase. */
  checkpoint(): boolean {
    return checkpointDatabase(this.db);
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
