import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src-renderer/lib/api/api-error.ts';
import { OPERATION_NAMES } from '../../../src-renderer/lib/api/client.ts';
import { createHttpClient, type EventStream } from '../../../src-renderer/lib/api/http-client.ts';
import { operations } from '../../../src-main/core/api/contract.ts';

type Listener = (event: { data: string }) => void;

class FakeStream implements EventStream {
  listeners = new Map<string, Set<Listener>>();
  closed = false;
  addEventListener(name: string, listener: Listener) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name)!.add(listener);
  }
  removeEventListener(name: string, listener: Listener) {
    this.listeners.get(name)?.delete(listener);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    for (const l of this.listeners.get(name) ?? []) l({ data: JSON.stringify(data) });
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function setup(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => respond(String(url), init ?? {}));
  const streams: FakeStream[] = [];
  const client = createHttpClient({
    fetch: fetch,
    openEvents: (url) => {
      expect(url).toBe('/api/events');
      const s = new FakeStream();
      streams.push(s);
      return s;
    },
  });
  return { client, fetch, streams };
}

describe('the HTTP client', () => {
  it('has one function per contract operation', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(operations).sort());
    const { client } = setup(() => jsonResponse(200, {}));
    for (const name of OPERATION_NAMES) expect(typeof client[name]).toBe('function');
  });

  it('POSTs the input as JSON to /api/<operation> and returns the output', async () => {
    const { client, fetch } = setup(() => jsonResponse(200, { hits: [], model: 'tiny', tookMs: 2 }));
    const result = await client.search({ terms: [{ kind: 'text', text: 'red' }] });
    expect(result).toEqual({ hits: [], model: 'tiny', tookMs: 2 });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/search');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(String(init!.body))).toEqual({ terms: [{ kind: 'text', text: 'red' }] });
  });

  it('throws the engine error body as an ApiError', async () => {
    const { client } = setup(() => jsonResponse(409, { code: 'model-missing', message: 'No model is set up.', subject: '/lib/models' }));
    const error = await client.status({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'model-missing', message: 'No model is set up.', subject: '/lib/models' });
  });

  it('explains a lost token', async () => {
    const { client } = setup(() => new Response('This photo-search server needs its access token.', { status: 403 }));
    await expect(client.status({})).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('photo-search serve') });
  });

  it('explains a server that is gone', async () => {
    const { client } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(client.status({})).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('not answering') });
  });

  it('shares one event stream and closes it with the last listener', () => {
    const { client, streams } = setup(() => jsonResponse(200, {}));
    const progress = vi.fn();
    const changed = vi.fn();
    const stopProgress = client.onEvent('index-progress', progress);
    const stopChanged = client.onEvent('library-changed', changed);
    expect(streams).toHaveLength(1);
    streams[0].emit('library-changed', { reason: 'indexed' });
    expect(changed).toHaveBeenCalledWith({ reason: 'indexed' });
    expect(progress).not.toHaveBeenCalled();
    stopProgress();
    stopProgress();
    expect(streams[0].closed).toBe(false);
    stopChanged();
    expect(streams[0].closed).toBe(true);
    client.onEvent('index-progress', progress);
    expect(streams).toHaveLength(2);
  });

  it('addresses images by id only', () => {
    const { client } = setup(() => jsonResponse(200, {}));
    expect(client.thumbnailUrl(42, 256)).toBe('/api/thumb/42?size=256');
    expect(client.photoUrl(42)).toBe('/api/photo/42');
  });
});
