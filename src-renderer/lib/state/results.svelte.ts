import type { DayRun, SearchHit, SearchResult } from '../../../src-main/core/api/contract.ts';
import { toApiError, type ApiError } from '../api/api-error.ts';
import type { PhotoSearchClient } from '../api/client.ts';
import type { GridLayout } from '../grid/grid-layout.ts';
import {
  EMPTY_SELECTION,
  clampSelection,
  clickSelect,
  gridKeyAction,
  selectAll,
  selectTo,
  selectedCount,
  type ClickModifiers,
  type Selection,
} from '../grid/selection.ts';
import type { SearchRequest } from '../query/query-chips.ts';
import { PageCache } from './page-cache.ts';

/** Photos per request: a page is read as the grid reaches it, so a list of any length costs what is in view. */
export const PAGE = 200;
/** Pages kept in memory; the ones farthest from the view go first. */
export const PAGES_KEPT = 60;
/** Requests for pages at once: scrolling fast asks only for where the view is now. */
const PAGES_IN_FLIGHT = 3;
/** How long the view rests after a jump before its pages are read, ms. */
const SETTLE_MS = 80;
/** Photos per request when ids are gathered for a selection ("Find similar" on thousands). */
const ID_BATCH = 5000;

export type ResultsPhase = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The list the grid shows for the current request, read a page at a time: its counts
 * (matches, total, day runs), the loaded pages, the selection (ranges of indices), and
 * the photo open in the lightbox. Answers to a request that was superseded are dropped.
 */
export class ResultsState {
  phase = $state<ResultsPhase>('idle');
  error = $state.raw<ApiError | null>(null);
  tookMs = $state(0);
  total = $state(0);
  matches = $state(0);
  days = $state.raw<DayRun[] | null>(null);
  /** The answer shown lists the library (nothing to look for): every photo counts, in date order. */
  listing = $state(false);
  /** The query the answer shown is for, as the user reads it. */
  text = $state('');
  /** The weaker matches are shown after the matches. */
  expanded = $state(false);
  /** Being read again (the library changed), while the last answer stays on screen. */
  refreshing = $state(false);
  selection = $state.raw<Selection>(EMPTY_SELECTION);
  /** Index of the photo shown in the lightbox. */
  viewing = $state<number | null>(null);
  /** Bumped for each new query (not for more of the same one), so the grid scrolls back to the top. */
  generation = $state(0);
  /** Bumped when a page arrives or goes. */
  private version = $state(0);
  /** The grid's layout, set by the grid: arrow keys move by its rows. */
  layout: GridLayout | null = null;

