import { summarize, type Summary } from './stats.ts';

/** A goal from the issue: the median must be at least (higher is better) or at most (lower is better) `value`. */
export interface Target {
  atLeast?: number;
  atMost?: number;
}

export interface Figure {
  /** Stable key, used to compare with earlier results. */
  id: string;
  label: string;
  unit: string;
  summary: Summary;
  target?: Target;
  met?: boolean;
}

export interface SectionResult {
  id: string;
  title: string;
  figures: Figure[];
  /** What the figures do not say by themselves: method, sizes, why a target is missed. */
  notes: string[];
}

export function figure(id: string, label: string, unit: string, values: readonly number[], target?: Target): Figure {
  const summary = summarize(values);
  const out: Figure = { id, label, unit, summary };
  if (target) {
    out.target = target;
    out.met = (target.atLeast === undefined || summary.median >= target.atLeast) && (target.atMost === undefined || summary.median <= target.atMost);
  }
  return out;
}

/** Collects the figures and notes of one section as it runs, so a failing step still leaves the earlier ones. */
export class SectionRecorder {
  readonly result: SectionResult;

  constructor(id: string, title: string) {
    this.result = { id, title, figures: [], notes: [] };
  }

  add(id: string, label: string, unit: string, values: readonly number[], target?: Target): Figure {
    const f = figure(`${this.result.id}.${id}`, label, unit, values, target);
    this.result.figures.push(f);
    return f;
  }

  note(text: string): void {
    this.result.notes.push(text);
  }
}
