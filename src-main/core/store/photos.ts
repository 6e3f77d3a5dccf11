import type { Database, Statement } from 'better-sqlite3';
import type { DateSource, PhotoSummary } from '../api/contract.ts';
import { formatLocal, formatOffset, localOf } from '../media/date-taken.ts';
import { displayPath } from '../media/path-key.ts';

/**
 * What the library knows about a file before decoding it. Paths are path keys
 * (media/path-key.ts). The fields marked optional are absent from rows written
 * before they existed and from callers that do not know them.
 */
export interface FileStat {
  path: string;
  /** The real path (links resolved) when it is not `path`. */
  realPath?: string | null;
  size: number;
  mtimeMs: number;
  ctimeMs?: number | null;
  dev?: number | null;
  ino?: number | null;
  /** sha256 of the whole file: the identity an embedding is reused on (media/identity.ts). */
  hash: string;
  /** The cheap key that finds candidates for a move or a copy; equal to `hash` on rows whose identity was never confirmed. */
  quickHash?: string;
}

export interface StoredFile extends FileStat {
  id: number;
  folderId: number;
  realPath: string | null;
  ctimeMs: number | null;
  quickHash: string;
  dateSource: DateSource | null;
  /** Set while the photo's removal is held for confirmation (ms since epoch). */
  missingSince: number | null;
}

/** When a photo was taken: see media/date-taken.ts. */
export interface TakenFields {
  takenAt: number | null;
  /** Wall-clock fields as UTC ms; derived from `takenAt` in this machine's zone when absent. */
  takenLocal?: number | null;
  /** Minutes east of UTC, when known. */
  takenOffset?: number | null;
  dateSource?: DateSource | null;
}

/** Everything stored about one photo: the file, its pixels and its EXIF. */
export interface PhotoRecord extends FileStat, TakenFields {
  folderId: number;
  width: number;
  height: number;
  format: string;
  ext: string;
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
}

const STORED_COLUMNS = `id, folder_id AS folderId, path, real_path AS realPath, size, mtime_ms AS mtimeMs, ctime_ms AS ctimeMs, dev, ino, hash,
  coalesce(quick_hash, hash) AS quickHash, date_source AS dateSource, missing_since AS missingSince`;

const SUMMARY_COLUMNS = `p.id, p.path, f.path AS folder, p.width, p.height, p.format, p.size, p.taken_at AS takenAt, p.taken_local AS takenLocal,
  p.taken_offset AS takenOffset, p.date_source AS dateSource, p.camera, p.latitude, p.longitude`;

const RECORD_COLUMNS = `folder_id AS folderId, path, real_path AS realPath, size, mtime_ms AS mtimeMs, ctime_ms AS ctimeMs, dev, ino, hash,
  coalesce(quick_hash, hash) AS quickHash, width, height, format, ext, taken_at AS takenAt, taken_local AS takenLocal, taken_offset AS takenOffset,
  date_source AS dateSource, camera, latitude, longitude`;

/** A file's columns, with the fields a caller may leave out filled in. */
function fileColumns(file: FileStat): Required<FileStat> {
  return {
    path: file.path,
    realPath: file.realPath === file.path ? null : (file.realPath ?? null),
    size: file.size,
    mtimeMs: file.mtimeMs,
    ctimeMs: file.ctimeMs ?? null,
    dev: file.dev ?? null,
    ino: file.ino ?? null,
    hash: file.hash,
    quickHash: file.quickHash ?? file.hash,
  };
}

function takenColumns(taken: TakenFields): Required<TakenFields> {
  return {
    takenAt: taken.takenAt,
    takenLocal: taken.takenLocal ?? (taken.takenAt === null ? null : localOf(taken.takenAt)),
    takenOffset: taken.takenOffset ?? null,
    dateSource: taken.dateSource ?? null,
  };
}

/** Every named parameter the insert and update statements bind. */
function bound(record: PhotoRecord): Required<PhotoRecord> {
  return { ...record, ...fileColumns(record), ...takenColumns(record) };
}

