import type { Database } from 'better-sqlite3';
import type { FileFailure } from '../api/contract.ts';
import { displayPath } from '../media/path-key.ts';

export interface FailureRecord {
  path: string;
  folderId: number;
  size: number;
  mtimeMs: number;
  code: string;
  reason: string;
}

/**
 * Files that could not be indexed, with why; kept until the file changes or goes. A
 * folder below a library folder that could not be read is recorded here too (code
 * 'folder-unreadable', size and mtime 0), for as long as it cannot be read.
 */
export class FailureTable {
  constructor(private readonly db: Database) {}

  inFolder(folderId: number): Map<string, { size: number; mtimeMs: number }> {
    const rows = this.db.prepare('SELECT path, size, mtime_ms AS mtimeMs FROM failures WHERE folder_id = ?').all(folderId) as Array<{
      path: string;
      size: number;
      mtimeMs: number;
    }>;
    return new Map(rows.map((r) => [r.path, { size: r.size, mtimeMs: r.mtimeMs }]));
  }

  record(f: FailureRecord): void {
    this.db
      .prepare(
        `INSERT INTO failures (path, folder_id, size, mtime_ms, code, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, size = excluded.size, mtime_ms = excluded.mtime_ms,
           code = excluded.code, reason = excluded.reason, at = excluded.at`,
      )
      .run(f.path, f.folderId, f.size, f.mtimeMs, f.code, f.reason, Date.now());
  }

  clear(paths: Iterable<string>): void {
    const stmt = this.db.prepare('DELETE FROM failures WHERE path = ?');
    for (const p of paths) stmt.run(p);
  }

  /** The failures to show, by path key; `displayPath` is set where a name is not valid UTF-8. */
  list(limit = 1000): FileFailure[] {
    const rows = this.db.prepare('SELECT path, reason, code, at FROM failures ORDER BY path LIMIT ?').all(limit) as FileFailure[];
    return rows.map((r) => {
      const shown = displayPath(r.path);
      return shown === r.path ? r : { ...r, displayPath: shown };
    });
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM failures').get() as { n: number }).n;
  }
}
