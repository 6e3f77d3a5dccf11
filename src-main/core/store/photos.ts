import type { Database, Statement } from 'better-sqlite3';
import type { PhotoSummary } from '../api/contract.ts';

/** What the indexer knows about a file before decoding it. */
export interface FileStat {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface StoredFile extends FileStat {
  id: number;
  folderId: number;
}

/** Everything stored about one photo: the file, its pixels and its EXIF. */
export interface PhotoRecord extends FileStat {
  folderId: number;
  width: number;
  height: number;
  format: string;
  ext: string;
  takenAt: number | null;
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
}

const SUMMARY_COLUMNS = `p.id, p.path, f.path AS folder, p.width, p.height, p.format, p.size, p.taken_at AS takenAt,
  p.camera, p.latitude, p.longitude`;

export class PhotoTable {
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext, taken_at, camera, latitude, longitude)
       VALUES (@folderId, @path, @size, @mtimeMs, @hash, @width, @height, @format, @ext, @takenAt, @camera, @latitude, @longitude)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE photos SET folder_id = @folderId, path = @path, size = @size, mtime_ms = @mtimeMs, hash = @hash, width = @width,
         height = @height, format = @format, ext = @ext, taken_at = @takenAt, camera = @camera, latitude = @latitude,
         longitude = @longitude WHERE id = @id`,
    );
  }

  inFolder(folderId: number): StoredFile[] {
    return this.db
      .prepare('SELECT id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, hash FROM photos WHERE folder_id = ?')
      .all(folderId) as StoredFile[];
  }

  byHash(hash: string): StoredFile[] {
    return this.db
      .prepare('SELECT id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, hash FROM photos WHERE hash = ? ORDER BY id')
      .all(hash) as StoredFile[];
  }

  byPath(filePath: string): StoredFile | undefined {
    return this.db.prepare('SELECT id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, hash FROM photos WHERE path = ?').get(filePath) as
      StoredFile | undefined;
  }

  record(id: number): PhotoRecord | undefined {
    return this.db
      .prepare(
        `SELECT folder_id AS folderId, path, size, mtime_ms AS mtimeMs, hash, width, height, format, ext, taken_at AS takenAt,
                camera, latitude, longitude FROM photos WHERE id = ?`,
      )
      .get(id) as PhotoRecord | undefined;
  }

  insert(record: PhotoRecord): number {
    return Number(this.insertStmt.run(record).lastInsertRowid);
  }

  update(id: number, record: PhotoRecord): void {
    this.updateStmt.run({ ...record, id });
  }

  /** A file that moved or was renamed keeps its row, and so its embeddings. */
  move(id: number, folderId: number, file: FileStat): void {
    this.db
      .prepare('UPDATE photos SET folder_id = ?, path = ?, size = ?, mtime_ms = ?, hash = ? WHERE id = ?')
      .run(folderId, file.path, file.size, file.mtimeMs, file.hash, id);
  }

  touch(id: number, size: number, mtimeMs: number): void {
    this.db.prepare('UPDATE photos SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, id);
  }

  remove(ids: readonly number[]): void {
    const stmt = this.db.prepare('DELETE FROM photos WHERE id = ?');
    for (const id of ids) stmt.run(id);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
  }

  summaries(ids: readonly number[]): Map<number, PhotoSummary> {
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM photos p JOIN folders f ON f.id = p.folder_id WHERE p.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as PhotoSummary[];
    return new Map(rows.map((r) => [r.id, r]));
  }
}