/** A file's facts as the walk or the decoder saw them, for a row that keeps its content. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  ctimeMs: number | null;
  dev: number | null;
  ino: number | null;
}

export class PhotoTable {
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO photos (folder_id, path, real_path, size, mtime_ms, ctime_ms, dev, ino, hash, quick_hash, width, height, format, ext, taken_at,
         taken_local, taken_offset, date_source, camera, latitude, longitude)
       VALUES (@folderId, @path, @realPath, @size, @mtimeMs, @ctimeMs, @dev, @ino, @hash, @quickHash, @width, @height, @format, @ext, @takenAt,
         @takenLocal, @takenOffset, @dateSource, @camera, @latitude, @longitude)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE photos SET folder_id = @folderId, path = @path, real_path = @realPath, size = @size, mtime_ms = @mtimeMs, ctime_ms = @ctimeMs,
         dev = @dev, ino = @ino, hash = @hash, quick_hash = @quickHash, width = @width, height = @height, format = @format, ext = @ext,
         taken_at = @takenAt, taken_local = @takenLocal, taken_offset = @takenOffset, date_source = @dateSource, camera = @camera,
         latitude = @latitude, longitude = @longitude, missing_since = NULL WHERE id = @id`,
    );
  }

  inFolder(folderId: number): StoredFile[] {
    return this.db.prepare(`SELECT ${STORED_COLUMNS} FROM photos WHERE folder_id = ?`).all(folderId) as StoredFile[];
  }

  /** Photos whose whole content has this sha256. */
  byHash(hash: string): StoredFile[] {
    return this.db.prepare(`SELECT ${STORED_COLUMNS} FROM photos WHERE hash = ? ORDER BY id`).all(hash) as StoredFile[];
  }

  /** Candidates for a move or a copy: photos with this quick key (see FileStat.quickHash), to confirm by full hash. */
  byQuickHash(quickHash: string): StoredFile[] {
    return this.db.prepare(`SELECT ${STORED_COLUMNS} FROM photos WHERE quick_hash = ? ORDER BY id`).all(quickHash) as StoredFile[];
  }

  byPath(filePath: string): StoredFile | undefined {
    return this.db.prepare(`SELECT ${STORED_COLUMNS} FROM photos WHERE path = ?`).get(filePath) as StoredFile | undefined;
  }

  /**
   * The photo a path names however it was reached: `keys` are the candidates for one
   * file (the path as given, its real path); a photo matches by its own path or by
   * its real path. Undefined when none.
   */
  byAnyPath(keys: readonly string[]): StoredFile | undefined {
    const list = JSON.stringify([...new Set(keys)]);
    return this.db
      .prepare(
        `SELECT ${STORED_COLUMNS} FROM photos WHERE path IN (SELECT value FROM json_each(?))
           OR (real_path IS NOT NULL AND real_path IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT 1`,
      )
      .get(list, list) as StoredFile | undefined;
  }

  record(id: number): PhotoRecord | undefined {
    return this.db.prepare(`SELECT ${RECORD_COLUMNS} FROM photos WHERE id = ?`).get(id) as PhotoRecord | undefined;
  }

  insert(record: PhotoRecord): number {
    return Number(this.insertStmt.run(bound(record)).lastInsertRowid);
  }

  update(id: number, record: PhotoRecord): void {
    this.updateStmt.run({ ...bound(record), id });
  }

  /** A file that moved or was renamed keeps its row, and so its embeddings; a date that came from its old name may change. */
  move(id: number, folderId: number, file: FileStat, taken?: TakenFields): void {
    const f = fileColumns(file);
    this.db
      .prepare(
        `UPDATE photos SET folder_id = ?, path = ?, real_path = ?, size = ?, mtime_ms = ?, ctime_ms = ?, dev = ?, ino = ?, hash = ?, quick_hash = ?,
           missing_since = NULL WHERE id = ?`,
      )
      .run(folderId, f.path, f.realPath, f.size, f.mtimeMs, f.ctimeMs, f.dev, f.ino, f.hash, f.quickHash, id);
    if (taken) this.redate(id, taken);
  }

  /** New file facts for unchanged content (a copy restored, a touch, a changed owner); `hash` upgrades an unconfirmed identity. */
  touch(id: number, facts: FileFacts, identity?: { hash: string; quickHash: string }): void {
    this.db
      .prepare(
        `UPDATE photos SET size = ?, mtime_ms = ?, ctime_ms = ?, dev = ?, ino = ?, hash = coalesce(?, hash), quick_hash = coalesce(?, quick_hash),
           missing_since = NULL WHERE id = ?`,
      )
      .run(facts.size, facts.mtimeMs, facts.ctimeMs, facts.dev, facts.ino, identity?.hash ?? null, identity?.quickHash ?? null, id);
  }

  /** Replaces a photo's date (a date read again from its name). */
  redate(id: number, taken: TakenFields): void {
    const { takenAt, takenLocal, takenOffset, dateSource } = takenColumns(taken);
    this.db
      .prepare('UPDATE photos SET taken_at = ?, taken_local = ?, taken_offset = ?, date_source = ? WHERE id = ?')
      .run(takenAt, takenLocal, takenOffset, dateSource, id);
  }

  /** Marks photos no longer found whose removal is held for confirmation, or (since null) clears the mark. */
  markMissing(ids: readonly number[], since: number | null): void {
    const stmt = this.db.prepare('UPDATE photos SET missing_since = ? WHERE id = ?');
    for (const id of ids) stmt.run(since, id);
  }

  /** Photos whose removal is held, per library folder, in path order. */
  heldRemovals(): Array<{ folderId: number; path: string }> {
    return this.db.prepare('SELECT folder_id AS folderId, path FROM photos WHERE missing_since IS NOT NULL ORDER BY folder_id, path').all() as Array<{
      folderId: number;
      path: string;
    }>;
  }

  remove(ids: readonly number[]): void {
    const stmt = this.db.prepare('DELETE FROM photos WHERE id = ?');
    for (const id of ids) stmt.run(id);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
  }

  summaries(ids: readonly number[]): Map<number, PhotoSummary> {
    type Row = Omit<PhotoSummary, 'takenLocal' | 'takenOffset'> & { takenLocal: number | null; takenOffset: number | null };
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM photos p JOIN folders f ON f.id = p.folder_id WHERE p.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as Row[];
    return new Map(rows.map((r) => [r.id, summary(r)]));
  }
}

function summary(row: Omit<PhotoSummary, 'takenLocal' | 'takenOffset'> & { takenLocal: number | null; takenOffset: number | null }): PhotoSummary {
  const shown = displayPath(row.path);
  return {
    ...row,
    ...(shown === row.path ? {} : { displayPath: shown }),
    takenLocal: row.takenLocal === null ? null : formatLocal(row.takenLocal),
    takenOffset: row.takenOffset === null ? null : formatOffset(row.takenOffset),
  };
}
