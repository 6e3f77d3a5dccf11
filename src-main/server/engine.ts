import type { EngineEvents, PhotoSearchApi } from '../core/api/contract.ts';

/**
 * What the HTTP adapter needs from the engine: the contract, its events, and the
 * two id-to-file lookups. PhotoSearchService has this shape; tests may pass a fake.
 */
export interface ServedEngine extends PhotoSearchApi {
  readonly events: {
    on<E extends keyof EngineEvents>(event: E, listener: (data: EngineEvents[E]) => void): () => void;
  };
  thumbnailFile(id: number, size: number): Promise<string>;
  photoPath(id: number): string | null;
}
