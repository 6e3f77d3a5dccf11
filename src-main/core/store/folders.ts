import type { Database } from 'better-sqlite3';

export interface FolderRow {
  id: number;
  path: string;
  addedAt: number;
  lastScanAt: number | null;
  online: boolean;
  offlineReason: string | null;
  photos: number;
}

export class FolderTable {
  constructor(private readonly db: Database) {}

  /** Adds the folder if new; returns its id either way. */
  ensure(folderPath: string): number {
    this.db.prepare('INSERT INTO folders (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING').run(folderPath, Date.now());
    return (this.db.prepare('SELECT id FROM folders WHERE path = ?').get(folderPath) as { id: number }).id;
  }

  find(folderPath: string): FolderRow | undefined {
    return this.list().find((f) => f.path === folderPath);
  }

  list(): FolderRow[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.path, f.added_at AS addedAt, f.last_scan_at AS lastScanAt, f.online, f.offline_reason AS offlineReason,
                (SELECT count(*) FROM photos p WHERE p.folder_id = f.id) AS photos
           FROM folders f ORDER BY f.path`,
      )
      .all() as Array<Omit<FolderRow, 'online'> & { online: number }>;
    return rows.map((r) => ({ ...r, online: r.online === 1 }));
  }

  markScanned(id: number, online: boolean, reason: string | null): void {
    this.db.prepare('UPDATE folders SET last_scan_at = ?, online = ?, offline_reason = ? WHERE id = ?').run(Date.now(), online ? 1 : 0, reason, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM folders WHERE id = ?').run(id);
  }
}
