/**
 * The pages of a long list read so far, each tagged with the answer it came from, and
 * the pages being read. Plain (not reactive) on purpose: the list's owner bumps its own
 * counter when pages change, so thousands of page reads do not each wake every reader.
 */
export class PageCache<T> {
  private readonly pages = new Map<number, { answer: number; items: T[] }>();
  private readonly reading = new Set<number>();

  get size(): number {
    return this.pages.size;
  }

  get readingCount(): number {
    return this.reading.size;
  }

  item(index: number, pageSize: number): T | undefined {
    return this.pages.get(Math.floor(index / pageSize))?.items[index % pageSize];
  }

  /** True when page `p` holds `answer`'s items. */
  holds(p: number, answer: number): boolean {
    return this.pages.get(p)?.answer === answer;
  }

  isReading(p: number): boolean {
    return this.reading.has(p);
  }

  startReading(p: number): void {
    this.reading.add(p);
  }

  doneReading(p: number): void {
    this.reading.delete(p);
  }

  /** Forgets the reads in flight: their answers will be dropped by the caller. */
  forgetReads(): void {
    this.reading.clear();
  }

  set(p: number, answer: number, items: T[]): void {
    this.pages.set(p, { answer, items });
  }

  /** Drops the pages of every answer but `answer`. */
  keepOnly(answer: number): void {
    for (const [p, page] of this.pages) if (page.answer !== answer) this.pages.delete(p);
  }

  clear(): void {
    this.pages.clear();
    this.reading.clear();
  }

  /** Keeps at most `max` pages: those farthest from page `centre` go. */
  evict(max: number, centre: number): void {
    if (this.pages.size <= max) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const p of far.slice(0, this.pages.size - max)) this.pages.delete(p);
  }

  all(): T[] {
    return [...this.pages.values()].flatMap((p) => p.items);
  }
}
