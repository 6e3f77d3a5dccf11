import type { Database } from 'better-sqlite3';

export interface StoredCategory {
  key: string;
  name: string;
  /** Photos the user tagged with it. */
  examples: number;
}

/** A personal classifier fitted for one model (learn/heads/personal-heads.ts keeps the shapes of `state` and `report`). */
export interface StoredHead {
  method: 'linear' | 'cache';
  /** Fingerprint of the tags it was fitted on: a different one means the user tagged since. */
  examples: string;
  state: string;
  report: string;
  fittedAt: number;
}

/**
 * The user's personal categories, the photos tagged with each (whatever the model),
 * and the classifier fitted on them per model (migration addLabelsAlbumsHeads).
 */
export class PersonalHeadTables {
  constructor(private readonly db: Database) {}

  categories(): StoredCategory[] {
    return this.db
      .prepare(
        `SELECT c.key, c.name, (SELECT count(*) FROM personal_examples e WHERE e.key = c.key) AS examples
           FROM personal_categories c ORDER BY c.created_at, c.key`,
      )
      .all() as StoredCategory[];
  }

  /** Adds a category unless it exists. Its creation time is kept after every earlier one's, so two made in one millisecond still list in the order they were made. */
  ensureCategory(key: string, name: string): void {
    this.db
      .prepare(
        `INSERT INTO personal_categories (key, name, created_at)
           VALUES (?, ?, max(?, coalesce((SELECT max(created_at) + 1 FROM personal_categories), 0)))
           ON CONFLICT (key) DO NOTHING`,
      )
      .run(key, name, Date.now());
  }

  deleteCategory(key: string): void {
    this.db.prepare('DELETE FROM personal_categories WHERE key = ?').run(key);
  }

  /** Tags photos; ids that are not photos of the library are skipped. Returns how many were tagged anew. */
  addExamples(key: string, photoIds: readonly number[]): number {
    return this.db
      .prepare(
        `INSERT INTO personal_examples (key, photo_id, tagged_at) SELECT ?, p.id, ? FROM photos p WHERE p.id IN (SELECT value FROM json_each(?))
           ON CONFLICT (key, photo_id) DO NOTHING`,
      )
      .run(key, Date.now(), JSON.stringify(photoIds)).changes;
  }

  removeExamples(key: string, photoIds: readonly number[]): number {
    return this.db.prepare('DELETE FROM personal_examples WHERE key = ? AND photo_id IN (SELECT value FROM json_each(?))').run(key, JSON.stringify(photoIds))
      .changes;
  }

  /** Every tag, by category then photo. */
  examples(): Array<{ key: string; photoId: number }> {
    return this.db.prepare('SELECT key, photo_id AS photoId FROM personal_examples ORDER BY key, photo_id').all() as Array<{ key: string; photoId: number }>;
  }

  head(modelId: string): StoredHead | undefined {
    return this.db.prepare('SELECT method, examples, state, report, fitted_at AS fittedAt FROM personal_heads WHERE model_id = ?').get(modelId) as
      StoredHead | undefined;
  }

  putHead(modelId: string, head: StoredHead): void {
    this.db
      .prepare(
        `INSERT INTO personal_heads (model_id, method, examples, state, report, fitted_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (model_id) DO UPDATE SET method = excluded.method, examples = excluded.examples, state = excluded.state,
             report = excluded.report, fitted_at = excluded.fitted_at`,
      )
      .run(modelId, head.method, head.examples, head.state, head.report, head.fittedAt);
  }
}
