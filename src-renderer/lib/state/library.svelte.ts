import type { HeldRemoval, IndexProgress, LibraryStatus } from '../../../src-main/core/api/contract.ts';
import { type ApiError, toApiError } from '../api/api-error.ts';
import type { PhotoSearchClient } from '../api/client.ts';

function finished(p: IndexProgress | null): boolean {
  return p === null || p.phase === 'done' || p.phase === 'cancelled';
}

/** The library as the interface shows it: folders, model, counts, and the indexing run. */
export class LibraryState {
  status = $state.raw<LibraryStatus | null>(null);
  progress = $state.raw<IndexProgress | null>(null);
  /** The status could not be read at all (server gone, library unreadable). */
  loadError = $state.raw<ApiError | null>(null);
  /** The last thing the user asked for failed (a folder that does not exist, indexing without a model). */
  actionError = $state.raw<ApiError | null>(null);
  adding = $state(false);
  /** Bumped whenever the engine reports a change, so results can be refreshed. */
  changes = $state(0);

  constructor(private readonly api: PhotoSearchClient) {}

  get indexing(): boolean {
    return !finished(this.progress);
  }

  /** Removals held for the user's confirmation: the running or last run's, else the library's. */
  get held(): HeldRemoval[] {
    const fromRun = this.progress?.held;
    return fromRun?.length ? fromRun : (this.status?.heldRemovals ?? []);
  }

  get hasModel(): boolean {
    return this.status?.model != null;
  }

  /**
   * First launch, or nothing to search yet: no folder, no model, or no photo in
   * the folders. While a run is going the main view takes over and shows it.
   */
  get needsSetup(): boolean {
    const s = this.status;
    if (!s) return false;
    return s.folders.length === 0 || s.model === null || (s.photos === 0 && !this.indexing);
  }

  connect(): () => void {
    const stops = [
      this.api.onEvent('index-progress', (p) => {
        if (finished(p)) void this.finish(p);
        else this.progress = p;
      }),
      this.api.onEvent('library-changed', () => {
        this.changes += 1;
        void this.refresh();
      }),
    ];
    void this.refresh();
    return () => stops.forEach((stop) => stop());
  }

  async refresh(): Promise<void> {
    try {
      const status = await this.api.status({});
      this.status = status;
      this.loadError = null;
      if (status.indexing) this.progress = status.indexing;
    } catch (err) {
      this.loadError = toApiError(err);
    }
  }

  /** The counts are read before the run shows as finished, so the view never flickers back to setup. */
  private async finish(final: IndexProgress): Promise<void> {
    await this.refresh();
    this.progress = final;
  }

  private async act(action: () => Promise<unknown>): Promise<boolean> {
    this.actionError = null;
    try {
      await action();
      return true;
    } catch (err) {
      this.actionError = toApiError(err);
      return false;
    }
  }

  async addFolders(paths: string[]): Promise<boolean> {
    if (paths.length === 0) return false;
    this.adding = true;
    try {
      const ok = await this.act(() => this.api.addFolders({ paths }));
      await this.refresh();
      return ok;
    } finally {
      this.adding = false;
    }
  }

  async forgetFolder(path: string): Promise<void> {
    await this.act(() => this.api.forgetFolder({ path }));
    await this.refresh();
  }

  /**
   * Starts a run and returns at once: progress arrives as events, the end as library-changed.
   * `retryFailed` reads the files that failed before again (a decoder crash included);
   * `allowRemovals` removes the photos whose removal was held, once the user confirmed it.
   */
  startIndexing(options: { retryFailed?: boolean; allowRemovals?: boolean } = {}): void {
    if (this.indexing) return;
    this.actionError = null;
    this.progress = {
      phase: 'scanning',
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
    this.api.index(options).then(
      (final) => this.finish(final),
      async (err: unknown) => {
        await this.refresh();
        // A long run can outlive its HTTP call; while the engine still reports it, progress keeps arriving as events.
        if (this.status?.indexing) return;
        this.progress = null;
        this.actionError = toApiError(err);
      },
    );
  }

  async pause(): Promise<void> {
    if (this.progress) this.progress = { ...this.progress, paused: true };
    await this.act(() => this.api.pauseIndexing({}));
  }

  async resume(): Promise<void> {
    if (this.progress) this.progress = { ...this.progress, paused: false };
    await this.act(() => this.api.resumeIndexing({}));
  }

  /**
   * The engine went away (the server stopped, the engine process crashed): a run in
   * progress went with it, so its progress stops being shown as live. When the engine
   * is back, refresh() shows a run that survived.
   */
  connectionLost(): void {
    if (this.progress && !finished(this.progress)) this.progress = { ...this.progress, phase: 'cancelled', paused: false };
  }

  async cancel(): Promise<void> {
    await this.act(() => this.api.cancelIndexing({}));
  }

  /** Turns reading words in photos on or off for this library: shown at once, then as the engine counts it. */
  async setTextReading(enabled: boolean): Promise<void> {
    const withReading = (textReading: LibraryStatus['textReading']) => {
      if (this.status) this.status = { ...this.status, textReading };
    };
    if (this.status) withReading({ ...this.status.textReading, enabled });
    const ok = await this.act(async () => withReading(await this.api.setTextReading({ enabled })));
    if (!ok) await this.refresh();
  }

  dismissError(): void {
    this.actionError = null;
  }
}
