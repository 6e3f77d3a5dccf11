import { InputError, LibraryError } from '../../errors.ts';
import type { ClipModel } from '../../models/types.ts';
import { background, type Background } from '../../search/ranking/cutoff.ts';
import { LibrarySample } from '../../search/ranking/library-sample.ts';
import { LearnSeenTable } from '../../store/learn-seen.ts';
import { LabelTables, type PhotoLabelRow } from '../../store/learned-labels.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import { PersonalHeadTables } from '../../store/personal-heads.ts';
import { dot } from '../../vectors/math.ts';
import { embedEnsembles, PROMPT_SET_VERSION } from '../labels/prompts.ts';
import { labelKey, labelName, MAX_LABEL_LENGTH } from '../labels/vocabulary.ts';
import { TIP_ADAPTER_BETA } from './cache-model.ts';
import { fitOneVsRestHeads } from './linear-head.ts';
import { fitPlatt, plattProbability, type Platt } from './platt.ts';
import { seededRandom, stratifiedFolds } from './random.ts';
import type { ApplyReport, CategoryInfo, FitReport } from '../../api/contract.ts';

/**
 * Personal classifiers: the user tags a few photos per category ("Mia", "Max", "our
 * house"), and a light head fitted on the stored embeddings labels the whole
 * library. One binary head per category (a photo may show Mia and Max), trained
 * against the other categories' photos and a background sample of the library,
 * class-balanced (BALLAD, Ma et al. 2021). Its score is blended with the zero-shot
 * score of the category's name by a weight the user chooses, 0 (zero-shot only) to
 * 1 (classifier only): output-space ensembling as in WiSE-FT (Wortsman et al. 2022),
 * each score first put in units of its own spread over the library so the weight
 * means the same for any model. Platt scaling turns the blend into a probability;
 * a photo gets the category at p >= 0.5. Cross-validated accuracy is computed
 * before anything is applied, and the probabilities are calibrated on the
 * cross-validated scores, not on scores of photos the head was fitted on.
 */

export type HeadMethod = 'linear' | 'cache';

/**
 * From how many tags per category the linear head is fitted rather than the cache
 * model, unless asked otherwise. Measured (test/unit/learn/heads-method-choice.test.ts):
 * on the generated embedding space the training-free cache model labels the library
 * better with 2 tags per category (mean F1 0.84 against 0.69), the two are even at 4
 * and 8, and the linear head is clearly better at 16 (0.95 against 0.88); both are
 * perfect on the tiny model's photos. The same crossing as in the Tip-Adapter paper's
 * few-shot curves.
 */
export const LINEAR_FROM_TAGS = 8;

/** The method for categories with these numbers of tags: the cache model while the smallest has fewer than LINEAR_FROM_TAGS. */
export function defaultMethod(tagCounts: readonly number[]): HeadMethod {
  return Math.min(...tagCounts) >= LINEAR_FROM_TAGS ? 'linear' : 'cache';
}
/** Fewest tagged photos per category: one to learn from and one to check it on. */
export const MIN_EXAMPLES = 2;
/** Blend weights the cross-validated accuracy is reported for, to place the slider. */
export const BLEND_GRID: readonly number[] = [0, 0.25, 0.5, 0.75, 1];
/** Untagged photos the heads learn "not this category" from. */
const BACKGROUND_SIZE = 256;
const MAX_FOLDS = 5;
const SEED = 12;
/** Linear head: logits `scale * w . x + b`, weights pulled to zero (a plain L2-regularised logistic regression). */
const LINEAR = { scale: 10, l2: 0.01, steps: 200, learningRate: 0.01 };
const BLEND_SETTING = 'personal-heads.blend';
const APPLIED_SETTING = 'personal-heads.applied';
/** Photos read per step while labelling. */
const PHOTO_CHUNK = 2000;

export type { ApplyReport, CategoryInfo, FitReport };

/** One category's fit, as FitReport lists it. */
export type CategoryFit = FitReport['categories'][number];

