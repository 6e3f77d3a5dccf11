import type { Database } from 'better-sqlite3';

/** What a learner does with each embedded photo: labels, albums and personal heads each keep their own marks. */
export type LearnTask = 'labels' | 'albums' | 'personal';

/**
 * Which embedded photos each learner has already handled, per model (table
 * learn_seen, migration addLabelsAlbumsHeads). A mark holds the digest of the vector
 * it was made for, so a photo whose content changed (a new vector, the same id)
 * is handled again; a photo that goes takes its marks with it.
 */
export class LearnSeenTable {
  constructor(private readonly db: Database) {}

  /** Embedded photos of the model the task has not handled in their current version, in id order. */
  unseen(task: LearnTask, modelId: string): number[] {
    return this.db
      .prepare(
        `SELECT e.photo_id FROM embeddings e LEFT JOIN learn_seen s ON s.task = ? AND s.model_id = e.model_id AND s.photo_id = e.photo_id
          WHERE e.model_id = ? AND (s.digest IS NULL OR s.digest <> e.digest) ORDER BY e.photo_id`,
      )
      .pluck()
      .all(task, modelId) as number[];
  }

  /** Marks the photos as handled in their current version. */
  markSeen(task: LearnTask, modelId: string, photoIds: readonly number[]): void {
    this.db
      .prepare(
        `INSERT INTO learn_seen (task, model_id, photo_id, digest)
           SELECT ?, e.model_id, e.photo_id, e.digest FROM embeddings e WHERE e.model_id = ? AND e.photo_id IN (SELECT value FROM json_each(?))
           ON CONFLICT (task, model_id, photo_id) DO UPDATE SET digest = excluded.digest`,
      )
      .run(task, modelId, JSON.stringify(photoIds));
  }

  /** Marks every embedded photo of the model as handled: after a pass over the whole library. */
  markAllSeen(task: LearnTask, modelId: string): void {
    this.db
      .prepare(
        `INSERT INTO learn_seen (task, model_id, photo_id, digest) SELECT ?, model_id, photo_id, digest FROM embeddings WHERE model_id = ?
           ON CONFLICT (task, model_id, photo_id) DO UPDATE SET digest = excluded.digest`,
      )
      .run(task, modelId);
  }
}
