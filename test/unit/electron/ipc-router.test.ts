import { describe, expect, it, vi } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { LibraryError } from '../../../src-main/core/errors.ts';
import type { PhotoActions } from '../../../src-main/electron/actions.ts';
import type { IpcReply } from '../../../src-main/electron/channels.ts';
import { actionRoutes, contractRoutes, createIpcRouter } from '../../../src-main/electron/ipc-router.ts';
import { EngineCallError } from '../../../src-main/electron/shell-errors.ts';
import { APP, FakeIpcMain, eventFrom, fakeApi, subFrame, topFrame } from './fakes.ts';

function setup() {
  const ipcMain = new FakeIpcMain();
  const api = fakeApi();
  const actionCalls: { name: string; id: number }[] = [];
  const actions: PhotoActions = {
    reveal: async ({ id }) => void actionCalls.push({ name: 'reveal', id }),
    open: async ({ id }) => void actionCalls.push({ name: 'open', id }),
    copyPath: async ({ id }) => void actionCalls.push({ name: 'copyPath', id }),
  };
  const chooseFolders = vi.fn(async () => ['/home/me/Pictures', '/media/usb/DCIM']);
  const log = vi.fn<(message: string) => void>();
  const trash = vi.fn(async ({ ids }: { ids: number[] }) => ({ trashed: ids, failed: [] }));
  const router = createIpcRouter({ ipcMain, appOrigin: () => APP, routes: [...contractRoutes(api), ...actionRoutes(actions, { chooseFolders }, trash)], log });
  const app = eventFrom(topFrame(`${APP}/index.html`));
  const invoke = (channel: string, payload: unknown, event = app) => ipcMain.invoke(channel, event, payload) as Promise<IpcReply>;
  return { ipcMain, api, actionCalls, chooseFolders, log, router, app, invoke };
}

function expectRefused(reply: IpcReply, code: string): string {
  expect(reply.ok).toBe(false);
  if (reply.ok) throw new Error('unreachable');
  expect(reply.error.code).toBe(code);
  expect(reply.error.message.length).toBeGreaterThan(10);
  return reply.error.message;
}

