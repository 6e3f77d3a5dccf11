import { InputError, LibraryError } from '../../errors.ts';
import type { ClipModel } from '../../models/types.ts';
import { LibrarySample } from '../../search/ranking/library-sample.ts';
import { LearnSeenTable } from '../../store/learn-seen.ts';
import { LabelTables, type PhotoLabelRow, type StoredCalibration } from '../../store/learned-labels.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import { dot } from '../../vectors/math.ts';
import { calibrateAll, strengthOf } from './calibration.ts';
import { placeLabels, type PlacedLabel } from './hierarchy.ts';
import { embedEnsembles, PROMPT_SET_VERSION } from './prompts.ts';
import { BUILTIN_LABELS, labelKey, labelName, MAX_LABEL_LENGTH, type LabelGroup } from './vocabulary.ts';
import type { LabelInfo, PhotoLabel } from '../../api/contract.ts';

export type { LabelInfo, PhotoLabel };

/** What an update did (see LabelService.update). */
export interface LabelUpdate {
  /** Labels in the vocabulary. */
  labels: number;
  /** Label vectors embedded by this call (new labels, or a model seen for the first time). */
  embedded: number;
  /** Labels calibrated against the whole library by this call. */
  calibrated: number;
  /** Photos labelled with the stored calibrations (new or changed photos). */
  photosLabelled: number;
}

/** Label vectors embedded per call to the text encoder: 16 prompts each. */
const EMBED_CHUNK = 16;
/** Photos read per step while labelling new photos. */
const PHOTO_CHUNK = 1000;
/** Calibrations are made again once the library has grown or shrunk by this share (as the library sample is drawn again). */
const RECALIBRATE_CHANGE = 0.1;

interface VocabularyEntry {
  key: string;
  name: string;
  group: LabelGroup | 'user';
  origin: 'builtin' | 'user';
}

/**
 * Zero-shot labels: every label of the vocabulary is embedded once per model as a
 * prompt ensemble (prompts.ts), calibrated per label against the library
 * (calibration.ts), and given to the photos that stand out for it. Labels are kept
 * per model; the user's vocabulary edits and corrections are kept whatever the
 * model, and a correction wins over the model.
 */
export class LabelService {
  private readonly tables: LabelTables;
  private readonly seen: LearnSeenTable;

  constructor(private readonly store: LibraryStore) {
    this.tables = new LabelTables(store.db);
    this.seen = new LearnSeenTable(store.db);
  }

  private entries(): VocabularyEntry[] {
    const edits = this.tables.vocabularyEdits();
    const removed = new Set(edits.filter((e) => e.state === 'removed').map((e) => e.key));
    const builtins = BUILTIN_LABELS.map((l) => ({ key: labelKey(l.name), name: l.name, group: l.group, origin: 'builtin' as const })).filter(
      (l) => !removed.has(l.key),
    );
    const known = new Set(builtins.map((b) => b.key));
    const added = edits
      .filter((e) => e.state === 'added' && !known.has(e.key))
      .map((e) => ({ key: e.key, name: e.name, group: 'user' as const, origin: 'user' as const }));
    return [...builtins, ...added];
  }

  /** The labels of the vocabulary, built in first, with how many photos carry each for the model. */
  vocabulary(modelId: string | null): LabelInfo[] {
    const counts = modelId ? this.photoCounts(modelId, null) : new Map<string, number>();
    return this.entries().map((e) => ({ ...e, photos: counts.get(e.key) ?? 0 }));
  }

  /** Photos carrying each label (or only `key`) for the model: the model's, less those the user took away, plus those the user gave. */
  private photoCounts(modelId: string, key: string | null): Map<string, number> {
    const rows = this.store.db
      .prepare(
        `SELECT key, count(*) AS n FROM (
           SELECT pl.key, pl.photo_id FROM photo_labels pl WHERE pl.model_id = @modelId AND pl.source = 'vocabulary' AND (@key IS NULL OR pl.key = @key)
             AND NOT EXISTS (SELECT 1 FROM label_corrections c WHERE c.photo_id = pl.photo_id AND c.key = pl.key AND c.verdict = 0)
           UNION SELECT key, photo_id FROM label_corrections WHERE verdict = 1 AND (@key IS NULL OR key = @key))
         GROUP BY key`,
      )
      .all({ modelId, key }) as Array<{ key: string; n: number }>;
    return new Map(rows.map((r) => [r.key, r.n]));
  }

