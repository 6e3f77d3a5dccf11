import { operations, type LibraryStatus, type OperationName, type PhotoSearchApi } from '../../../src-main/core/api/contract.ts';
import { EngineEventBus } from '../../../src-main/core/api/events.ts';
import { LibraryError } from '../../../src-main/core/errors.ts';
import type { ServedEngine } from '../../../src-main/server/engine.ts';

export const STATUS: LibraryStatus = {
  libraryDir: '/library',
  folders: [],
  photos: 1,
  model: null,
  modelProblem: 'No model is set up.',
  coverage: [],
  index: { state: 'empty', detail: null, vectors: 0 },
  failures: [],
  indexing: null,
};

/**
 * An engine that knows one photo (id 1) and answers `status` and `search`; every
 * other operation fails loudly if a test reaches it by mistake.
 */
export function fakeEngine(photo: {
  id: number;
  file: string;
  thumbnail: string;
}): ServedEngine & { calls: Array<{ name: OperationName; input: unknown }>; events: EngineEventBus } {
  const calls: Array<{ name: OperationName; input: unknown }> = [];
  const known = (id: number) => id === photo.id;
  const api = Object.fromEntries(
    Object.keys(operations).map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name: name as OperationName, input });
        if (name === 'status') return STATUS;
        if (name === 'search') return { hits: [], model: 'fake', tookMs: 1 };
        throw new Error(`fake engine: ${name} not expected`);
      },
    ]),
  ) as unknown as PhotoSearchApi;
  const bus = new EngineEventBus();
  return Object.assign(api, {
    calls,
    events: bus,
    photoPath: (id: number) => (known(id) ? photo.file : null),
    thumbnailFile: async (id: number) => {
      if (!known(id)) throw new LibraryError('not-found', String(id), `Photo ${id} is not in the library.`);
      return photo.thumbnail;
    },
  });
}
