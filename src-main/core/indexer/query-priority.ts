/**
 * Queries go before indexing in a process that does both (the desktop app's engine,
 * `photo-search serve`): while a query runs, and for a moment after it so that the
 * next keystroke's query finds the cores free too, an index run starts no new decode,
 * batch or save. Work already in flight finishes; a run that queries keep busy waits.
 */
export const QUERY_GRACE_MS = 100;

export class QueryPriority {
  private running = 0;
  private lastEnd = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;

  /** Runs a query with priority over indexing. */
  async during<T>(query: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await query();
    } finally {
      this.running--;
      this.lastEnd = performance.now();
      this.schedule();
    }
  }

  /** Resolves when no query has run for QUERY_GRACE_MS (at once when none is running). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private isIdle(): boolean {
    return this.running === 0 && performance.now() - this.lastEnd >= QUERY_GRACE_MS;
  }

  private schedule(): void {
    if (this.timer || this.running > 0 || this.waiters.length === 0) return;
    const wait = Math.max(0, QUERY_GRACE_MS - (performance.now() - this.lastEnd));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.isIdle()) return this.schedule();
      for (const wake of this.waiters.splice(0)) wake();
    }, wait);
  }
}
