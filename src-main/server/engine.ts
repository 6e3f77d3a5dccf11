import type { EngineEvents, PhotoSearchApi } from '../core/api/contract.ts';

/** A photo's file as the library indexed it: where it is, what it was, and the library folders it may lie in. */
export interface IndexedFile {
  path: string;
  /** Bytes, as indexed. */
  size: number;
  /** Modification time in ms since the epoch, as indexed. */
  mtimeMs: number;
  /** Every library folder; the photo's real path must lie inside one. */
  folders: string[];
}

/**
 * What the HTTP adapter needs from the engine: the contract, its events, and the
 * two id-to-file lookups. PhotoSearchService has this shape; tests may pass a fake.
 */
export interface ServedEngine extends PhotoSearchApi {
  readonly events: {
    on<E extends keyof EngineEvents>(event: E, listener: (data: EngineEvents[E]) => void): () => void;
  };
  /**
   * The cached thumbnail of photo `id`, made on first request by reading `source`
   * (a path to the already checked, open file) instead of the photo's stored path.
   */
  thumbnailFile(id: number, size: number, source?: string): Promise<string>;
  indexedFile(id: number): IndexedFile | null;
}