describe('IPC router: registration', () => {
  it('registers exactly one channel per contract operation and per desktop action', () => {
    const { ipcMain } = setup();
    const expected = [
      ...Object.keys(operations).map((name) => `photo-search:${name}`),
      'photo-search:action:reveal',
      'photo-search:action:open',
      'photo-search:action:copyPath',
      'photo-search:action:chooseFolders',
      'photo-search:action:trash',
    ];
    expect([...ipcMain.handlers.keys()].sort()).toEqual(expected.sort());
  });

  it('removes its handlers on dispose', () => {
    const { ipcMain, router } = setup();
    router.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('IPC router: valid calls', () => {
  it('passes a valid call to the service with the schema defaults applied', async () => {
    const { invoke, api } = setup();
    const reply = await invoke('photo-search:search', { terms: [{ kind: 'text', text: 'dog on a beach' }] });
    expect(reply).toEqual({ ok: true, value: { hits: [], matches: 0, total: 0, offset: 0, model: 'tiny', unindexed: 0, tookMs: 1 } });
    expect(api.calls).toEqual([
      {
        name: 'search',
        input: {
          terms: [{ kind: 'text', text: 'dog on a beach', weight: 1 }],
          descriptionWeight: 1,
          phrases: [],
          dateWords: [],
          examples: { like: [], unlike: [], weight: 1 },
          feedback: { up: [], down: [] },
          filters: {},
          sort: 'relevance',
          k: 50,
          offset: 0,
        },
      },
    ]);
  });

  it('treats a missing payload of an operation without fields as {}', async () => {
    const { invoke, api } = setup();
    expect((await invoke('photo-search:status', undefined)).ok).toBe(true);
    expect(api.calls).toEqual([{ name: 'status', input: {} }]);
  });

  it('routes photo actions by id', async () => {
    const { invoke, actionCalls } = setup();
    expect(await invoke('photo-search:action:reveal', { id: 3 })).toEqual({ ok: true, value: undefined });
    expect(actionCalls).toEqual([{ name: 'reveal', id: 3 }]);
  });

  it('shows the folder picker for the app window and returns what the user picked', async () => {
    const { invoke, chooseFolders, api } = setup();
    expect(await invoke('photo-search:action:chooseFolders', {})).toEqual({ ok: true, value: ['/home/me/Pictures', '/media/usb/DCIM'] });
    expect(await invoke('photo-search:action:chooseFolders', undefined)).toEqual({ ok: true, value: ['/home/me/Pictures', '/media/usb/DCIM'] });
    expect(chooseFolders).toHaveBeenCalledTimes(2);
    expect(api.calls).toEqual([]);
  });

  it('returns engine errors as { code, message } envelopes instead of throwing', async () => {
    const { ipcMain, invoke } = setup();
    const api = fakeApi();
    api.photo = async () => {
      throw new LibraryError('not-found', '99', 'Photo 99 is not in the library.');
    };
    api.search = async () => {
      throw new EngineCallError({ code: 'model-missing', message: 'No model is set up.', subject: '/lib/models' });
    };
    for (const channel of [...ipcMain.handlers.keys()]) ipcMain.removeHandler(channel);
    createIpcRouter({ ipcMain, appOrigin: () => APP, routes: contractRoutes(api), log: () => {} });
    expect(await invoke('photo-search:photo', { id: 99 })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'Photo 99 is not in the library.', subject: '99' },
    });
    expect(await invoke('photo-search:search', { terms: [{ kind: 'text', text: 'x' }] })).toEqual({
      ok: false,
      error: { code: 'model-missing', message: 'No model is set up.', subject: '/lib/models' },
    });
  });
});

describe('IPC router: senders', () => {
  const senders: [string, ReturnType<typeof eventFrom>][] = [
    ['another origin', eventFrom(topFrame('https://evil.example/index.html'))],
    ['a look-alike host', eventFrom(topFrame('app://photo-search.evil/index.html'))],
    ['the same host over http', eventFrom(topFrame('http://photo-search/index.html'))],
    ['the app origin with credentials', eventFrom(topFrame('app://user:pw@photo-search/index.html'))],
    ['the app origin with a port', eventFrom(topFrame('app://photo-search:8080/index.html'))],
    ['a subframe of the app page, same origin', eventFrom(subFrame(`${APP}/index.html`))],
    ['a subframe from elsewhere', eventFrom(subFrame('https://evil.example/'))],
    ['about:blank', eventFrom(topFrame('about:blank'))],
    ['about:blank in a subframe', eventFrom(subFrame('about:blank'))],
    ['about:srcdoc', eventFrom(topFrame('about:srcdoc'))],
    ['a file:// page', eventFrom(topFrame('file:///home/user/Downloads/evil.html'))],
    ['a file:// page that looks like the app', eventFrom(topFrame('file:///opt/Photo%20Search/resources/app.asar/out/renderer/index.html'))],
    ['a data: URL', eventFrom(topFrame('data:text/html,<script>1</script>'))],
    ['a blob: URL of the app', eventFrom(topFrame(`blob:${APP}/6c1f4c1e-1111-2222-3333-444455556666`))],
    ['a javascript: URL', eventFrom(topFrame('javascript:alert(1)'))],
    ['an empty URL', eventFrom(topFrame(''))],
    ['a frame that is gone', eventFrom(null)],
  ];

  it.each(senders)('refuses %s, logs it, and never calls the service', async (_name, event) => {
    const { invoke, api, log } = setup();
    const message = expectRefused(await invoke('photo-search:status', {}, event), 'forbidden-sender');
    expect(message).toContain('photo-search:status');
    expect(api.calls).toEqual([]);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Refused IPC photo-search:status'));
  });

  it('refuses a photo action from a wrong sender too', async () => {
    const { invoke, actionCalls } = setup();
    expectRefused(await invoke('photo-search:action:open', { id: 1 }, eventFrom(subFrame(`${APP}/index.html`))), 'forbidden-sender');
    expect(actionCalls).toEqual([]);
  });

  it.each(senders)('never shows the folder picker to %s', async (_name, event) => {
    const { invoke, chooseFolders, log } = setup();
    const message = expectRefused(await invoke('photo-search:action:chooseFolders', {}, event), 'forbidden-sender');
    expect(message).toContain('photo-search:action:chooseFolders');
    expect(chooseFolders).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Refused IPC photo-search:action:chooseFolders'));
  });

  it('checks the sender before the payload', async () => {
    const { invoke } = setup();
    expectRefused(await invoke('photo-search:photo', { id: 'nope' }, eventFrom(topFrame('https://evil.example/'))), 'forbidden-sender');
  });
});

describe('IPC router: channels', () => {
  it.each(['photo-search:eval', 'photo-search:__proto__', 'photo-search:constructor', 'photo-search:action:delete', 'photo-search:event:find', 'status', ''])(
    'refuses the unknown channel "%s" before looking at the sender',
    async (channel) => {
      const { router, log } = setup();
      const message = expectRefused(await router.handle(channel, eventFrom(topFrame('https://evil.example/')), {}), 'unknown-channel');
      expect(message).toContain(channel);
      expect(log).toHaveBeenCalledWith(expect.stringContaining('not in the allow-list'));
    },
  );
});

const text = (t: unknown) => ({ terms: [{ kind: 'text', text: t }] });
const deep = (levels: number): unknown => (levels === 0 ? 'x' : { a: deep(levels - 1) });

const hostilePayloads: [string, string, unknown][] = [
  // wrong types
  ['status', 'a string payload', 'status'],
  ['status', 'a number payload', 42],
  ['status', 'an array payload', ['a']],
  ['search', 'terms as a string', { terms: 'dog' }],
  ['search', 'a term of an unknown kind', { terms: [{ kind: 'sql', text: 'DROP TABLE photos' }] }],
  ['search', 'a text term that is a number', text(12)],
  ['search', 'a file term with a numeric path', { terms: [{ kind: 'file', path: 123 }] }],
  ['search', 'a weight out of range', { terms: [{ kind: 'text', text: 'x', weight: 1e9 }] }],
  ['search', 'a NaN k', { ...text('x'), k: Number.NaN }],
  ['search', 'a huge k', { ...text('x'), k: 1e12 }],
  ['search', 'a date that is not a date', { ...text('x'), filters: { after: '2024-01-01; DROP' } }],
  ['photo', 'a negative id', { id: -1 }],
  ['photo', 'a fractional id', { id: 1.5 }],
  ['photo', 'an id as a string', { id: '1' }],
  ['photo', 'an infinite id', { id: Infinity }],
  ['addFolders', 'paths as a string', { paths: '/home' }],
  ['addFolders', 'a path that is not a string', { paths: [{ toString: '/etc' }] }],
  ['action:reveal', 'a path instead of an id', { path: '/etc/passwd' }],
  ['action:open', 'an id as a path', { id: '/bin/sh' }],
  // extra, huge strings
  ['search', 'a 1001-character query', text('a'.repeat(1001))],
  ['search', 'a 2 MB query', text('a'.repeat(2_000_000))],
  ['status', 'a 2 MB extra field', { padding: 'x'.repeat(2_000_000) }],
  ['addFolders', 'a path of 5000 characters', { paths: ['/'.padEnd(5000, 'a')] }],
  ['addFolders', '101 folders', { paths: Array.from({ length: 101 }, (_, i) => `/p${i}`) }],
  ['status', 'ten thousand values', { list: Array.from({ length: 10_000 }, () => 0) }],
  ['status', 'a 50-level nested object', deep(50)],
  // prototype pollution
  ['addFolders', 'an own __proto__ key', JSON.parse('{"paths":["/photos"],"__proto__":{"polluted":true}}')],
  ['search', 'a nested __proto__ key', JSON.parse('{"terms":[{"kind":"text","text":"x","__proto__":{"polluted":true}}]}')],
  ['status', 'a constructor.prototype key', { constructor: { prototype: { polluted: true } } }],
  ['photo', 'a prototype key', { id: 1, prototype: { polluted: true } }],
  // not plain data (structured clone can carry these)
  ['status', 'a Map', new Map([['a', 1]])],
  ['status', 'a Date', new Date(0)],
  ['status', 'a typed array', new Uint8Array(8)],
  ['addFolders', 'a Set of paths', { paths: new Set(['/photos']) }],
  ['photo', 'a boxed number', { id: Object(1) }],
  // missing fields
  ['addFolders', 'no paths', {}],
  ['addFolders', 'an empty list of paths', { paths: [] }],
  ['forgetFolder', 'no path', {}],
  ['forgetFolder', 'an empty path', { path: '' }],
  ['photo', 'no id', {}],
  ['search', 'terms that are not a list', { terms: 'dog' }],
  ['search', 'a page of no photos', { k: 0 }],
  ['search', 'an example that is no photo id', { examples: { like: [-1] } }],
  ['search', 'an unknown order', { sort: 'random' }],
  ['action:copyPath', 'no id', {}],
  // the picker takes nothing from the page
  ['action:chooseFolders', 'a starting folder', { defaultPath: '/etc' }],
  ['action:chooseFolders', 'dialog options', { properties: ['openFile', 'showHiddenFiles'] }],
  ['action:chooseFolders', 'a string payload', '/etc'],
  ['action:chooseFolders', 'an array payload', ['/etc']],
];

describe('IPC router: payloads', () => {
  it.each(hostilePayloads)('%s: refuses %s with invalid-input and never calls the service', async (op, _name, payload) => {
    const { invoke, api, actionCalls, chooseFolders, log } = setup();
    const message = expectRefused(await invoke(`photo-search:${op}`, payload), 'invalid-input');
    expect(message).toContain(`photo-search:${op}`);
    expect(api.calls).toEqual([]);
    expect(actionCalls).toEqual([]);
    expect(chooseFolders).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledOnce();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