/** Per category, as fitted for one model. */
interface CategoryState {
  key: string;
  name: string;
  zeroShot: Background;
  head: Background;
  /** Linear heads: `[D]` weights and the bias. */
  weights?: number[];
  bias?: number;
}

/** One training photo's cross-validated component scores, kept to calibrate any blend. */
interface OutOfFold {
  /** Per category: positive, negative or not used. */
  targets: Array<boolean | null>;
  zeroShot: number[];
  head: number[];
}

interface HeadState {
  method: HeadMethod;
  categories: CategoryState[];
  /** Cache model: the training photos and their targets per category. */
  cache?: Array<{ photoId: number; targets: Array<boolean | null> }>;
  outOfFold: OutOfFold[];
  /** The blend and calibration last applied to the library. */
  applied?: { blend: number; platt: Platt[] };
}

interface TrainingRow {
  photoId: number;
  x: Float32Array;
  targets: Array<boolean | null>;
  /** What the folds are stratified by: the categories it is tagged with, or "background". */
  stratum: string;
}

export class PersonalHeads {
  private readonly tables: PersonalHeadTables;
  private readonly labels: LabelTables;
  private readonly seen: LearnSeenTable;

  constructor(private readonly store: LibraryStore) {
    this.tables = new PersonalHeadTables(store.db);
    this.labels = new LabelTables(store.db);
    this.seen = new LearnSeenTable(store.db);
  }

  categories(): CategoryInfo[] {
    return this.tables.categories();
  }

  /**
   * Tags photos with a category, made if new.
   * @throws InputError for an empty or over-long name; LibraryError (not-found) when none of the ids is a photo of the library
   */
  tag(name: string, photoIds: readonly number[]): CategoryInfo {
    const shown = labelName(name);
    const key = labelKey(shown);
    if (!key) throw new InputError(name, 'A category needs a name, such as "Mia" or "our house".');
    if (key.length > MAX_LABEL_LENGTH) throw new InputError(name, `A category name has at most ${MAX_LABEL_LENGTH} characters; this one has ${key.length}.`);
    this.store.transaction(() => {
      this.tables.ensureCategory(key, shown);
      this.tables.addExamples(key, photoIds);
      if (this.tables.categories().find((c) => c.key === key)!.examples === 0) {
        throw new LibraryError('not-found', photoIds.join(','), `None of the photos ${photoIds.join(', ')} is in the library.`);
      }
    });
    return this.category(key);
  }

  /** Takes the tag off photos. @throws LibraryError (not-found) for an unknown category */
  untag(name: string, photoIds: readonly number[]): CategoryInfo {
    const key = this.existing(name).key;
    this.tables.removeExamples(key, photoIds);
    return this.category(key);
  }

  /** Deletes a category, its tags and the labels it gave, for every model. @throws LibraryError (not-found) */
  deleteCategory(name: string): void {
    const key = this.existing(name).key;
    this.store.transaction(() => {
      this.tables.deleteCategory(key);
      this.labels.dropLabel(key, 'personal');
    });
  }

  private existing(name: string): CategoryInfo {
    const found = this.tables.categories().find((c) => c.key === labelKey(name));
    if (!found) throw new LibraryError('not-found', name, `No personal category is called "${name}". Tag photos to make one.`);
    return found;
  }

  private category(key: string): CategoryInfo {
    return this.tables.categories().find((c) => c.key === key)!;
  }

  /** The blend weight the user set, or null to follow the fit's recommendation. */
  blendSetting(): number | null {
    const raw = this.store.setting(BLEND_SETTING);
    return raw === undefined ? null : Number(raw);
  }

  /** Sets the blend weight (0 zero-shot only .. 1 classifier only), or null to follow the fit. @throws InputError outside 0..1 */
  setBlend(blend: number | null): void {
    if (blend === null) return this.store.deleteSetting(BLEND_SETTING);
    if (!(blend >= 0 && blend <= 1)) throw new InputError(String(blend), 'The blend weight goes from 0 (zero-shot only) to 1 (classifier only).');
    this.store.setSetting(BLEND_SETTING, String(blend));
  }

