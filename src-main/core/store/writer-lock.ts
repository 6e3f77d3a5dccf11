import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { z } from 'zod';
import { LibraryError, errorMessage } from '../errors.ts';
import { writeFileAtomic } from '../vectors/atomic-file.ts';

export const WRITER_LOCK_FILE = 'writer.lock';
/** Who holds the lock, for the message a waiting process shows; written by the holder only. */
export const WRITER_INFO_FILE = 'writer.json';

/** How often a waiting writer tries again. */
const RETRY_MS = 200;

const holderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  program: z.string(),
  task: z.string(),
  since: z.number(),
});
export type WriterHolder = z.infer<typeof holderSchema>;

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Called once, when the lock is found taken, with who holds it (null when that is not known). */
  onWait?: (holder: WriterHolder | null) => void;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * One writer per library, across processes: the CLI, the browser mode and the
 * desktop app's engine share a library by default. The lock is a write
 * transaction (BEGIN IMMEDIATE) held open on a small SQLite file beside the
 * library, so it rests on the same OS file locks SQLite trusts for the library
 * itself: the system drops them when the process ends in any way (kill -9
 * included), so a crashed writer never leaves a lock behind, and no pid or age
 * has to be guessed at. Readers do not take it. Re-entrant within one WriterLock.
 * Source: https://www.sqlite.org/lockingv3.html (RESERVED lock).
 */
export class WriterLock {
  private held: Database | null = null;
  private depth = 0;

  constructor(
    private readonly libraryDir: string,
    private readonly nativeBinding?: string,
  ) {}

  /** Whether this WriterLock holds the lock now. */
  get isHeld(): boolean {
    return this.held !== null;
  }

  private get file(): string {
    return path.join(this.libraryDir, WRITER_LOCK_FILE);
  }

  private get infoFile(): string {
    return path.join(this.libraryDir, WRITER_INFO_FILE);
  }

  /**
   * Takes the lock if no other process (or other WriterLock) holds it, without
   * waiting. `task` says what the holder is doing, for others' messages. Throws
   * LibraryError when the lock file cannot be opened.
   */
  tryAcquire(task: string): boolean {
    if (this.held) {
      this.depth++;
      return true;
    }
    let db: Database;
    try {
      fs.mkdirSync(this.libraryDir, { recursive: true });
      db = new BetterSqlite3(this.file, { timeout: 0, nativeBinding: this.nativeBinding });
    } catch (err) {
      throw new LibraryError(
        'library-invalid',
        this.file,
        `Cannot open the library's writer lock ${this.file}: ${errorMessage(err)}. Check that the library folder is writable.`,
        {
          cause: err,
        },
      );
    }
    try {
      // A table makes the file a database with pages, so holding the lock never writes: no journal, nothing to recover after a kill.
      db.exec('CREATE TABLE IF NOT EXISTS writer (pid INTEGER)');
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      db.close();
      if (isBusy(err)) return false;
      throw new LibraryError('library-invalid', this.file, `Cannot take the library's writer lock ${this.file}: ${errorMessage(err)}.`, { cause: err });
    }
    this.held = db;
    this.depth = 1;
    const holder: WriterHolder = { pid: process.pid, host: os.hostname(), program: programName(), task, since: Date.now() };
    try {
      writeFileAtomic(this.infoFile, JSON.stringify(holder));
    } catch {
      // Only the waiting message loses its details.
    }
    return true;
  }

  /**
   * Takes the lock, waiting for the process that holds it to finish; `onWait` hears
   * once who that is. Rejects with the signal's reason when aborted while waiting.
   */
  async acquire(task: string, opts: AcquireOptions = {}): Promise<void> {
    let told = false;
    while (!this.tryAcquire(task)) {
      opts.signal?.throwIfAborted();
      if (!told) {
        told = true;
        opts.onWait?.(this.holder());
      }
      await sleep(RETRY_MS, undefined, { signal: opts.signal });
    }
  }

  /** Gives back one acquisition; the lock is released with the last. */
  release(): void {
    if (!this.held || --this.depth > 0) return;
    // The holder file goes while the lock is still held, so it can never remove the next holder's.
    if (this.holder()?.pid === process.pid) fs.rmSync(this.infoFile, { force: true });
    this.held.exec('ROLLBACK');
    this.held.close();
    this.held = null;
  }

  /** Runs `fn` holding the lock if it is free or already ours; null when another writer holds it. */
  ifFree<T>(task: string, fn: () => T): T | null {
    if (!this.tryAcquire(task)) return null;
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** Who last took the lock, as they wrote it; null when unknown. */
  holder(): WriterHolder | null {
    try {
      const parsed = holderSchema.safeParse(JSON.parse(fs.readFileSync(this.infoFile, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

function programName(): string {
  const script = process.argv[1];
  return script ? path.basename(script) : path.basename(process.execPath);
}

/** "process 1234 (photo-search.js), indexing since 14:03:12", for messages to the user. */
export function describeHolder(holder: WriterHolder | null): string {
  if (!holder) return 'another photo-search process';
  const since = new Date(holder.since).toLocaleTimeString();
  const where = holder.host === os.hostname() ? '' : ` on ${holder.host}`;
  return `process ${holder.pid}${where} (${holder.program}), ${holder.task} since ${since}`;
}