  /** Built-in labels the user removed, by name. */
  removedLabels(): string[] {
    return this.tables
      .vocabularyEdits()
      .filter((e) => e.state === 'removed')
      .map((e) => e.name);
  }

  /**
   * Adds a label to the vocabulary (or restores a removed built-in one) and, when a
   * model is given, labels the library with it at once.
   * @throws InputError for an empty or over-long name, or one already in the vocabulary
   */
  async addLabel(name: string, model: ClipModel | null): Promise<LabelInfo> {
    const shown = labelName(name);
    const key = labelKey(shown);
    if (!key) throw new InputError(name, 'A label needs a name: a word or a few, such as "sailing boat".');
    if (key.length > MAX_LABEL_LENGTH) throw new InputError(name, `A label name has at most ${MAX_LABEL_LENGTH} characters; this one has ${key.length}.`);
    if (this.entries().some((e) => e.key === key)) throw new InputError(name, `"${shown}" is already a label.`);
    const builtin = BUILTIN_LABELS.find((l) => labelKey(l.name) === key);
    if (builtin) this.tables.clearVocabularyEdit(key);
    else this.tables.setVocabularyEdit({ key, name: shown, state: 'added' });
    if (model) await this.update(model);
    const entry = this.entries().find((e) => e.key === key)!;
    return { ...entry, photos: model ? (this.photoCounts(model.id, key).get(key) ?? 0) : 0 };
  }

  /**
   * Removes a label from the vocabulary: no photo carries it any more, for any model.
   * The user's corrections that name it stay (they are the user's own labels).
   * @throws LibraryError (not-found) when no label has that name
   */
  removeLabel(name: string): void {
    const key = labelKey(name);
    const entry = this.entries().find((e) => e.key === key);
    if (!entry) throw new LibraryError('not-found', name, `No label is called "${name}". \`labels\` lists them.`);
    this.store.transaction(() => {
      if (entry.origin === 'builtin') this.tables.setVocabularyEdit({ key, name: entry.name, state: 'removed' });
      else this.tables.clearVocabularyEdit(key);
      this.tables.dropLabel(key, 'vocabulary');
    });
  }

  /**
   * The user's word on one photo: it has the label (true), it has not (false), or
   * the model decides again (null). The label need not be in the vocabulary.
   * @throws LibraryError (not-found) for a photo not in the library; InputError for an empty name
   */
  correct(photoId: number, name: string, has: boolean | null): void {
    const key = labelKey(name);
    if (!key) throw new InputError(name, 'Name the label to correct.');
    if (!this.store.db.prepare('SELECT 1 FROM photos WHERE id = ?').get(photoId)) {
      throw new LibraryError('not-found', String(photoId), `Photo ${photoId} is not in the library.`);
    }
    if (has === null) this.tables.clearCorrection(photoId, key);
    else this.tables.setCorrection({ photoId, key, name: labelName(name), verdict: has });
  }

  /**
   * A photo's labels for the model: the model's, less those the user took away, plus
   * those the user gave. Read top-down (hierarchy.ts): each top-level label shows with
   * the strength of its best-fitting refinement and is followed by its refinements,
   * so the first label is the photo's top label.
   */
  photoLabels(modelId: string, photoId: number): PhotoLabel[] {
    return this.labelsOfPhotos(modelId, [photoId]).get(photoId) ?? [];
  }