  /** The last fit for the model, or null when there is none or the tags changed since. */
  report(modelId: string): FitReport | null {
    const head = this.tables.head(modelId);
    return head && head.examples === this.fingerprint() ? (JSON.parse(head.report) as FitReport) : null;
  }

  /**
   * Fits the heads on the tags for the model and reports their cross-validated
   * accuracy; nothing is applied to the library (see apply).
   * @throws InputError when a category has fewer than MIN_EXAMPLES embedded photos, or the library has no other photo
   */
  async fit(model: ClipModel, chosen?: HeadMethod): Promise<FitReport> {
    const categories = this.tables.categories().filter((c) => c.examples > 0);
    if (categories.length === 0) throw new InputError('', 'Tag a few photos with a category first (at least 2 per category).');
    const tagged = new Map<number, Set<number>>();
    for (const { key, photoId } of this.tables.examples()) {
      const c = categories.findIndex((cat) => cat.key === key);
      if (c >= 0) tagged.set(photoId, (tagged.get(photoId) ?? new Set()).add(c));
    }
    const vectors = this.store.embeddings.vectors(model.id, [...tagged.keys()]);
    const counts = categories.map((_, c) => [...tagged].filter(([id, set]) => set.has(c) && vectors.has(id)).length);
    counts.forEach((n, c) => {
      if (n < MIN_EXAMPLES) {
        throw new InputError(categories[c].name, `Tag at least ${MIN_EXAMPLES} indexed photos as "${categories[c].name}" (it has ${n}) to fit a classifier.`);
      }
    });
    const method = chosen ?? defaultMethod(counts);
    const rows: TrainingRow[] = [...tagged].flatMap(([photoId, set]) => {
      const x = vectors.get(photoId);
      return x ? [{ photoId, x, targets: categories.map((_, c) => set.has(c)), stratum: [...set].sort().join(',') }] : [];
    });
    const backgroundRows = this.backgroundRows(model, new Set(tagged.keys()), rows, categories.length);
    if (backgroundRows.length === 0 && categories.length < 2) {
      throw new InputError(categories[0].name, 'The library has no other indexed photo to tell this category from; index more photos first.');
    }
    rows.push(...backgroundRows);

    const zeroShotVectors = await this.zeroShotVectors(model, categories);
    const sample = LibrarySample.draw(this.store, model.id, model.dim);
    const zeroShotBackgrounds = zeroShotVectors.map((v) => background(sample.scores(v), sample.spread));
    const folds = Math.max(2, Math.min(MAX_FOLDS, ...counts));
    const fold = stratifiedFolds(
      rows.map((r) => r.stratum),
      folds,
      seededRandom(SEED),
    );
    const headScores = rows.map(() => new Array<number>(categories.length).fill(0));
    for (let f = 0; f < folds; f++) {
      const train = rows.filter((_, i) => fold[i] !== f);
      const score = this.trainScorer(method, train, categories.length);
      rows.forEach((r, i) => {
        if (fold[i] === f) headScores[i] = score(r.x);
      });
    }
    const isBackground = rows.map((r) => r.stratum === 'background');
    const headBackgrounds = categories.map((_, c) =>
      background(
        headScores.filter((_, i) => isBackground[i]).map((s) => s[c]),
        0,
      ),
    );
    const outOfFold: OutOfFold[] = rows.map((r, i) => ({
      targets: r.targets,
      zeroShot: zeroShotVectors.map((v, c) => standardised(dot(v, r.x), zeroShotBackgrounds[c])),
      head: headScores[i].map((s, c) => standardised(s, headBackgrounds[c])),
    }));

    const final =
      method === 'linear'
        ? fitOneVsRestHeads(
            rows.map((r) => r.x),
            rows.map((r) => r.targets),
            categories.length,
            LINEAR,
          )
        : null;
    const state: HeadState = {
      method,
      categories: categories.map((cat, c) => ({
        key: cat.key,
        name: cat.name,
        zeroShot: zeroShotBackgrounds[c],
        head: headBackgrounds[c],
        ...(final ? { weights: Array.from(final.weights[c]), bias: final.bias[c] } : {}),
      })),
      ...(method === 'cache' ? { cache: rows.map((r) => ({ photoId: r.photoId, targets: r.targets })) } : {}),
      outOfFold,
    };
    const accuracy = categories.map((_, c) => BLEND_GRID.map((blend) => balancedAccuracy(outOfFold, c, blend)));
    const blends = BLEND_GRID.map((blend, b) => ({ blend, accuracy: mean(accuracy.map((a) => a[b])) }));
    const best = Math.max(...blends.map((b) => b.accuracy));
    const report: FitReport = {
      modelId: model.id,
      method,
      categories: categories.map((cat, c) => ({ name: cat.name, key: cat.key, examples: counts[c], accuracy: accuracy[c] })),
      blends,
      recommendedBlend: [...blends].reverse().find((b) => b.accuracy >= best - 1e-12)!.blend,
      folds,
      backgroundPhotos: backgroundRows.length,
    };
    this.tables.putHead(model.id, { method, examples: this.fingerprint(), state: JSON.stringify(state), report: JSON.stringify(report), fittedAt: Date.now() });
    return report;
  }

