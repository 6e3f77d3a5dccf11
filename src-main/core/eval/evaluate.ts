import type { ClipModel } from '../models/types.ts';
import { dot } from '../vectors/math.ts';
import { tipAdapterLogits } from '../learn/heads/cache-model.ts';
import { fitSoftmaxHead, headLogits } from '../learn/heads/linear-head.ts';
import { seededRandom, shuffled } from '../learn/heads/random.ts';
import { embedEnsembles, PHOTO_TEMPLATES } from '../learn/labels/prompts.ts';
import { readClassFolder } from './class-folder.ts';
import { embedFiles } from './embed-files.ts';
import { readCaptions, readDescriptions } from './tsv-files.ts';

/**
 * Measures the active model on a labelled folder, in the manner of ELEVATER (Li et
 * al. 2022, "ELEVATER: A Benchmark and Toolkit for Evaluating Language-Augmented
 * Visual Models"): zero-shot classification with the bare class names and with the
 * prompt ensemble, few-shot classification with the cache model and the trained
 * head over several seeds, and text-to-image retrieval from captions.
 */

/** Shot counts measured, as in ELEVATER's few-shot track. */
export const SHOTS: readonly number[] = [1, 2, 4, 8, 16];
export const DEFAULT_SEEDS = 3;
/** CLIP's logit scale: zero-shot logits are 100 x cosine (Radford et al. 2021). */
const LOGIT_SCALE = 100;
/**
 * The trained head: anchored at the prompt ensemble (linear-head.ts), pulled back with
 * this weight. Chosen on the generated embedding space (test/fixtures/embedding-space.ts),
 * where weights from 0.03 to 0.3 land within a point of each other at every shot count.
 */
const HEAD = { scale: LOGIT_SCALE, l2: 0.1, steps: 200, learningRate: 0.001 };

export interface Accuracy {
  /** Share of images whose class is the best-scoring one, 0..1. */
  top1: number;
  /** Share whose class is among the five best-scoring (all of them with five classes or fewer), 0..1. */
  top5: number;
}

export interface FewShotResult {
  method: 'cache' | 'head';
  shots: number;
  /** Top-1 accuracy on the images left out of the support set, one per seed, 0..1. */
  runs: number[];
  /** Mean of the runs; null when a class has too few images for this many shots. */
  mean: number | null;
  /** Sample standard deviation of the runs; null with fewer than two runs. */
  spread: number | null;
  /** Why the shot count was skipped. */
  skipped?: string;
}

export interface EvalReport {
  model: { id: string; name: string };
  folder: string;
  classes: Array<{ name: string; images: number }>;
  /** Images embedded. */
  images: number;
  /** Files that could not be read, and why. */
  skipped: Array<{ path: string; reason: string }>;
  prompts: { templates: number; descriptions: number };
  zeroShot: { bare: Accuracy; ensemble: Accuracy };
  fewShot: FewShotResult[];
  seeds: number;
  retrieval?: { captions: number; recallAt1: number; recallAt5: number; recallAt10: number };
}

