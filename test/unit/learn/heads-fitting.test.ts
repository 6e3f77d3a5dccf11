import { describe, expect, it } from 'vitest';
import { cacheAffinity, tipAdapterLogits } from '../../../src-main/core/learn/heads/cache-model.ts';
import { fitOneVsRestHeads, fitSoftmaxHead, headLogits, sigmoid } from '../../../src-main/core/learn/heads/linear-head.ts';
import { fitPlatt, plattProbability } from '../../../src-main/core/learn/heads/platt.ts';
import { seededRandom, shuffled, stratifiedFolds } from '../../../src-main/core/learn/heads/random.ts';

function unit(...v: number[]): Float32Array {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
}

/** Points around a direction in 3-d, with seeded noise. */
function around(direction: number[], count: number, random: () => number, noise = 0.3): Float32Array[] {
  return Array.from({ length: count }, () => unit(...direction.map((d) => d + noise * (random() - 0.5))));
}

const argmax = (a: ArrayLike<number>) => Array.from(a).indexOf(Math.max(...Array.from(a)));

describe('linear heads', () => {
  it('learn classes the anchor confuses, and stay at the anchor when pulled back hard', () => {
    const random = seededRandom(3);
    const x = [...around([1, 0.2, 0], 6, random), ...around([0.2, 1, 0], 6, random)];
    const y = [...Array<number>(6).fill(0), ...Array<number>(6).fill(1)];
    // The anchor has the classes the wrong way round.
    const anchor = [unit(0, 1, 0), unit(1, 0, 0)];
    const free = fitSoftmaxHead(x, y, 2, { scale: 100, anchor, l2: 0.01, learningRate: 0.01 });
    expect(x.every((xi, i) => argmax(headLogits(free, xi)) === y[i])).toBe(true);
    const held = fitSoftmaxHead(x, y, 2, { scale: 100, anchor, l2: 1e6, learningRate: 0.01 });
    for (let c = 0; c < 2; c++) for (let d = 0; d < 3; d++) expect(held.weights[c][d]).toBeCloseTo(anchor[c][d], 3);
  });

  it('weigh every class the same whatever its number of examples (class balance)', () => {
    const random = seededRandom(5);
    // Two overlapping classes along one axis: a balanced head puts its boundary between their centres, not towards the rare one.
    const common = around([1, 0.45, 0], 60, random, 0.1);
    const rare = around([1, -0.45, 0], 3, random, 0.1);
    const head = fitSoftmaxHead([...common, ...rare], [...Array<number>(60).fill(0), 1, 1, 1], 2, {
      scale: 10,
      l2: 0.001,
      learningRate: 0.05,
    });
    const middle = unit(1, 0, 0);
    const [a, b] = headLogits(head, middle);
    expect(Math.abs(a - b)).toBeLessThan(1);
  });

  it('one-vs-rest heads ignore the examples a class leaves out', () => {
    const random = seededRandom(8);
    const x = [...around([1, 0, 0], 5, random, 0.1), ...around([0, 1, 0], 5, random, 0.1)];
    const targets = x.map((_, i) => [i < 5, i < 5 ? null : false]);
    const head = fitOneVsRestHeads(x, targets, 2, { scale: 10, l2: 0.01, learningRate: 0.05 });
    expect(x.every((xi, i) => sigmoid(headLogits(head, xi)[0]) >= 0.5 === i < 5)).toBe(true);
    // Class 1 saw only negatives: it says no to all of them.
    expect(x.slice(5).every((xi) => sigmoid(headLogits(head, xi)[1]) < 0.5)).toBe(true);
  });
});

describe('the cache model', () => {
  it("is Tip-Adapter's plain sum with as many examples per class, and evens out uneven ones", () => {
    const keys = [unit(1, 0, 0), unit(1, 0.1, 0), unit(0, 1, 0), unit(0, 1, 0.1)];
    const cache = { keys, keyClass: [0, 0, 1, 1], classes: 2 };
    const x = unit(1, 0.05, 0);
    const plain = [0, 1].map((c) =>
      keys.reduce((s, k, i) => s + (cache.keyClass[i] === c ? Math.exp(-5.5 * (1 - k.reduce((d, v, j) => d + v * x[j], 0))) : 0), 0),
    );
    const affinity = cacheAffinity(x, cache);
    expect(affinity[0]).toBeCloseTo(plain[0], 6);
    expect(affinity[1]).toBeCloseTo(plain[1], 6);
    const zeroShot = [unit(0, 1, 0), unit(1, 0, 0)];
    const logits = tipAdapterLogits(x, zeroShot, 100, cache);
    expect(logits[0]).toBeCloseTo(100 * zeroShot[0].reduce((d, v, j) => d + v * x[j], 0) + affinity[0], 6);
    // Three examples of class 1 count as much as two of class 0 at the same closeness.
    const uneven = { keys: [unit(1, 0, 0), unit(1, 0, 0), unit(0, 1, 0), unit(0, 1, 0), unit(0, 1, 0)], keyClass: [0, 0, 1, 1, 1], classes: 2 };
    const balanced = cacheAffinity(unit(1, 1, 0), uneven);
    expect(balanced[0]).toBeCloseTo(balanced[1], 6);
  });
});

describe('Platt scaling', () => {
  it('puts p = 0.5 between the classes whatever their numbers', () => {
    const scores = [...Array.from({ length: 100 }, (_, i) => -1 - i / 100), 1, 1.5, 2];
    const positive = scores.map((_, i) => i >= 100);
    const platt = fitPlatt(scores, positive);
    expect(plattProbability(platt, 2)).toBeGreaterThan(0.9);
    expect(plattProbability(platt, -1.5)).toBeLessThan(0.1);
    expect(plattProbability(platt, 0)).toBeGreaterThan(0.2);
    expect(plattProbability(platt, 0)).toBeLessThan(0.8);
  });

  it('says yes or no outright when one class is missing', () => {
    expect(plattProbability(fitPlatt([1, 2], [true, true]), -5)).toBeGreaterThan(0.99);
    expect(plattProbability(fitPlatt([1, 2], [false, false]), 5)).toBeLessThan(0.01);
  });
});

describe('seeded draws and folds', () => {
  it('are the same for the same seed and deal every stratum evenly', () => {
    expect(shuffled([1, 2, 3, 4, 5, 6], seededRandom(4))).toEqual(shuffled([1, 2, 3, 4, 5, 6], seededRandom(4)));
    expect(shuffled([1, 2, 3, 4, 5, 6], seededRandom(4))).not.toEqual(shuffled([1, 2, 3, 4, 5, 6], seededRandom(5)));
    const strata = [...Array<string>(4).fill('mia'), ...Array<string>(6).fill('max'), ...Array<string>(9).fill('background')];
    const folds = stratifiedFolds(strata, 2, seededRandom(1));
    for (const s of ['mia', 'max', 'background']) {
      const inFirst = folds.filter((f, i) => strata[i] === s && f === 0).length;
      const all = strata.filter((x) => x === s).length;
      expect(Math.abs(2 * inFirst - all)).toBeLessThanOrEqual(1);
    }
  });
});