  /**
   * Labels the whole library with the categories, at the user's blend weight (or the
   * fit's recommendation); fits first when the tags changed since the last fit.
   * The tagged photos always carry their categories.
   */
  async apply(model: ClipModel): Promise<ApplyReport> {
    if (!this.report(model.id)) await this.fit(model);
    const head = this.tables.head(model.id)!;
    const state = JSON.parse(head.state) as HeadState;
    const report = JSON.parse(head.report) as FitReport;
    const blend = this.blendSetting() ?? report.recommendedBlend;
    state.applied = { blend, platt: state.categories.map((_, c) => plattFor(state.outOfFold, c, blend)) };
    const scorer = await this.libraryScorer(model, state);
    const tags = this.tables.examples();
    this.store.transaction(() => this.labels.clearSource(model.id, 'personal'));
    const ids = this.store.db.prepare('SELECT photo_id FROM embeddings WHERE model_id = ? ORDER BY photo_id').pluck().all(model.id) as number[];
    for (let at = 0; at < ids.length; at += PHOTO_CHUNK) this.labelPhotos(model, ids.slice(at, at + PHOTO_CHUNK), state.categories, scorer, tags);
    this.store.transaction(() => {
      this.tables.putHead(model.id, { ...head, state: JSON.stringify(state) });
      this.store.setSetting(APPLIED_SETTING, '1');
    });
    const counts = new Map(
      this.labels
        .counts(model.id)
        .filter((c) => c.source === 'personal')
        .map((c) => [c.key, c.photos]),
    );
    return { blend, categories: state.categories.map((c) => ({ name: c.name, key: c.key, photos: counts.get(c.key) ?? 0 })) };
  }

  /** Retraining after more tags, in one call: fit, then apply. */
  async retrain(model: ClipModel, method?: HeadMethod): Promise<{ fit: FitReport; applied: ApplyReport }> {
    const fit = await this.fit(model, method);
    return { fit, applied: await this.apply(model) };
  }

  /**
   * The hook to call after indexing and after a model switch, once the user has
   * applied a classifier: refits and applies again when the model has no fit for the
   * current tags (a new model, new tags), else labels only the photos added or changed.
   */
  async update(model: ClipModel): Promise<{ refitted: boolean; photosLabelled: number }> {
    if (this.store.setting(APPLIED_SETTING) !== '1' || this.tables.categories().length === 0) return { refitted: false, photosLabelled: 0 };
    const head = this.tables.head(model.id);
    const state = head && head.examples === this.fingerprint() ? (JSON.parse(head.state) as HeadState) : null;
    if (!state?.applied) {
      await this.fit(model);
      await this.apply(model);
      return { refitted: true, photosLabelled: this.store.embeddings.stamp(model.id)?.count ?? 0 };
    }
    const unseen = this.seen.unseen('personal', model.id);
    if (unseen.length === 0) return { refitted: false, photosLabelled: 0 };
    const scorer = await this.libraryScorer(model, state);
    const tags = this.tables.examples();
    for (let at = 0; at < unseen.length; at += PHOTO_CHUNK) this.labelPhotos(model, unseen.slice(at, at + PHOTO_CHUNK), state.categories, scorer, tags);
    return { refitted: false, photosLabelled: unseen.length };
  }

