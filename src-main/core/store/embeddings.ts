import type { Database, Statement } from 'better-sqlite3';
import { pairDigest } from '../vectors/digest.ts';
import { fromBlob, toBlob } from '../vectors/math.ts';

/** Where one model's embeddings stand; kept by triggers on every change (migrations.ts addIndexStamps). */
export interface ModelStamp {
  modelId: string;
  dim: number;
  /** Vectors stored for the model. */
  count: number;
  /** Counts changes to the model's vectors; only ever grows. */
  generation: number;
  /** Digest of the model's (photo id, vector) pairs (vectors/digest.ts). */
  digest: number;
}

/**
 * One L2-normalised vector per photo and model, each with the digest of its
 * (photo id, vector) pair, so a derived index can tell cheaply whether it still
 * holds exactly what this table holds.
 */
export class EmbeddingTable {
  private stampStmt: Statement | null = null;

  constructor(private readonly db: Database) {}

  registerModel(model: { id: string; dim: number; name: string; dir: string }): void {
    this.db
      .prepare(
        `INSERT INTO models (model_id, dim, name, dir) VALUES (?, ?, ?, ?)
         ON CONFLICT(model_id) DO UPDATE SET dim = excluded.dim, name = excluded.name, dir = excluded.dir`,
      )
      .run(model.id, model.dim, model.name, model.dir);
  }

  put(photoId: number, modelId: string, preprocessVersion: string, vector: Float32Array): void {
    this.putBlob(photoId, modelId, preprocessVersion, toBlob(vector));
  }

  private putBlob(photoId: number, modelId: string, preprocessVersion: string, blob: Buffer): void {
    this.db
      .prepare(
        `INSERT INTO embeddings (photo_id, model_id, preprocess_version, vector, digest) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(model_id, photo_id) DO UPDATE SET preprocess_version = excluded.preprocess_version, vector = excluded.vector,
           digest = excluded.digest`,
      )
      .run(photoId, modelId, preprocessVersion, blob, pairDigest(photoId, blob));
  }

  /** A copy of a file already in the library reuses its vectors instead of running the model again. */
  copy(fromPhotoId: number, toPhotoId: number): string[] {
    const rows = this.db
      .prepare('SELECT model_id AS modelId, preprocess_version AS preprocessVersion, vector FROM embeddings WHERE photo_id = ?')
      .all(fromPhotoId) as Array<{ modelId: string; preprocessVersion: string; vector: Buffer }>;
    for (const r of rows) this.putBlob(toPhotoId, r.modelId, r.preprocessVersion, r.vector);
    return rows.map((r) => r.modelId);
  }

  /** New content makes every other model's vector for the photo wrong; they are re-made when that model is next used. */
  dropOtherModels(photoId: number, keepModelId: string): void {
    const others = this.db.prepare('SELECT model_id AS modelId FROM embeddings WHERE photo_id = ? AND model_id <> ?').all(photoId, keepModelId) as Array<{
      modelId: string;
    }>;
    this.db.prepare('DELETE FROM embeddings WHERE photo_id = ? AND model_id <> ?').run(photoId, keepModelId);
    this.bump(others.map((o) => o.modelId));
  }

  bump(modelIds: Iterable<string>): void {
    const stmt = this.db.prepare('UPDATE models SET generation = generation + 1 WHERE model_id = ?');
    for (const id of modelIds) stmt.run(id);
  }

  bumpAll(): void {
    this.db.prepare('UPDATE models SET generation = generation + 1').run();
  }

  /** Photos that have no vector for this model yet, or one made with other preprocessing. */
  missing(modelId: string, preprocessVersion: string): Array<{ id: number; path: string; folderId: number }> {
    return this.db
      .prepare(
        `SELECT p.id, p.path, p.folder_id AS folderId FROM photos p JOIN folders f ON f.id = p.folder_id
          WHERE f.online = 1 AND NOT EXISTS (
            SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.photo_id = p.id AND e.preprocess_version = ?)
          ORDER BY p.path`,
      )
      .all(modelId, preprocessVersion) as Array<{ id: number; path: string; folderId: number }>;
  }

  vector(modelId: string, photoId: number): Float32Array | undefined {
    const row = this.db.prepare('SELECT vector FROM embeddings WHERE model_id = ? AND photo_id = ?').get(modelId, photoId) as { vector: Buffer } | undefined;
    return row ? fromBlob(row.vector) : undefined;
  }

  vectors(modelId: string, photoIds: readonly number[]): Map<number, Float32Array> {
    const rows = this.db
      .prepare('SELECT photo_id AS id, vector FROM embeddings WHERE model_id = ? AND photo_id IN (SELECT value FROM json_each(?))')
      .all(modelId, JSON.stringify(photoIds)) as Array<{ id: number; vector: Buffer }>;
    return new Map(rows.map((r) => [r.id, fromBlob(r.vector)]));
  }

  /** Vectors of the photos that pass a filter over `photos p`, in one pass. */
  *matching(modelId: string, where: string, params: readonly unknown[]): Generator<{ id: number; vector: Float32Array }> {
    const stmt = this.db.prepare(`SELECT e.photo_id AS id, e.vector FROM photos p JOIN embeddings e ON e.photo_id = p.id WHERE e.model_id = ? AND (${where})`);
    for (const row of stmt.iterate(modelId, ...params) as IterableIterator<{ id: number; vector: Buffer }>) {
      yield { id: row.id, vector: fromBlob(row.vector) };
    }
  }

  *all(modelId: string): Generator<{ id: number; vector: Float32Array; digest: number }> {
    const stmt = this.db.prepare('SELECT photo_id AS id, vector, digest FROM embeddings WHERE model_id = ?');
    for (const row of stmt.iterate(modelId) as IterableIterator<{ id: number; vector: Buffer; digest: number }>) {
      yield { id: row.id, vector: fromBlob(row.vector), digest: row.digest };
    }
  }

  /** Each photo's pair digest for the model, as [photo id, digest] rows read from an index without touching the vectors. */
  digests(modelId: string): Array<[id: number, digest: number]> {
    return this.db.prepare('SELECT photo_id, digest FROM embeddings INDEXED BY embeddings_digest WHERE model_id = ?').raw().all(modelId) as Array<
      [number, number]
    >;
  }

  /** One row read by a statement prepared once, so it is cheap enough to call before every query (about 10 µs). */
  stamp(modelId: string): ModelStamp | undefined {
    this.stampStmt ??= this.db.prepare('SELECT dim, vectors AS count, generation, digest FROM models WHERE model_id = ?');
    const row = this.stampStmt.get(modelId) as Omit<ModelStamp, 'modelId'> | undefined;
    return row ? { modelId, ...row } : undefined;
  }

  coverage(): Array<{ modelId: string; name: string | null; dir: string | null; embedded: number }> {
    return this.db
      .prepare(
        `SELECT m.model_id AS modelId, m.name, m.dir, (SELECT count(*) FROM embeddings e WHERE e.model_id = m.model_id) AS embedded
           FROM models m ORDER BY m.model_id`,
      )
      .all() as Array<{ modelId: string; name: string | null; dir: string | null; embedded: number }>;
  }
}