export interface EvalOptions {
  /** A `path<TAB>caption` file for text-to-image retrieval. */
  captions?: string;
  /** A `class<TAB>description` file: descriptions added to each class's prompt ensemble. */
  descriptions?: string;
  seeds?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Evaluates `model` on the class subfolders of `folder`. The folder's photos are
 * embedded on the fly and not added to any library; nothing is written.
 * @throws InputError for a folder without two classes, or a malformed captions or descriptions file
 */
export async function evaluateFolder(model: ClipModel, folder: string, opts: EvalOptions = {}): Promise<EvalReport> {
  const labelled = await readClassFolder(folder);
  const descriptions = opts.descriptions ? await readDescriptions(opts.descriptions, labelled.classes) : labelled.classes.map(() => []);
  const { vectors, failures } = await embedFiles(
    model,
    labelled.images.map((i) => i.path),
    opts.onProgress,
  );
  const images = labelled.images.flatMap((img, i) => (vectors[i] ? [{ ...img, x: vectors[i] }] : []));
  const classes = labelled.classes;
  const labels = images.map((i) => i.label);
  const xs = images.map((i) => i.x);

  const bare = await model.encodeTexts(classes);
  const ensemble = await embedEnsembles(
    model,
    classes.map((name, c) => ({ name, descriptions: descriptions[c] })),
  );
  const seeds = opts.seeds ?? DEFAULT_SEEDS;
  const report: EvalReport = {
    model: { id: model.id, name: model.name },
    folder: labelled.root,
    classes: classes.map((name, c) => ({ name, images: labels.filter((l) => l === c).length })),
    images: images.length,
    skipped: [...labelled.problems, ...failures],
    prompts: { templates: PHOTO_TEMPLATES.length, descriptions: descriptions.reduce((n, d) => n + d.length, 0) },
    zeroShot: {
      bare: accuracy(
        xs.map((x) => bare.map((w) => dot(w, x))),
        labels,
      ),
      ensemble: accuracy(
        xs.map((x) => ensemble.map((w) => dot(w, x))),
        labels,
      ),
    },
    fewShot: fewShot(xs, labels, classes.length, ensemble, seeds),
    seeds,
  };
  if (opts.captions) {
    const index = new Map(images.map((img, i) => [img.path, i]));
    const captions = await readCaptions(opts.captions, labelled.root, index);
    const texts = await model.encodeTexts(captions.map((c) => c.caption));
    const ranks = captions.map((c, i) =>
      rankOf(
        c.image,
        xs.map((x) => dot(texts[i], x)),
      ),
    );
    const recall = (k: number) => ranks.filter((r) => r < k).length / ranks.length;
    report.retrieval = { captions: captions.length, recallAt1: recall(1), recallAt5: recall(5), recallAt10: recall(10) };
  }
  return report;
}

/** Position of `target` when scores are sorted best first (0 = best); ties count against it. */
function rankOf(target: number, scores: readonly number[]): number {
  return scores.filter((s, i) => i !== target && s >= scores[target]).length;
}

/** Top-1 and top-5 accuracy of score rows `[N][C]` against the labels. */
export function accuracy(scores: ReadonlyArray<ArrayLike<number>>, labels: readonly number[]): Accuracy {
  const ranks = scores.map((row, i) => rankOf(labels[i], Array.from(row)));
  const share = (k: number) => ranks.filter((r) => r < k).length / Math.max(1, ranks.length);
  return { top1: share(1), top5: share(5) };
}

/**
 * k-shot accuracy for every shot count and seed: per class, the images are shuffled
 * with the seed, the first k are the support set and the rest the test set.
 */
function fewShot(xs: readonly Float32Array[], labels: readonly number[], classes: number, zeroShot: readonly Float32Array[], seeds: number): FewShotResult[] {
  const byClass = Array.from({ length: classes }, (_, c) => labels.flatMap((l, i) => (l === c ? [i] : [])));
  const smallest = Math.min(...byClass.map((b) => b.length));
  return SHOTS.flatMap((shots): FewShotResult[] => {
    if (smallest <= shots) {
      const skipped = `a class has ${smallest} images; ${shots}-shot needs ${shots + 1} per class`;
      return (['cache', 'head'] as const).map((method) => ({ method, shots, runs: [], mean: null, spread: null, skipped }));
    }
    const runs = { cache: [] as number[], head: [] as number[] };
    for (let seed = 0; seed < seeds; seed++) {
      const random = seededRandom(1000 * shots + seed);
      const support: number[] = [];
      const test: number[] = [];
      for (const members of byClass) {
        const order = shuffled(members, random);
        support.push(...order.slice(0, shots));
        test.push(...order.slice(shots));
      }
      const cache = { keys: support.map((i) => xs[i]), keyClass: support.map((i) => labels[i]), classes };
      runs.cache.push(top1(test, labels, (x) => tipAdapterLogits(x, zeroShot, LOGIT_SCALE, cache), xs));
      const head = fitSoftmaxHead(cache.keys, cache.keyClass, classes, { ...HEAD, anchor: zeroShot });
      runs.head.push(top1(test, labels, (x) => headLogits(head, x), xs));
    }
    return (['cache', 'head'] as const).map((method) => ({ method, shots, runs: runs[method], mean: mean(runs[method]), spread: spread(runs[method]) }));
  });
}

function top1(test: readonly number[], labels: readonly number[], logits: (x: Float32Array) => ArrayLike<number>, xs: readonly Float32Array[]): number {
  return accuracy(
    test.map((i) => logits(xs[i])),
    test.map((i) => labels[i]),
  ).top1;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function spread(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}