  private labelPhotos(
    model: ClipModel,
    ids: readonly number[],
    categories: ReadonlyArray<{ key: string }>,
    probability: (x: Float32Array) => number[],
    tags: ReadonlyArray<{ key: string; photoId: number }>,
  ): void {
    const taggedWith = new Set(tags.map((t) => `${t.key}\u0000${t.photoId}`));
    const rows: PhotoLabelRow[] = [];
    for (const [photoId, x] of this.store.embeddings.vectors(model.id, ids)) {
      const p = probability(x);
      categories.forEach((cat, c) => {
        const tagged = taggedWith.has(`${cat.key}\u0000${photoId}`);
        if (tagged || p[c] >= 0.5) rows.push({ photoId, key: cat.key, source: 'personal', score: tagged ? 1 : p[c], strength: tagged ? 1 : p[c] });
      });
    }
    this.store.transaction(() => {
      this.labels.replacePhotos(model.id, 'personal', ids, rows);
      this.seen.markSeen('personal', model.id, ids);
    });
  }

  /** The probability of each category for any photo, with the fitted head and the applied calibration. */
  private async libraryScorer(model: ClipModel, state: HeadState): Promise<(x: Float32Array) => number[]> {
    const { blend, platt } = state.applied!;
    const zeroShot = await this.zeroShotVectors(model, state.categories);
    let head: (x: Float32Array) => number[];
    if (state.method === 'linear') {
      const weights = state.categories.map((c) => Float32Array.from(c.weights!));
      head = (x) => weights.map((w, c) => LINEAR.scale * dot(w, x) + state.categories[c].bias!);
    } else {
      const cache = state.cache!;
      const keys = this.store.embeddings.vectors(
        model.id,
        cache.map((r) => r.photoId),
      );
      head = cacheScorer(cache.filter((r) => keys.has(r.photoId)).map((r) => ({ ...r, x: keys.get(r.photoId)! })));
    }
    return (x) => {
      const h = head(x);
      return state.categories.map((cat, c) => {
        const score = (1 - blend) * standardised(dot(zeroShot[c], x), cat.zeroShot) + blend * standardised(h[c], cat.head);
        return plattProbability(platt[c], score);
      });
    };
  }

  private trainScorer(method: HeadMethod, train: readonly TrainingRow[], classes: number): (x: Float32Array) => number[] {
    if (method === 'cache') return cacheScorer(train);
    const head = fitOneVsRestHeads(
      train.map((r) => r.x),
      train.map((r) => r.targets),
      classes,
      LINEAR,
    );
    return (x) => head.weights.map((w, c) => LINEAR.scale * dot(w, x) + head.bias[c]);
  }

  /**
   * Untagged photos evenly spaced in id order, as negatives of every category, except
   * where a photo looks like a category's own photos: closer to one of them than they
   * are, in the median, to each other. Untagged is not "not Mia", and such photos are
   * likely more photos of Mia (the "reliable negatives" of learning from positive and
   * unlabelled examples, Liu et al. 2002).
   */
  private backgroundRows(model: ClipModel, tagged: ReadonlySet<number>, examples: readonly TrainingRow[], classes: number): TrainingRow[] {
    const ids = (this.store.db.prepare('SELECT photo_id FROM embeddings WHERE model_id = ? ORDER BY photo_id').pluck().all(model.id) as number[]).filter(
      (id) => !tagged.has(id),
    );
    const step = Math.max(1, ids.length / BACKGROUND_SIZE);
    const picked: number[] = [];
    for (let at = 0; at < ids.length && picked.length < BACKGROUND_SIZE; at += step) picked.push(ids[Math.floor(at)]);
    const vectors = this.store.embeddings.vectors(model.id, picked);
    const own = Array.from({ length: classes }, (_, c) => examples.filter((r) => r.targets[c]).map((r) => r.x));
    const closeness = own.map((xs) => median(xs.map((x, i) => Math.max(...xs.filter((_, j) => j !== i).map((y) => dot(x, y))))));
    return picked.flatMap((photoId) => {
      const x = vectors.get(photoId);
      if (!x) return [];
      const targets = own.map((xs, c) => (Math.max(...xs.map((y) => dot(x, y))) >= closeness[c] ? null : false));
      return [{ photoId, x, targets, stratum: 'background' }];
    });
  }

