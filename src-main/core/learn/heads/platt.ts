import { sigmoid } from './linear-head.ts';

/** p(yes | score) = sigmoid(a * score + b). */
export interface Platt {
  a: number;
  b: number;
}

const NEWTON_STEPS = 50;
/** A weak pull of the slope and offset to zero: keeps them finite when the scores separate the classes perfectly. */
const RIDGE = 1e-3;

/**
 * Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines"):
 * the slope and offset that turn scores into probabilities, fitted by Newton's
 * method on a class-balanced log loss (positives and negatives weigh half each), so
 * p = 0.5 is the score that best separates them whatever their numbers.
 * @param scores one score per example
 * @param positive whether each example is a positive
 */
export function fitPlatt(scores: readonly number[], positive: readonly boolean[]): Platt {
  const nPos = positive.filter(Boolean).length;
  const nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) return { a: 0, b: nPos > 0 ? 10 : -10 };
  const weight = positive.map((p) => (p ? 0.5 / nPos : 0.5 / nNeg));
  let a = 0;
  let b = 0;
  for (let step = 0; step < NEWTON_STEPS; step++) {
    let ga = RIDGE * a;
    let gb = RIDGE * b;
    let haa = RIDGE;
    let hab = 0;
    let hbb = RIDGE;
    for (let i = 0; i < scores.length; i++) {
      const p = sigmoid(a * scores[i] + b);
      const r = weight[i] * (p - (positive[i] ? 1 : 0));
      const h = weight[i] * p * (1 - p);
      ga += r * scores[i];
      gb += r;
      haa += h * scores[i] * scores[i];
      hab += h * scores[i];
      hbb += h;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

export function plattProbability(platt: Platt, score: number): number {
  return sigmoid(platt.a * score + platt.b);
}