  /** photoLabels for many photos at once (a page of the grid), by photo id. */
  labelsOfPhotos(modelId: string, photoIds: readonly number[]): Map<number, PhotoLabel[]> {
    const names = this.names();
    const parents = new Map([...this.tables.calibrations(modelId).values()].map((c) => [c.key, c.parent]));
    const corrections = byPhoto(this.tables.corrections(photoIds));
    const rows = byPhoto(this.tables.labelsOf(modelId, photoIds));
    const out = new Map<number, PhotoLabel[]>();
    for (const photoId of photoIds) {
      const mine = corrections.get(photoId) ?? [];
      const denied = new Set(mine.filter((c) => !c.verdict).map((c) => c.key));
      const own = new Map<string, PhotoLabel>();
      for (const c of mine) if (c.verdict) own.set(c.key, { name: c.name, key: c.key, strength: 1, source: 'user', refines: null });
      for (const row of rows.get(photoId) ?? []) {
        if (denied.has(row.key) || own.has(row.key)) continue;
        const parent = row.source === 'vocabulary' ? (parents.get(row.key) ?? null) : null;
        own.set(row.key, {
          name: names.get(row.key) ?? row.key,
          key: row.key,
          strength: row.strength,
          source: row.source,
          refines: parent && !denied.has(parent) ? parent : null,
        });
      }
      out.set(photoId, topDown([...own.values()], names));
    }
    return out;
  }

  private names(): Map<string, string> {
    const names = new Map(this.entries().map((e) => [e.key, e.name]));
    const personal = this.store.db.prepare('SELECT key, name FROM personal_categories').all() as Array<{ key: string; name: string }>;
    for (const p of personal) names.set(p.key, p.name);
    return names;
  }

  /**
   * Brings the model's labels up to date; the hook to call after indexing, after a
   * model switch and after a vocabulary change. Embeds the label vectors the model
   * lacks; calibrates against the whole library the labels that have no calibration
   * yet, or all of them once the library has changed by a tenth since; otherwise
   * labels only the photos added or changed since the last call, against the
   * stored calibrations. Labels the user adds are placed under the existing ones
   * (hierarchy.ts), never the other way round.
   * Cost: a full calibration is one dot product per photo and label.
   */
  async update(model: ClipModel): Promise<LabelUpdate> {
    const entries = this.entries();
    const { vectors, embedded } = await this.labelVectors(model, entries);
    const embeddedPhotos = this.store.embeddings.stamp(model.id)?.count ?? 0;
    const calibrations = this.tables.calibrations(model.id);
    const stale = [...calibrations.values()].some((c) => isStale(c.population, embeddedPhotos));
    const whole = stale || calibrations.size === 0;
    const toCalibrate = whole ? entries : entries.filter((e) => !calibrations.has(e.key));
    let photosLabelled = 0;
    if (stale) this.store.transaction(() => this.tables.clearSource(model.id, 'vocabulary'));
    if (!whole) photosLabelled = this.labelNewPhotos(model, entries, vectors, calibrations);
    if (toCalibrate.length > 0 && embeddedPhotos > 0) this.calibrate(model, toCalibrate, vectors, whole ? [] : this.placed(model.id, calibrations));
    if (whole) this.seen.markAllSeen('labels', model.id);
    return { labels: entries.length, embedded, calibrated: embeddedPhotos > 0 ? toCalibrate.length : 0, photosLabelled };
  }

  /** Each label's ensemble vector for the model: stored ones are read, missing ones embedded and stored. */
  private async labelVectors(model: ClipModel, entries: readonly VocabularyEntry[]): Promise<{ vectors: Map<string, Float32Array>; embedded: number }> {
    const vectors = this.tables.textVectors(
      model.id,
      PROMPT_SET_VERSION,
      entries.map((e) => e.key),
    );
    const missing = entries.filter((e) => !vectors.has(e.key));
    for (let at = 0; at < missing.length; at += EMBED_CHUNK) {
      const chunk = missing.slice(at, at + EMBED_CHUNK);
      const made = await embedEnsembles(model, chunk);
      this.store.transaction(() => {
        chunk.forEach((e, i) => {
          this.tables.putTextVector(model.id, PROMPT_SET_VERSION, e.key, made[i]);
          vectors.set(e.key, made[i]);
        });
      });
    }
    return { vectors, embedded: missing.length };
  }