  /** The categories' zero-shot vectors for the model: prompt ensembles of their names, kept with the label vectors. */
  private async zeroShotVectors(model: ClipModel, categories: ReadonlyArray<{ key: string; name: string }>): Promise<Float32Array[]> {
    const stored = this.labels.textVectors(
      model.id,
      PROMPT_SET_VERSION,
      categories.map((c) => c.key),
    );
    const missing = categories.filter((c) => !stored.has(c.key));
    if (missing.length > 0) {
      const made = await embedEnsembles(model, missing);
      this.store.transaction(() =>
        missing.forEach((c, i) => {
          this.labels.putTextVector(model.id, PROMPT_SET_VERSION, c.key, made[i]);
          stored.set(c.key, made[i]);
        }),
      );
    }
    return categories.map((c) => stored.get(c.key)!);
  }

  /** Changes whenever a tag is added or removed. */
  private fingerprint(): string {
    return this.tables
      .examples()
      .map((e) => `${e.key}:${e.photoId}`)
      .join(';');
  }
}

/**
 * The cache model's score of a photo for each category: its mean affinity
 * (Tip-Adapter's `exp(-beta (1 - cos))`) to the category's photos minus that to the
 * category's negatives, each side averaged so that both weigh the same.
 */
function cacheScorer(rows: ReadonlyArray<{ x: Float32Array; targets: ReadonlyArray<boolean | null> }>): (x: Float32Array) => number[] {
  const classes = rows[0]?.targets.length ?? 0;
  return (x) => {
    const pos = new Float64Array(classes);
    const neg = new Float64Array(classes);
    const nPos = new Float64Array(classes);
    const nNeg = new Float64Array(classes);
    for (const r of rows) {
      const a = Math.exp(-TIP_ADAPTER_BETA * (1 - dot(x, r.x)));
      r.targets.forEach((t, c) => {
        if (t === true) {
          pos[c] += a;
          nPos[c]++;
        } else if (t === false) {
          neg[c] += a;
          nNeg[c]++;
        }
      });
    }
    return Array.from(pos, (p, c) => p / Math.max(1, nPos[c]) - neg[c] / Math.max(1, nNeg[c]));
  };
}

function standardised(score: number, bg: Background): number {
  return (score - bg.median) / bg.sigma;
}

function blended(row: OutOfFold, c: number, blend: number): number {
  return (1 - blend) * row.zeroShot[c] + blend * row.head[c];
}

function plattFor(rows: readonly OutOfFold[], c: number, blend: number): Platt {
  const used = rows.filter((r) => r.targets[c] !== null);
  return fitPlatt(
    used.map((r) => blended(r, c, blend)),
    used.map((r) => r.targets[c] === true),
  );
}

/** Mean of the hit rates on the category's photos and on its negatives, cross-validated, at p >= 0.5. */
function balancedAccuracy(rows: readonly OutOfFold[], c: number, blend: number): number {
  const platt = plattFor(rows, c, blend);
  let tp = 0;
  let pos = 0;
  let tn = 0;
  let neg = 0;
  for (const r of rows) {
    const t = r.targets[c];
    if (t === null) continue;
    const yes = plattProbability(platt, blended(r, c, blend)) >= 0.5;
    if (t) {
      pos++;
      if (yes) tp++;
    } else {
      neg++;
      if (!yes) tn++;
    }
  }
  return ((pos ? tp / pos : 1) + (neg ? tn / neg : 1)) / 2;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
}
