import type { Database } from 'better-sqlite3';
import { fromBlob, toBlob } from '../vectors/math.ts';

/** Where a photo's label comes from: the label vocabulary (zero-shot) or the user's personal classifier. */
export type LabelSource = 'vocabulary' | 'personal';

/** One label the model gave one photo. */
export interface PhotoLabelRow {
  photoId: number;
  key: string;
  source: LabelSource;
  /** What ranks the photo for the label: the cosine (vocabulary) or the classifier's probability (personal). */
  score: number;
  /** 0..1, shown to the user and ordering a photo's labels (learn/labels/calibration.ts strengthOf). */
  strength: number;
}

/** A user's change to the built-in vocabulary: a label added, or a built-in label removed. */
export interface VocabularyEdit {
  key: string;
  name: string;
  state: 'added' | 'removed';
}

/** A user's word on one photo and label: it has the label (true) or has not (false). Wins over the model. */
export interface LabelCorrection {
  photoId: number;
  key: string;
  name: string;
  verdict: boolean;
}

/** A label's background and cutoff for one model (learn/labels/calibration.ts). */
export interface StoredCalibration {
  key: string;
  median: number;
  sigma: number;
  threshold: number | null;
  best: number;
  population: number;
  /** The broader label this one refines (learn/labels/hierarchy.ts), or null. */
  parent: string | null;
}

/**
 * The tables of labels (migration addLabelsAlbumsHeads): the user's vocabulary edits,
 * each label's prompt-ensemble vector and calibration per model, the labels given to
 * photos per model, and the user's corrections (per photo, whatever the model).
 */
export class LabelTables {
  constructor(private readonly db: Database) {}

  vocabularyEdits(): VocabularyEdit[] {
    return this.db.prepare('SELECT key, name, state FROM label_vocabulary ORDER BY key').all() as VocabularyEdit[];
  }

  setVocabularyEdit(edit: VocabularyEdit): void {
    this.db
      .prepare(
        `INSERT INTO label_vocabulary (key, name, state, changed_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET name = excluded.name, state = excluded.state, changed_at = excluded.changed_at`,
      )
      .run(edit.key, edit.name, edit.state, Date.now());
  }

  clearVocabularyEdit(key: string): void {
    this.db.prepare('DELETE FROM label_vocabulary WHERE key = ?').run(key);
  }

  /** The stored ensemble vectors of these labels for the model, made with prompt set `prompts`. */
  textVectors(modelId: string, prompts: string, keys: readonly string[]): Map<string, Float32Array> {
    const rows = this.db
      .prepare('SELECT key, vector FROM label_texts WHERE model_id = ? AND prompts = ? AND key IN (SELECT value FROM json_each(?))')
      .all(modelId, prompts, JSON.stringify(keys)) as Array<{ key: string; vector: Buffer }>;
    return new Map(rows.map((r) => [r.key, fromBlob(r.vector)]));
  }

  putTextVector(modelId: string, prompts: string, key: string, vector: Float32Array): void {
    this.db
      .prepare(
        `INSERT INTO label_texts (model_id, key, prompts, vector) VALUES (?, ?, ?, ?)
           ON CONFLICT (model_id, key) DO UPDATE SET prompts = excluded.prompts, vector = excluded.vector`,
      )
      .run(modelId, key, prompts, toBlob(vector));
  }

  calibrations(modelId: string): Map<string, StoredCalibration> {
    const rows = this.db
      .prepare('SELECT key, median, sigma, threshold, best, population, parent FROM label_calibration WHERE model_id = ?')
      .all(modelId) as StoredCalibration[];
    return new Map(rows.map((r) => [r.key, r]));
  }

  putCalibration(modelId: string, c: StoredCalibration): void {
    this.db
      .prepare(
        `INSERT INTO label_calibration (model_id, key, median, sigma, threshold, best, population, parent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (model_id, key) DO UPDATE SET median = excluded.median, sigma = excluded.sigma, threshold = excluded.threshold,
             best = excluded.best, population = excluded.population, parent = excluded.parent`,
      )
      .run(modelId, c.key, c.median, c.sigma, c.threshold, c.best, c.population, c.parent);
  }

