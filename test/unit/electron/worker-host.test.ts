import { describe, expect, it, vi } from 'vitest';
import type { EngineEvents } from '../../../src-main/core/api/contract.ts';
import { LibraryError } from '../../../src-main/core/errors.ts';
import { serveEngine, type EngineService, type HostOptions, type ParentPortLike } from '../../../src-main/electron/worker-host.ts';
import type { FromWorker } from '../../../src-main/electron/worker-protocol.ts';
import { fakeApi, sampleProgress } from './fakes.ts';

class FakePort implements ParentPortLike {
  readonly sent: FromWorker[] = [];
  private listener: ((event: { data: unknown }) => void) | null = null;
  on(_event: 'message', listener: (event: { data: unknown }) => void): void {
    this.listener = listener;
  }
  postMessage(message: FromWorker): void {
    this.sent.push(message);
  }
  deliver(data: unknown): void {
    this.listener?.({ data });
  }
  replies() {
    return this.sent.filter((m) => m.type === 'reply');
  }
}

function fakeEngine() {
  const listeners = new Map<string, (data: unknown) => void>();
  const closed = vi.fn(async () => {});
  const engine: EngineService & { calls: unknown[] } = Object.assign(fakeApi(), {
    events: {
      on<E extends keyof EngineEvents>(event: E, listener: (data: EngineEvents[E]) => void) {
        listeners.set(event, listener as (data: unknown) => void);
        return () => listeners.delete(event);
      },
    },
    thumbnailFile: async (id: number, size: number) => `/thumbs/${id}-${size}.webp`,
    photoPath: (id: number) => (id === 1 ? '/photos/a.jpg' : null),
    close: closed,
  });
  return { engine, listeners, closed };
}

function setup(open?: () => EngineService) {
  const port = new FakePort();
  const { engine, listeners, closed } = fakeEngine();
  const exit = vi.fn<(code: number) => void>();
  const log = vi.fn<(message: string) => void>();
  const opened = vi.fn<HostOptions['open']>(open ?? (() => engine));
  serveEngine({ port, open: opened, exit, log });
  return { port, engine, listeners, closed, exit, log, opened };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('serveEngine', () => {
  it('opens the library it is told about, then reports ready', () => {
    const { port, opened } = setup();
    expect(port.sent).toEqual([]);
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: '/models/tiny' });
    expect(opened).toHaveBeenCalledWith({ type: 'init', libraryDir: '/lib', modelDir: '/models/tiny' }, expect.any(Function));
    expect(port.sent).toEqual([{ type: 'ready' }]);
  });

  it('asks the main process to decode a suspect photo in a process of its own, and hands the engine its verdict', async () => {
    const { port, opened } = setup();
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    const probe = opened.mock.calls[0][1];
    const spec = { size: 224 } as unknown as Parameters<typeof probe>[1];
    const first = probe('/photos/a.jpg', spec);
    const second = probe('/photos/b.jpg', spec, { maxPixels: 1000 });
    const asked = port.sent.filter((m) => m.type === 'probe');
    expect(asked).toEqual([
      { type: 'probe', id: 1, job: { file: '/photos/a.jpg', spec, limits: undefined } },
      { type: 'probe', id: 2, job: { file: '/photos/b.jpg', spec, limits: { maxPixels: 1000 } } },
    ]);
    port.deliver({ type: 'probe-result', id: 2, verdict: { kind: 'crashed', how: 'exited with code 134' } });
    port.deliver({ type: 'probe-result', id: 1, verdict: { kind: 'decoded' } });
    expect(await first).toEqual({ kind: 'decoded' });
    expect(await second).toEqual({ kind: 'crashed', how: 'exited with code 134' });
  });

  it('answers contract calls through dispatch, with validation', async () => {
    const { port, engine } = setup();
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    port.deliver({ type: 'call', id: 1, op: 'index', input: {} });
    port.deliver({ type: 'call', id: 2, op: 'photo', input: { id: 'x' } });
    await settle();
    expect(port.replies()).toContainEqual({ type: 'reply', id: 1, ok: true, value: sampleProgress });
    expect(port.replies()).toContainEqual({ type: 'reply', id: 2, ok: false, error: expect.objectContaining({ code: 'invalid-input' }) });
    expect(engine.calls).toEqual([{ name: 'index', input: {} }]);
  });

  it('answers the shell lookups by id', async () => {
    const { port } = setup();
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    port.deliver({ type: 'call', id: 1, op: 'thumbnailFile', input: { id: 3, size: 128 } });
    port.deliver({ type: 'call', id: 2, op: 'photoPath', input: { id: 1 } });
    port.deliver({ type: 'call', id: 3, op: 'photoPath', input: { id: 2 } });
    port.deliver({ type: 'call', id: 4, op: 'thumbnailFile', input: { id: 3 } });
    await settle();
    expect(port.replies().sort((a, b) => a.id - b.id)).toEqual([
      { type: 'reply', id: 1, ok: true, value: '/thumbs/3-128.webp' },
      { type: 'reply', id: 2, ok: true, value: '/photos/a.jpg' },
      { type: 'reply', id: 3, ok: true, value: null },
      { type: 'reply', id: 4, ok: false, error: expect.objectContaining({ code: 'invalid-input' }) },
    ]);
  });

  it('forwards the engine events as data', () => {
    const { port, listeners } = setup();
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    listeners.get('index-progress')!(sampleProgress);
    listeners.get('library-changed')!({ reason: 'indexed' });
    expect(port.sent.slice(1)).toEqual([
      { type: 'event', name: 'index-progress', data: sampleProgress },
      { type: 'event', name: 'library-changed', data: { reason: 'indexed' } },
    ]);
  });

  it('drops malformed messages and unknown operations', () => {
    const { port, log } = setup();
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    port.deliver({ type: 'call', id: 1, op: 'close', input: {} });
    port.deliver({ type: 'call', id: 1, op: '__proto__', input: {} });
    port.deliver({ type: 'eval', code: '1' });
    port.deliver(null);
    expect(port.sent).toEqual([{ type: 'ready' }]);
    expect(log).toHaveBeenCalledTimes(4);
  });

  it('refuses calls before it knows its library', async () => {
    const { port } = setup();
    port.deliver({ type: 'call', id: 1, op: 'status', input: {} });
    expect(port.replies()).toEqual([{ type: 'reply', id: 1, ok: false, error: expect.objectContaining({ code: 'engine-not-ready' }) }]);
  });

  it('stays up and reports the reason on every call when the library cannot be opened', () => {
    const { port, exit } = setup(() => {
      throw new LibraryError('library-newer', '/lib/library.sqlite', 'The library was written by a newer version.');
    });
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    port.deliver({ type: 'call', id: 1, op: 'status', input: {} });
    expect(port.sent).toEqual([
      { type: 'ready' },
      {
        type: 'reply',
        id: 1,
        ok: false,
        error: { code: 'library-newer', message: 'The library was written by a newer version.', subject: '/lib/library.sqlite' },
      },
    ]);
    expect(exit).not.toHaveBeenCalled();
  });

  it('closes the library on shutdown, then exits, and refuses later calls', async () => {
    const { port, closed, exit } = setup();
    port.deliver({ type: 'init', libraryDir: '/lib', modelDir: null });
    port.deliver({ type: 'shutdown' });
    port.deliver({ type: 'call', id: 1, op: 'status', input: {} });
    await settle();
    expect(closed).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(0);
    expect(port.replies()).toEqual([{ type: 'reply', id: 1, ok: false, error: expect.objectContaining({ code: 'engine-stopped' }) }]);
  });
});
