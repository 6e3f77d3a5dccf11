import type { SearchHit } from '../../../src-main/core/api/contract.ts';
import { toApiError, type ApiError } from '../api/api-error.ts';
import type { PhotoSearchClient } from '../api/client.ts';
import { EMPTY_SELECTION, clickSelect, gridKeyAction, moveSelect, selectAll, selectTo, type ClickModifiers, type Selection } from '../grid/selection.ts';
import type { SearchRequest } from './query.svelte.ts';

/** Results arrive a page at a time; scrolling to the end asks for more, up to the engine's limit. */
export const FIRST_PAGE = 500;
export const MAX_RESULTS = 100_000;

export type ResultsPhase = 'idle' | 'loading' | 'ready' | 'error';

/** The results of the current query, the selection in them, and the photo open in the lightbox. */
export class ResultsState {
  hits = $state.raw<SearchHit[]>([]);
  phase = $state<ResultsPhase>('idle');
  error = $state.raw<ApiError | null>(null);
  tookMs = $state(0);
  limit = $state(FIRST_PAGE);
  selection = $state.raw<Selection>(EMPTY_SELECTION);
  /** Set by the grid from its width; arrow up/down move by one row. */
  columns = $state(1);
  /** Index of the photo shown in the lightbox. */
  viewing = $state<number | null>(null);
  /** Bumped for each new query (not for more of the same one), so the grid scrolls back to the top. */
  generation = $state(0);
  private request: SearchRequest | null = null;
  private requestKey = '';
  /** The query whose answer `hits` holds: hits are never shown under another one. */
  private shownKey = '';
  private sequence = 0;

  constructor(private readonly api: PhotoSearchClient) {}

  get canLoadMore(): boolean {
    return this.phase === 'ready' && this.hits.length >= this.limit && this.limit < MAX_RESULTS;
  }

  get selectedHits(): SearchHit[] {
    return [...this.selection.selected].sort((a, b) => a - b).flatMap((i) => (this.hits[i] ? [this.hits[i]] : []));
  }

  /** Runs a new query; the same query again only refreshes it, keeping the selection. */
  search(request: SearchRequest | null): Promise<void> {
    const key = JSON.stringify(request);
    if (key !== this.requestKey) {
      this.requestKey = key;
      this.request = request;
      this.limit = FIRST_PAGE;
      this.selection = EMPTY_SELECTION;
      this.viewing = null;
      this.generation += 1;
    }
    return this.run();
  }

  refresh(): Promise<void> {
    return this.run();
  }

  loadMore(): Promise<void> {
    if (!this.canLoadMore) return Promise.resolve();
    this.limit = Math.min(this.limit * 4, MAX_RESULTS);
    return this.run();
  }

  private async run(): Promise<void> {
    const sequence = ++this.sequence;
    const request = this.request;
    const key = this.requestKey;
    if (!request) {
      this.hits = [];
      this.shownKey = key;
      this.phase = 'idle';
      this.error = null;
      return;
    }
    this.phase = 'loading';
    try {
      const result = await this.api.search({ ...request, k: this.limit });
      if (sequence !== this.sequence) return;
      this.hits = result.hits;
      this.shownKey = key;
      this.tookMs = result.tookMs;
      this.error = null;
      this.phase = 'ready';
      if (this.viewing !== null && this.viewing >= result.hits.length) this.viewing = null;
    } catch (err) {
      if (sequence !== this.sequence) return;
      this.error = toApiError(err);
      this.phase = 'error';
      // The answer to another query must not stand under this one, as if it were its results.
      if (this.shownKey !== key) {
        this.hits = [];
        this.shownKey = key;
        this.selection = EMPTY_SELECTION;
        this.viewing = null;
      }
    }
  }

  click(index: number, mods: ClickModifiers): void {
    this.selection = clickSelect(this.selection, index, mods);
  }

  /** Arrow keys and Enter in the grid; false when the key is not the grid's. */
  key(key: string, shift: boolean): boolean {
    const action = gridKeyAction(key, shift, this.columns);
    const count = this.hits.length;
    if (!action || count === 0) return false;
    if (action.kind === 'open') {
      if (this.selection.cursor < 0) return false;
      this.viewing = this.selection.cursor;
    } else if (action.kind === 'jump') {
      this.selection = selectTo(this.selection, action.to === 'first' ? 0 : count - 1, count, action.extend);
    } else {
      this.selection = moveSelect(this.selection, action.delta, count, action.extend);
    }
    return true;
  }

  open(index: number): void {
    this.selection = clickSelect(this.selection, index, { toggle: false, range: false });
    this.viewing = index;
  }

  /** The lightbox moved: the grid's cursor follows, so closing it lands where the user is. */
  view(index: number): void {
    if (index < 0 || index >= this.hits.length) return;
    this.viewing = index;
    this.selection = clickSelect(this.selection, index, { toggle: false, range: false });
  }

  close(): void {
    this.viewing = null;
  }

  /** False when there is nothing to select, so the key can keep its usual meaning. */
  selectAll(): boolean {
    if (this.hits.length === 0) return false;
    this.selection = selectAll(this.selection, this.hits.length);
    return true;
  }

  clearSelection(): void {
    this.selection = EMPTY_SELECTION;
  }
}
