import type { Database } from 'better-sqlite3';
import type { FileFailure } from '../api/contract.ts';

export interface FailureRecord {
  path: string;
  folderId: number;
  size: number;
  mtimeMs: number;
  code: string;
  reason: string;
}

/** Files that could not be indexed, with why; kept until the file changes or goes. */
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

  list(limit = 1000): FileFailure[] {
    return this.db.prepare('SELECT path, reason, code, at FROM failures ORDER BY path LIMIT ?').all(limit) as FileFailure[];
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM failures').get() as { n: number }).n;
  }
}
