import type { Database } from 'better-sqlite3';
import { hashFromBytes as fromBytes, hashToBytes as toBytes } from '../media/perceptual-hash.ts';

/** A photo that has no perceptual hash of the current version yet. */
export interface UnhashedPhoto {
  id: number;
  /** Path key (media/path-key.ts). */
  path: string;
}

/**
 * One perceptual hash per photo (table perceptual_hashes, migration addPerceptualHashes):
 * 64 bits stored as 8 bytes, most significant first, with the version of the function
 * that made it (media/perceptual-hash.ts PERCEPTUAL_HASH_VERSION). Rows of another
 * version count as missing. A photo whose content changes loses its row (trigger).
 */
export class PerceptualHashTable {
  constructor(private readonly db: Database) {}

  /** Stores the hash of a photo; false when the photo is gone (removed while it was being hashed). */
  put(photoId: number, hash: bigint, version: number): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO perceptual_hashes (photo_id, version, hash) SELECT id, ?, ? FROM photos WHERE id = ?
         ON CONFLICT(photo_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
      )
      .run(version, toBytes(hash), photoId);
    return result.changes > 0;
  }

  /** A copy of a file already in the library shares its content, hence its hash (as embeddings.copy). */
  copy(fromPhotoId: number, toPhotoId: number): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO perceptual_hashes (photo_id, version, hash) SELECT ?, version, hash FROM perceptual_hashes WHERE photo_id = ?
         ON CONFLICT(photo_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
      )
      .run(toPhotoId, fromPhotoId);
    return result.changes > 0;
  }

  get(photoId: number, version: number): bigint | undefined {
    const row = this.db.prepare('SELECT hash FROM perceptual_hashes WHERE photo_id = ? AND version = ?').get(photoId, version) as { hash: Buffer } | undefined;
    return row ? fromBytes(row.hash) : undefined;
  }

  /** Every hash of this version, by photo id. */
  all(version: number): Map<number, bigint> {
    const out = new Map<number, bigint>();
    const stmt = this.db.prepare('SELECT photo_id AS id, hash FROM perceptual_hashes WHERE version = ?');
    for (const row of stmt.iterate(version) as IterableIterator<{ id: number; hash: Buffer }>) out.set(row.id, fromBytes(row.hash));
    return out;
  }

  /** Photos in online folders without a hash of this version, in id order, at most `limit`, after id `afterId`. */
  missing(version: number, limit: number, afterId = 0): UnhashedPhoto[] {
    return this.db
      .prepare(
        `SELECT p.id, p.path FROM photos p JOIN folders f ON f.id = p.folder_id
          WHERE f.online = 1 AND p.id > ? AND NOT EXISTS (SELECT 1 FROM perceptual_hashes h WHERE h.photo_id = p.id AND h.version = ?)
          ORDER BY p.id LIMIT ?`,
      )
      .all(afterId, version, limit) as UnhashedPhoto[];
  }

  /** How many photos (in any folder) have no hash of this version. */
  countMissing(version: number): number {
    return this.db
      .prepare('SELECT count(*) FROM photos p WHERE NOT EXISTS (SELECT 1 FROM perceptual_hashes h WHERE h.photo_id = p.id AND h.version = ?)')
      .pluck()
      .get(version) as number;
  }
}
