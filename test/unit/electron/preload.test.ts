import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import type { PhotoSearchBridge } from '../../../src-main/preload/bridge-types.ts';

type Listener = (event: unknown, data: unknown) => void;

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Listener>>();
  const invoke = vi.fn<(channel: string, payload: unknown) => Promise<unknown>>();
  return {
    exposed,
    listeners,
    invoke,
    module: {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
      webUtils: { getPathForFile: (file: { name: string }) => (file.name === 'dropped.jpg' ? '/home/me/dropped.jpg' : '') },
      ipcRenderer: {
        invoke,
        on(channel: string, listener: Listener) {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(listener);
        },
        removeListener(channel: string, listener: Listener) {
          listeners.get(channel)?.delete(listener);
        },
      },
    },
  };
});

vi.mock('electron', () => ({ ...electron.module, default: electron.module }));

let bridge: PhotoSearchBridge;

beforeAll(async () => {
  await import('../../../src-main/preload/index.ts');
  bridge = electron.exposed.get('photoSearch') as PhotoSearchBridge;
});

beforeEach(() => electron.invoke.mockReset());

const emit = (channel: string, data: unknown) => {
  for (const listener of electron.listeners.get(channel) ?? []) listener({ sender: 'the raw IpcRendererEvent', ports: [] }, data);
};

describe('preload bridge', () => {
  it('exposes window.photoSearch and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['photoSearch']);
  });

  it('has exactly one function per contract operation, plus events, photo URLs and actions', () => {
    const expected = [...Object.keys(operations), 'onEvent', 'thumbnailUrl', 'photoUrl', 'actions', 'pathForFile'];
    expect(Object.keys(bridge).sort()).toEqual(expected.sort());
    for (const name of Object.keys(operations)) expect(typeof bridge[name as keyof typeof operations]).toBe('function');
    expect(Object.keys(bridge.actions).sort()).toEqual(['chooseFolders', 'copyPath', 'open', 'reveal', 'trash']);
  });

  it('calls each operation on its own channel and unwraps the reply', async () => {
    electron.invoke.mockResolvedValue({ ok: true, value: { hits: [], model: 'tiny', tookMs: 2 } });
    await expect(bridge.search({ terms: [{ kind: 'text', text: 'cat' }] })).resolves.toEqual({ hits: [], model: 'tiny', tookMs: 2 });
    expect(electron.invoke).toHaveBeenCalledWith('photo-search:search', { terms: [{ kind: 'text', text: 'cat' }] });
  });

  it('rejects with the { code, message } body of a refused call', async () => {
    electron.invoke.mockResolvedValue({ ok: false, error: { code: 'invalid-input', message: 'Invalid input for photo-search:photo' } });
    await expect(bridge.photo({ id: 1 })).rejects.toEqual({ code: 'invalid-input', message: 'Invalid input for photo-search:photo' });
  });

  it('sends photo actions by id only', async () => {
    electron.invoke.mockResolvedValue({ ok: true, value: undefined });
    await bridge.actions.reveal(5);
    await bridge.actions.copyPath(6);
    expect(electron.invoke.mock.calls).toEqual([
      ['photo-search:action:reveal', { id: 5 }],
      ['photo-search:action:copyPath', { id: 6 }],
    ]);
  });

  it('asks for folders on the picker channel, sending nothing the page chose', async () => {
    electron.invoke.mockResolvedValue({ ok: true, value: ['/home/me/Pictures'] });
    await expect(bridge.actions.chooseFolders()).resolves.toEqual(['/home/me/Pictures']);
    expect(electron.invoke).toHaveBeenCalledWith('photo-search:action:chooseFolders', {});
  });

  it('gives event callbacks the data only, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = bridge.onEvent('library-changed', (data) => seen.push(data));
    emit('photo-search:event:library-changed', { reason: 'indexed' });
    off();
    emit('photo-search:event:library-changed', { reason: 'folder-added' });
    expect(seen).toEqual([{ reason: 'indexed' }]);
  });

  it.each(['photo-search:status', '__proto__', 'ipc', ''])('refuses to subscribe to "%s"', (name) => {
    expect(() => bridge.onEvent(name as 'find', () => {})).toThrow(RangeError);
  });

  it('gives the path of a dropped file, and null for a File with no file behind it', () => {
    expect(bridge.pathForFile({ name: 'dropped.jpg' } as File)).toBe('/home/me/dropped.jpg');
    expect(bridge.pathForFile({ name: 'pasted.png' } as File)).toBeNull();
  });

  it('builds photo URLs from ids and refuses anything else', () => {
    expect(bridge.thumbnailUrl(12)).toBe('photo://thumb/12?size=256');
    expect(bridge.thumbnailUrl(12, 512)).toBe('photo://thumb/12?size=512');
    expect(bridge.photoUrl(12)).toBe('photo://full/12');
    for (const bad of [0, -1, 1.5, Number.NaN, '../etc' as unknown as number]) {
      expect(() => bridge.photoUrl(bad)).toThrow(RangeError);
    }
  });
});
