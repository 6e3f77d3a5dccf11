import type { IndexProgress } from '../api/contract.ts';

const RATE_WINDOW_MS = 10_000;

/** The progress of a run that has not counted anything yet. */
export function startingProgress(phase: IndexProgress['phase'] = 'scanning'): IndexProgress {
  return {
    phase,
    found: 0,
    toEmbed: 0,
    embedded: 0,
    reused: 0,
    removed: 0,
    failed: 0,
    unchanged: 0,
    offline: [],
    photosPerSecond: 0,
    etaSeconds: null,
    paused: false,
  };
}

/** Counts what a run did and derives its rate and ETA from the recent window. */
export class ProgressTracker {
  readonly state: IndexProgress = startingProgress();
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Photos finished (embedded or failed) in the embedding phase. */
  get done(): number {
    return this.state.embedded + this.embedFailures;
  }

  private embedFailures = 0;

  embedFailed(): void {
    this.embedFailures++;
    this.state.failed++;
  }

  sample(): void {
    const at = this.now();
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && at - this.samples[0].at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (at - first.at) / 1000;
    this.state.photosPerSecond = elapsed > 0 ? (this.done - first.done) / elapsed : 0;
    const left = Math.max(0, this.state.toEmbed - this.done);
    this.state.etaSeconds = this.state.photosPerSecond > 0 ? left / this.state.photosPerSecond : null;
  }

  snapshot(): IndexProgress {
    return { ...this.state, offline: [...this.state.offline] };
  }
}
