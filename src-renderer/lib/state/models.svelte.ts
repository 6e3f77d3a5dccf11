import type { ModelDownloadProgress, ModelSwitch, ModelsOverview } from '../../../src-main/core/api/contract.ts';
import { toApiError, type ApiError } from '../api/api-error.ts';
import type { PhotoSearchClient } from '../api/client.ts';

/** The models this library can use, and what the user is doing with them right now. */
export class ModelsState {
  overview = $state.raw<ModelsOverview | null>(null);
  error = $state.raw<ApiError | null>(null);
  /** Downloads in flight, by model id. */
  downloads = $state.raw<Record<string, ModelDownloadProgress | null>>({});
  /** The model an action (use, remove, import) is running for. */
  busy = $state<string | null>(null);
  lastSwitch = $state.raw<ModelSwitch | null>(null);

  constructor(
    private readonly api: PhotoSearchClient,
    /** Called after anything that changes which model the library uses. */
    private readonly onchange: () => void,
  ) {}

  connect(): () => void {
    const stop = this.api.onEvent('model-download', (p) => {
      if (p.id in this.downloads) this.downloads = { ...this.downloads, [p.id]: p };
    });
    void this.load();
    return stop;
  }

  async load(): Promise<void> {
    try {
      this.overview = await this.api.models({});
    } catch (err) {
      this.error = toApiError(err);
    }
  }

  private async run(id: string, action: () => Promise<unknown>): Promise<boolean> {
    this.error = null;
    this.busy = id;
    try {
      await action();
      return true;
    } catch (err) {
      this.error = toApiError(err);
      return false;
    } finally {
      this.busy = null;
      await this.load();
      this.onchange();
    }
  }

  async install(id: string, quantized: boolean): Promise<void> {
    this.downloads = { ...this.downloads, [id]: null };
    try {
      await this.run(id, () => this.api.installModel({ id, quantized }));
    } finally {
      const { [id]: _done, ...rest } = this.downloads;
      this.downloads = rest;
    }
  }

  async use(id: string): Promise<void> {
    await this.run(id, async () => {
      this.lastSwitch = await this.api.useModel({ id });
    });
  }

  async remove(id: string): Promise<void> {
    await this.run(id, () => this.api.removeModel({ id }));
  }

  async import(path: string): Promise<boolean> {
    return this.run(path, () => this.api.importModel({ path }));
  }
}
