import type { IndexProgress, IndexStep } from '../../src-main/core/api/contract.ts';
import { formatCount } from './format.ts';

export interface ProgressView {
  done: number;
  total: number;
  /** 0..1 */
  ratio: number;
  running: boolean;
}

export function progressView(p: IndexProgress): ProgressView {
  const done = p.embedded + p.failed;
  const total = Math.max(p.toEmbed, done);
  const finished = p.phase === 'done' || p.phase === 'cancelled';
  return {
    done,
    total,
    ratio: p.phase === 'done' ? 1 : total === 0 ? 0 : Math.min(1, done / total),
    running: !finished,
  };
}

/**
 * What each step of the organizing phase does, in the words the progress line uses.
 * The command line says the same things at more length (STEP_WORDS in
 * src-main/cli/progress-bar.ts, which the renderer may not import).
 */
export const STEP_WORDS: Record<IndexStep['name'], string> = {
  places: 'Naming places',
  duplicates: 'Preparing to find near-duplicates',
  labels: 'Labelling photos',
  classifiers: 'Applying your categories',
  albums: 'Filling albums',
  text: 'Reading words in photos',
};

export interface StepView {
  /** "Reading words in photos 120 of 2,000", or the step's words alone when it does not count photos. */
  text: string;
  /** 0..1; null when the step does not count photos (the bar sweeps instead). */
  ratio: number | null;
}

/** The organizing step under way as the progress line shows it; null outside the organizing phase. */
export function stepView(p: IndexProgress): StepView | null {
  if (p.phase !== 'organizing') return null;
  const step = p.step;
  if (!step) return { text: 'Organizing', ratio: null };
  const words = STEP_WORDS[step.name];
  if (step.total <= 0) return { text: words, ratio: null };
  return { text: `${words} ${formatCount(step.done)} of ${formatCount(step.total)}`, ratio: Math.min(1, step.done / step.total) };
}