  private request: SearchRequest | null = null;
  private requestKey = '';
  private requestListing = false;
  private requestText = '';
  /** Bumped for every new query and every refresh: answers to an earlier one are dropped. */
  private answer = 0;
  /** Pages are tagged with their answer: pages of an older answer are replaced, never mixed in for long. */
  private readonly pages = new PageCache<SearchHit>();
  private wanted: number[] = [];
  /** What the grid showed last, to tell a scroll from a jump. */
  private lastSpan: { start: number; end: number } | null = null;
  private settling: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: PhotoSearchClient) {}

  /** How many photos the grid shows: the matches, and the weaker matches once expanded. */
  get shown(): number {
    return this.expanded ? this.total : this.matches;
  }

  get weaker(): number {
    return this.total - this.matches;
  }

  get selectedCount(): number {
    return selectedCount(this.selection);
  }

  /** The photo at a position of the list, or undefined while its page is not loaded. */
  hitAt(index: number): SearchHit | undefined {
    void this.version;
    return this.pages.item(index, PAGE);
  }

  /** Every loaded photo, for what only needs a sample of the list (the folder filter's choices). */
  loadedHits(): SearchHit[] {
    void this.version;
    return this.pages.all();
  }

  /**
   * Runs a request: a new one starts over (first page, no selection, weaker matches folded)
   * once its first page is in, and until then the last answer stays, under its own query
   * (`text`); the same request again refreshes it in place. `listing` says it has nothing
   * to look for (the timeline). An answer to a request that was superseded is dropped.
   */
  async search(request: SearchRequest, listing: boolean, text: string): Promise<void> {
    const key = JSON.stringify(request);
    if (key === this.requestKey && this.phase !== 'idle') return this.refresh();
    // A thumbs-up or down re-ranks the same query: read again in place, the view, selection and lightbox staying.
    const reranked = this.phase === 'ready' && this.request !== null && sameQueryBut(this.request, request, 'feedback');
    this.requestKey = key;
    this.request = request;
    this.requestListing = listing;
    this.requestText = text;
    if (reranked) return this.refresh();
    const answer = ++this.answer;
    this.pages.forgetReads();
    this.wanted = [];
    this.phase = 'loading';
    this.refreshing = false;
    try {
      const result = await this.fetch(0, PAGE);
      if (answer !== this.answer) return;
      this.pages.clear();
      this.lastSpan = null;
      this.selection = EMPTY_SELECTION;
      this.viewing = null;
      this.expanded = false;
      this.generation += 1;
      this.take(result, answer, [[0, result.hits]]);
    } catch (err) {
      if (answer !== this.answer) return;
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.error = toApiError(err);
    this.phase = 'error';
    this.refreshing = false;
    // Nothing of another query may stand under this one as if it were its results.
    this.pages.clear();
    this.total = 0;
    this.matches = 0;
    this.days = null;
    this.selection = EMPTY_SELECTION;
    this.viewing = null;
    this.version += 1;
  }

  private fetch(offset: number, k: number): Promise<SearchResult> {
    if (!this.request) throw new Error('no request');
    return this.api.search({ ...this.request, k, offset });
  }

  /** An answer's counts and pages become what is shown, at once, so the header always counts what the grid holds. */
  private take(result: SearchResult, answer: number, pages: Array<[number, SearchHit[]]>): void {
    this.pages.keepOnly(answer);
    for (const [p, hits] of pages) this.pages.set(p, answer, hits);
    this.listing = this.requestListing;
    this.text = this.requestText;
    this.total = result.total;
    this.matches = result.matches;
    this.days = result.days ?? null;
    this.tookMs = result.tookMs;
    this.error = null;
    this.phase = 'ready';
    this.refreshing = false;
    this.selection = clampSelection(this.selection, this.shown);
    if (this.viewing !== null && this.viewing >= this.shown) this.viewing = null;
    this.version += 1;
    this.pump();
  }

  /**
   * Reads the current request again (the library changed: indexing added photos), with
   * the pages in view, and swaps them in together; until then the last answer stays.
   */
  async refresh(): Promise<void> {
    if (!this.request || this.phase === 'loading') return;
    const answer = ++this.answer;
    this.pages.forgetReads();
    this.refreshing = true;
    const wanted = [0, ...this.wanted.filter((p) => p !== 0)];
    try {
      const results = await Promise.all(wanted.map((p) => this.fetch(p * PAGE, PAGE)));
      if (answer !== this.answer) return;
      this.take(
        results[0],
        answer,
        results.map((r, i) => [wanted[i], r.hits]),
      );
    } catch (err) {
      if (answer !== this.answer) return;
      this.fail(err);
    }
  }

  /**
   * The grid shows photos [start, end): their pages are read, nearest first; the rest of
   * the queue is dropped. When the view jumped clear of where it was (a fast scroll, a
   * drag of the scroll bar), reading waits until it rests SETTLE_MS, so a fling does not
   * read every page it flies past.
   */
  need(start: number, end: number): void {
    if (this.phase !== 'ready' || end <= start) return;
    const jumped = this.lastSpan !== null && (end <= this.lastSpan.start || start >= this.lastSpan.end);
    this.lastSpan = { start, end };
    const first = Math.floor(start / PAGE);
    const last = Math.floor((Math.min(end, this.shown) - 1) / PAGE);
    const wanted: number[] = [];
    for (let p = first; p <= last; p++) wanted.push(p);
    this.wanted = wanted;
    clearTimeout(this.settling);
    if (jumped) this.settling = setTimeout(() => this.pump(), SETTLE_MS);
    else this.pump();
  }

  private pump(): void {
    if (this.phase !== 'ready') return;
    for (const p of this.wanted) {
      if (this.pages.readingCount >= PAGES_IN_FLIGHT) return;
      if (this.pages.holds(p, this.answer) || this.pages.isReading(p)) continue;
      void this.load(p);
    }
  }

  private async load(p: number): Promise<void> {
    const answer = this.answer;
    this.pages.startReading(p);
    try {
      const result = await this.fetch(p * PAGE, PAGE);
      if (answer !== this.answer) return;
      this.pages.set(p, answer, result.hits);
      this.pages.evict(PAGES_KEPT, this.wanted.length ? this.wanted[Math.floor(this.wanted.length / 2)] : 0);
      this.version += 1;
    } catch (err) {
      if (answer !== this.answer) return;
      this.error = toApiError(err);
    } finally {
      if (answer === this.answer) this.pages.doneReading(p);
      this.pump();
    }
  }

  /** Shows the weaker matches after the matches. */
  expand(): void {
    this.expanded = true;
  }

  /**
   * The ids of the selected photos, in list order, reading the pages not loaded in
   * batches of ID_BATCH; null when the list changed meanwhile (a new query).
   */
  async selectedIds(): Promise<number[] | null> {
    const answer = this.answer;
    const ids: number[] = [];
    for (const [a, b] of this.selection.ranges) {
      let i = a;
      while (i < b) {
        const hit = this.hitAt(i);
        if (hit) {
          ids.push(hit.id);
          i += 1;
          continue;
        }
        let gap = i;
        while (gap < b && gap - i < ID_BATCH && !this.hitAt(gap)) gap += 1;
        const result = await this.fetch(i, gap - i);
        if (answer !== this.answer) return null;
        for (const h of result.hits) ids.push(h.id);
        i = gap;
      }
    }
    return ids;
  }

  click(index: number, mods: ClickModifiers): void {
    this.selection = clickSelect(this.selection, index, mods);
  }

  /** Arrow keys, Home, End, Page Up/Down and Enter in the grid; false when the key is not the grid's. */
  key(key: string, shift: boolean): boolean {
    const action = gridKeyAction(key, shift);
    const count = this.shown;
    if (!action || count === 0) return false;
    const cursor = this.selection.cursor;
    if (action.kind === 'open') {
      if (cursor < 0) return false;
      this.viewing = cursor;
    } else if (action.kind === 'jump') {
      this.selection = selectTo(this.selection, action.to === 'first' ? 0 : count - 1, count, action.extend);
    } else if (cursor < 0) {
      this.selection = selectTo(this.selection, 0, count, false);
    } else if (action.kind === 'move') {
      this.selection = selectTo(this.selection, cursor + action.delta, count, action.extend);
    } else {
      const target = this.layout ? this.layout.step(cursor, action.rows) : cursor + action.rows;
      this.selection = selectTo(this.selection, target, count, action.extend);
    }
    return true;
  }

  open(index: number): void {
    this.selection = clickSelect(this.selection, index, { toggle: false, range: false });
    this.viewing = index;
  }

  /** The lightbox moved: the grid's cursor follows, so closing it lands where the user is. */
  view(index: number): void {
    if (index < 0 || index >= this.shown) return;
    this.viewing = index;
    this.selection = clickSelect(this.selection, index, { toggle: false, range: false });
    if (!this.hitAt(index)) this.need(Math.max(0, index - PAGE / 2), index + PAGE / 2);
  }

  close(): void {
    this.viewing = null;
  }

  /** False when there is nothing to select, so the key can keep its usual meaning. */
  selectAll(): boolean {
    if (this.shown === 0) return false;
    this.selection = selectAll(this.selection, this.shown);
    return true;
  }

  clearSelection(): void {
    this.selection = EMPTY_SELECTION;
  }
}

/** True when two requests differ at most in `field`. */
function sameQueryBut(a: SearchRequest, b: SearchRequest, field: keyof SearchRequest): boolean {
  return JSON.stringify({ ...a, [field]: undefined }) === JSON.stringify({ ...b, [field]: undefined });
}