  /**
   * Forgets a label for every model: the photos it was given by `source` and, for the
   * vocabulary, its calibrations; its refinements become top-level labels.
   */
  dropLabel(key: string, source: LabelSource): void {
    this.db.prepare('DELETE FROM photo_labels WHERE key = ? AND source = ?').run(key, source);
    if (source !== 'vocabulary') return;
    this.db.prepare('DELETE FROM label_calibration WHERE key = ?').run(key);
    this.db.prepare('UPDATE label_calibration SET parent = NULL WHERE parent = ?').run(key);
  }

  /** The photos carrying each vocabulary label for the model, by key. */
  matchSets(modelId: string): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    const rows = this.db.prepare("SELECT key, photo_id AS id FROM photo_labels WHERE model_id = ? AND source = 'vocabulary'").all(modelId) as Array<{
      key: string;
      id: number;
    }>;
    for (const r of rows) {
      let set = out.get(r.key);
      if (!set) out.set(r.key, (set = new Set()));
      set.add(r.id);
    }
    return out;
  }

  /** Replaces every photo of one label and source for the model. */
  replaceLabel(modelId: string, key: string, source: LabelSource, rows: ReadonlyArray<Omit<PhotoLabelRow, 'key' | 'source'>>): void {
    this.db.prepare('DELETE FROM photo_labels WHERE model_id = ? AND key = ? AND source = ?').run(modelId, key, source);
    const insert = this.insertStatement();
    for (const r of rows) insert.run(modelId, key, source, r.photoId, r.score, r.strength);
  }

  /** Replaces the labels of these photos from one source for the model (photos labelled again after a change). */
  replacePhotos(modelId: string, source: LabelSource, photoIds: readonly number[], rows: readonly PhotoLabelRow[]): void {
    this.db
      .prepare('DELETE FROM photo_labels WHERE model_id = ? AND source = ? AND photo_id IN (SELECT value FROM json_each(?))')
      .run(modelId, source, JSON.stringify(photoIds));
    const insert = this.insertStatement();
    for (const r of rows) insert.run(modelId, r.key, source, r.photoId, r.score, r.strength);
  }

  /** Drops every label of one source for the model. */
  clearSource(modelId: string, source: LabelSource): void {
    this.db.prepare('DELETE FROM photo_labels WHERE model_id = ? AND source = ?').run(modelId, source);
  }

  private insertStatement() {
    return this.db.prepare('INSERT OR REPLACE INTO photo_labels (model_id, key, source, photo_id, score, strength) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** The labels the model gave these photos, strongest first per photo. */
  labelsOf(modelId: string, photoIds: readonly number[]): PhotoLabelRow[] {
    return this.db
      .prepare(
        `SELECT photo_id AS photoId, key, source, score, strength FROM photo_labels
          WHERE model_id = ? AND photo_id IN (SELECT value FROM json_each(?)) ORDER BY photo_id, strength DESC, key`,
      )
      .all(modelId, JSON.stringify(photoIds)) as PhotoLabelRow[];
  }

  /** How many photos carry each label for the model (corrections not counted), by key and source. */
  counts(modelId: string): Array<{ key: string; source: LabelSource; photos: number }> {
    return this.db.prepare('SELECT key, source, count(*) AS photos FROM photo_labels WHERE model_id = ? GROUP BY key, source').all(modelId) as Array<{
      key: string;
      source: LabelSource;
      photos: number;
    }>;
  }

  corrections(photoIds: readonly number[]): LabelCorrection[] {
    const rows = this.db
      .prepare(
        'SELECT photo_id AS photoId, key, name, verdict FROM label_corrections WHERE photo_id IN (SELECT value FROM json_each(?)) ORDER BY photo_id, key',
      )
      .all(JSON.stringify(photoIds)) as Array<Omit<LabelCorrection, 'verdict'> & { verdict: number }>;
    return rows.map((r) => ({ ...r, verdict: r.verdict === 1 }));
  }

  setCorrection(c: LabelCorrection): void {
    this.db
      .prepare(
        `INSERT INTO label_corrections (photo_id, key, name, verdict, changed_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (photo_id, key) DO UPDATE SET name = excluded.name, verdict = excluded.verdict, changed_at = excluded.changed_at`,
      )
      .run(c.photoId, c.key, c.name, c.verdict ? 1 : 0, Date.now());
  }

  clearCorrection(photoId: number, key: string): void {
    this.db.prepare('DELETE FROM label_corrections WHERE photo_id = ? AND key = ?').run(photoId, key);
  }
}
