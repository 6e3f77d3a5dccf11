import { dot } from '../../vectors/math.ts';

/**
 * Linear heads on frozen embeddings, fitted in well under a second for the few
 * hundred examples a person tags: logits `scale * (w_c . x) + b_c`, full-batch Adam
 * (Kingma & Ba 2015) on a class-balanced cross-entropy plus a pull of the weights
 * back to an anchor. Anchored at the zero-shot head (the classes' text embeddings),
 * this is the constrained linear probe of CLAP (Silva-Rodriguez et al. 2024, "A
 * Closer Look at the Few-Shot Adaptation of Large Vision-Language Models"): it starts
 * where zero-shot classification is and moves only as far as the examples justify.
 * Class balance follows BALLAD (Ma et al. 2021): every class weighs the same in the
 * loss however many examples it has.
 */
export interface LinearHead {
  /** `[C][D]`, one row per class. */
  weights: Float32Array[];
  /** `[C]`. */
  bias: Float64Array;
  /** Multiplies `w . x`: CLIP's logit scale when the rows are anchored at text embeddings. */
  scale: number;
}

export interface LinearFitOptions {
  /** Multiplies `w . x` in the logits (CLIP uses 100 for cosines). */
  scale: number;
  /** `[C][D]` rows the weights start at and are pulled back to; zero rows when absent. */
  anchor?: readonly Float32Array[];
  /** Weight of the pull: `l2 / 2 * sum_c ||w_c - anchor_c||^2` is added to the mean loss. */
  l2: number;
  /** Adam steps (default 300). */
  steps?: number;
  /** Adam step size, in units of the weights (default 0.01). */
  learningRate?: number;
}

const DEFAULT_STEPS = 300;
const DEFAULT_RATE = 0.01;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** Raw scores of one embedding: `[C]`. */
export function headLogits(head: LinearHead, x: Float32Array): Float64Array {
  return Float64Array.from(head.weights, (w, c) => head.scale * dot(w, x) + head.bias[c]);
}

/** Softmax of logits, in place safe: returns a new array. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = Float64Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i] - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fills `out[i][c]` with example i's weighted residual (p - y) for class c, from the current logits: the loss's gradient per logit. */
type Residuals = (logits: Float64Array[], out: Float64Array[]) => void;

function adam(x: readonly Float32Array[], classes: number, dim: number, opts: LinearFitOptions, residuals: Residuals): LinearHead {
  const steps = opts.steps ?? DEFAULT_STEPS;
  const rate = opts.learningRate ?? DEFAULT_RATE;
  const anchor = opts.anchor ?? Array.from({ length: classes }, () => new Float32Array(dim));
  const head: LinearHead = { weights: anchor.map((a) => Float32Array.from(a)), bias: new Float64Array(classes), scale: opts.scale };
  const m = Array.from({ length: classes }, () => new Float64Array(dim + 1));
  const v = Array.from({ length: classes }, () => new Float64Array(dim + 1));
  const grad = Array.from({ length: classes }, () => new Float64Array(dim + 1));
  const logits = x.map(() => new Float64Array(classes));
  const r = x.map(() => new Float64Array(classes));
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < x.length; i++) for (let c = 0; c < classes; c++) logits[i][c] = head.scale * dot(head.weights[c], x[i]) + head.bias[c];
    residuals(logits, r);
    for (let c = 0; c < classes; c++) {
      const g = grad[c];
      const w = head.weights[c];
      const a = anchor[c];
      for (let d = 0; d < dim; d++) g[d] = opts.l2 * (w[d] - a[d]);
      g[dim] = 0;
      for (let i = 0; i < x.length; i++) {
        const e = r[i][c];
        if (e === 0) continue;
        const xi = x[i];
        const s = e * head.scale;
        for (let d = 0; d < dim; d++) g[d] += s * xi[d];
        g[dim] += e;
      }
      const mc = m[c];
      const vc = v[c];
      const correct1 = 1 - BETA1 ** t;
      const correct2 = 1 - BETA2 ** t;
      for (let d = 0; d <= dim; d++) {
        mc[d] = BETA1 * mc[d] + (1 - BETA1) * g[d];
        vc[d] = BETA2 * vc[d] + (1 - BETA2) * g[d] * g[d];
        const step = (rate * (mc[d] / correct1)) / (Math.sqrt(vc[d] / correct2) + EPSILON);
        if (d < dim) w[d] -= step;
        else head.bias[c] -= step;
      }
    }
  }
  return head;
}

/**
 * A softmax head over `classes` classes (one class per example).
 * @param x `[N][D]` L2-normalised embeddings
 * @param labels `[N]` class of each example, 0..classes-1
 */
export function fitSoftmaxHead(x: readonly Float32Array[], labels: readonly number[], classes: number, opts: LinearFitOptions): LinearHead {
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  const present = counts.filter((n) => n > 0).length;
  const weight = labels.map((y) => 1 / (present * counts[y]));
  return adam(x, classes, x[0]?.length ?? 0, opts, (logits, out) => {
    logits.forEach((l, i) => {
      const p = softmax(l);
      for (let c = 0; c < classes; c++) out[i][c] = weight[i] * (p[c] - (c === labels[i] ? 1 : 0));
    });
  });
}

/**
 * One binary head per class (one-vs-rest), for examples that may belong to several
 * classes or to none: for each class, its positives and its negatives weigh half the
 * loss each.
 * @param x `[N][D]` L2-normalised embeddings
 * @param targets `[N][C]`: true for a positive of the class, false for a negative, null for an example the class ignores
 */
export function fitOneVsRestHeads(
  x: readonly Float32Array[],
  targets: ReadonlyArray<ReadonlyArray<boolean | null>>,
  classes: number,
  opts: LinearFitOptions,
): LinearHead {
  const pos = new Array<number>(classes).fill(0);
  const neg = new Array<number>(classes).fill(0);
  for (const row of targets) row.forEach((t, c) => (t === true ? pos[c]++ : t === false ? neg[c]++ : 0));
  return adam(x, classes, x[0]?.length ?? 0, opts, (logits, out) => {
    logits.forEach((l, i) => {
      for (let c = 0; c < classes; c++) {
        const t = targets[i][c];
        out[i][c] = t === null ? 0 : (t ? 0.5 / pos[c] : 0.5 / neg[c]) * (sigmoid(l[c]) - (t ? 1 : 0));
      }
    });
  });
}
