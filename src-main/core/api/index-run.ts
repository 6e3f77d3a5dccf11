import type { IndexProgress } from './contract.ts';

/**
 * The controls of one indexing run: the user can pause it between photos,
 * resume it, or cancel it (the batch in flight is still written).
 */
export class IndexRun {
  readonly abort = new AbortController();
  last: IndexProgress | null = null;
  paused = false;
  private waiting: (() => void) | null = null;
  private done!: Promise<IndexProgress>;

  private constructor() {}

  static start(work: (run: IndexRun) => Promise<IndexProgress>): IndexRun {
    const run = new IndexRun();
    run.done = work(run);
    return run;
  }

  get promise(): Promise<IndexProgress> {
    return this.done;
  }

  /** Resolves when the run may take its next photo. */
  readonly gate = (): Promise<void> => (this.paused ? new Promise<void>((resolve) => (this.waiting = resolve)) : Promise.resolve());

  pause(): IndexProgress | null {
    this.paused = true;
    return this.last;
  }

  resume(): IndexProgress | null {
    this.paused = false;
    this.waiting?.();
    this.waiting = null;
    return this.last;
  }

  cancel(): Promise<IndexProgress | null> {
    this.abort.abort();
    this.resume();
    return this.promise.catch(() => this.last);
  }
}