  /**
   * Calibrates `entries` against the whole library and gives them to the photos that
   * stand out. Built-in labels are top-level; labels the user added are placed in the
   * hierarchy under the built-in ones, the labels calibrated before (`placed`: empty
   * when the whole vocabulary is calibrated again) and each other.
   */
  private calibrate(model: ClipModel, entries: readonly VocabularyEntry[], vectors: Map<string, Float32Array>, placed: readonly PlacedLabel[]): void {
    const sample = LibrarySample.draw(this.store, model.id, model.dim);
    const results = calibrateAll(
      this.store,
      model.id,
      sample,
      entries.map((e) => vectors.get(e.key)!),
    );
    const matched = entries.map((e, i) => ({ key: e.key, origin: e.origin, photos: new Set(results[i].matches.map((m) => m.id)) }));
    // The built-in vocabulary stays flat; the user's labels refine it (or each other).
    const builtins = matched.filter((m) => m.origin === 'builtin').map((m) => ({ ...m, parent: null }));
    const parents = placeLabels(
      matched.filter((m) => m.origin === 'user'),
      [...placed, ...builtins],
    );
    this.store.transaction(() => {
      entries.forEach((e, i) => {
        const { calibration, matches } = results[i];
        this.tables.putCalibration(model.id, { key: e.key, ...calibration, parent: parents.get(e.key) ?? null });
        this.tables.replaceLabel(
          model.id,
          e.key,
          'vocabulary',
          matches.map((m) => ({ photoId: m.id, score: m.score, strength: strengthOf(m.score, calibration) })),
        );
      });
    });
  }

  /** The labels calibrated for the model, with their photos and parents. */
  private placed(modelId: string, calibrations: Map<string, StoredCalibration>): PlacedLabel[] {
    const sets = this.tables.matchSets(modelId);
    return [...calibrations.values()].map((c) => ({ key: c.key, parent: c.parent, photos: sets.get(c.key) ?? new Set<number>() }));
  }

  /** Labels the photos no label has seen in their current version, against the stored calibrations. */
  private labelNewPhotos(
    model: ClipModel,
    entries: readonly VocabularyEntry[],
    vectors: Map<string, Float32Array>,
    calibrations: Map<string, StoredCalibration>,
  ): number {
    const unseen = this.seen.unseen('labels', model.id);
    const calibrated = entries.flatMap((e) => {
      const c = calibrations.get(e.key);
      return c && c.threshold !== null ? [{ key: e.key, vector: vectors.get(e.key)!, calibration: c, threshold: c.threshold }] : [];
    });
    for (let at = 0; at < unseen.length; at += PHOTO_CHUNK) {
      const ids = unseen.slice(at, at + PHOTO_CHUNK);
      const rows: PhotoLabelRow[] = [];
      for (const [photoId, x] of this.store.embeddings.vectors(model.id, ids)) {
        for (const l of calibrated) {
          const score = dot(l.vector, x);
          if (score >= l.threshold) rows.push({ photoId, key: l.key, source: 'vocabulary', score, strength: strengthOf(score, l.calibration) });
        }
      }
      this.store.transaction(() => {
        this.tables.replacePhotos(model.id, 'vocabulary', ids, rows);
        this.seen.markSeen('labels', model.id, ids);
      });
    }
    return unseen.length;
  }
}

function byPhoto<T extends { photoId: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) out.set(r.photoId, [...(out.get(r.photoId) ?? []), r]);
  return out;
}

/** Groups a photo's labels under their top-level labels, strongest group first; a group's head shows its best member's strength. */
function topDown(labels: readonly PhotoLabel[], names: ReadonlyMap<string, string>): PhotoLabel[] {
  const groups = new Map<string, { head: PhotoLabel; refinements: PhotoLabel[] }>();
  const own = new Map(labels.map((l) => [l.key, l]));
  for (const label of [...labels].sort(byStrength)) {
    const top = label.refines ?? label.key;
    let group = groups.get(top);
    if (!group) {
      const head = own.get(top) ?? { name: names.get(top) ?? top, key: top, strength: label.strength, source: label.source, refines: null };
      groups.set(top, (group = { head: { ...head }, refinements: [] }));
    }
    if (label.key !== top) {
      group.refinements.push(label);
      group.head.strength = Math.max(group.head.strength, label.strength);
    }
  }
  return [...groups.values()].sort((a, b) => byStrength(a.head, b.head)).flatMap((g) => [g.head, ...g.refinements]);
}

function byStrength(a: PhotoLabel, b: PhotoLabel): number {
  return b.strength - a.strength || a.name.localeCompare(b.name);
}

/** True when a calibration made over `population` photos no longer describes a library of `embedded` photos. */
function isStale(population: number, embedded: number): boolean {
  return Math.abs(embedded - population) > RECALIBRATE_CHANGE * population;
}
