import { background, MIN_Z, splitMatches, type Background } from '../../search/ranking/cutoff.ts';
import type { LibrarySample } from '../../search/ranking/library-sample.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import { dot } from '../../vectors/math.ts';

/**
 * Where one label (or album, or any fixed query vector) stands against this
 * library: its background (ranking/cutoff.ts: the centre and spread of its scores
 * over the library sample, read from the lower quantiles) and the cosine from which
 * a photo stands out for it (the Benjamini-Hochberg cutoff of splitMatches over the
 * whole library). Every label gets its own, so a label whose prompts score high
 * with every photo ("a photo of a photo") is held to its own higher bar, and adding
 * labels never moves another label's bar.
 */
export interface Calibration extends Background {
  /** Scores at or above this are matches; null when no photo stands out. */
  threshold: number | null;
  /** The best score of any photo. */
  best: number;
  /** Embedded photos the cutoff ran over. */
  population: number;
}

export interface ScoredPhoto {
  id: number;
  /** Cosine of the photo with the vector. */
  score: number;
}

export interface CalibrationResult {
  calibration: Calibration;
  /** The photos that stand out, best first. */
  matches: ScoredPhoto[];
}

/**
 * Calibrates many query vectors against one model's embeddings in one pass over
 * the library: each vector's background from the sample, then every photo's score,
 * keeping only those at least MIN_Z robust deviations above the centre (no other can
 * pass the cutoff), then the cutoff per vector.
 * @param vectors `[L][D]` L2-normalised query vectors (label ensembles)
 * Cost: one dot product per photo and vector (N x L x D multiply-adds).
 */
export function calibrateAll(store: LibraryStore, modelId: string, sample: LibrarySample, vectors: readonly Float32Array[]): CalibrationResult[] {
  const backgrounds = vectors.map((v) => background(sample.scores(v), sample.spread));
  const floors = backgrounds.map((bg) => bg.median + MIN_Z * bg.sigma);
  const candidates: ScoredPhoto[][] = vectors.map(() => []);
  const best = vectors.map(() => -Infinity);
  let population = 0;
  for (const { id, vector } of store.embeddings.all(modelId)) {
    population++;
    for (let l = 0; l < vectors.length; l++) {
      const score = dot(vectors[l], vector);
      if (score > best[l]) best[l] = score;
      if (score >= floors[l]) candidates[l].push({ id, score });
    }
  }
  return vectors.map((_, l) => {
    const sorted = candidates[l].sort((a, b) => b.score - a.score || a.id - b.id);
    const cut = splitMatches(
      sorted.map((s) => s.score),
      population,
      backgrounds[l],
    );
    return {
      calibration: { ...backgrounds[l], threshold: cut.matches > 0 ? cut.threshold : null, best: Number.isFinite(best[l]) ? best[l] : 0, population },
      matches: sorted.slice(0, cut.matches),
    };
  });
}

/** The score in the label's own units: robust standard deviations above its library centre. */
export function calibratedScore(score: number, calibration: Background): number {
  return (score - calibration.median) / calibration.sigma;
}

/** Calibrated score at which the shown strength reaches 1 - 1/e (about 0.63). */
const STRENGTH_SCALE = 6;

/**
 * The strength shown with a label, 0..1: the calibrated score mapped as
 * 1 - exp(-z / STRENGTH_SCALE), so it orders a photo's labels exactly as their
 * calibrated scores do (a match, at z >= 3, shows at least 0.39; z = 12 shows 0.86).
 * Not the share of the label's best photo: a label absent from the library has a
 * best photo barely above the rest, and would show every near miss as strong.
 */
export function strengthOf(score: number, calibration: Background): number {
  return Math.max(0, 1 - Math.exp(-calibratedScore(score, calibration) / STRENGTH_SCALE));
}
