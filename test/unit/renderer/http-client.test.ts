import { describe, expect, it, vi } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { mediaKey } from '../../../src-main/server/security.ts';
import { ApiError } from '../../../src-renderer/lib/api/api-error.ts';
import { OPERATION_NAMES, type ClientEvents } from '../../../src-renderer/lib/api/client.ts';
import { createHttpClient } from '../../../src-renderer/lib/api/http-client.ts';
import { deriveMediaKey } from '../../../src-renderer/lib/api/media-key.ts';

const TOKEN = 'T'.repeat(43);
const KEY = 'K'.repeat(43);

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A server-sent event stream the test writes to and ends. */
function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

/** Reconnection waits the test releases by hand, so nothing depends on time. */
function manualSleep() {
  const waits: Array<{ ms: number; release: () => void }> = [];
  const asked: number[] = [];
  return {
    waits,
    asked,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        asked.push(ms);
        waits.push({ ms, release: resolve });
      }),
    async releaseNext() {
      await vi.waitFor(() => expect(waits.length).toBeGreaterThan(0));
      waits.shift()!.release();
    },
  };
}

type Answer = (url: string, init: RequestInit) => Response | Promise<Response>;

function setup(answer: Answer, opts: { token?: string | null } = {}) {
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => answer(String(url), init ?? {}));
  const timing = manualSleep();
  const client = createHttpClient({ fetch, token: opts.token === undefined ? TOKEN : opts.token, mediaKey: KEY, sleep: timing.sleep });
  const statuses: Array<ClientEvents['engine-status']> = [];
  return { client, fetch, timing, statuses };
}

describe('the HTTP client: operations', () => {
  it('has one function per contract operation', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(operations).sort());
    const { client } = setup(() => jsonResponse(200, {}));
    for (const name of OPERATION_NAMES) expect(typeof client[name]).toBe('function');
  });

  it('POSTs the input as JSON with the token in a header, never relying on cookies', async () => {
    const { client, fetch } = setup(() => jsonResponse(200, { hits: [], model: 'tiny', tookMs: 2 }));
    const result = await client.photo({ id: 3 });
    expect(result).toEqual({ hits: [], model: 'tiny', tookMs: 2 });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/photo');
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json', 'X-Photo-Search-Token': TOKEN } });
    expect(JSON.parse(String(init!.body))).toEqual({ id: 3 });
  });

  it('throws the engine error body as an ApiError', async () => {
    const { client } = setup(() => jsonResponse(404, { code: 'not-found', message: 'Photo 9 is not in the library.', subject: '9' }));
    const error = await client.photo({ id: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', message: 'Photo 9 is not in the library.', subject: '9' });
  });

  it('explains a page opened without its token', async () => {
    const { client } = setup(() => jsonResponse(403, { code: 'forbidden', message: 'no token' }), { token: null });
    await expect(client.status({})).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('without the access token') });
  });

  it('explains a token the server no longer accepts', async () => {
    const { client } = setup(() => jsonResponse(403, { code: 'forbidden', message: 'wrong token' }));
    await expect(client.status({})).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('no longer accepts') });
  });

  it('explains a server that is gone, and what to do', async () => {
    const { client } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(client.status({})).rejects.toMatchObject({ code: 'unreachable', message: expect.stringMatching(/not answering.*start it again/s) });
  });

  it('words engine errors for a browser: no command-line advice', async () => {
    const message =
      'No model is set up. Install one with `photo-search models install clip-vit-b32-laion2b` (`photo-search models list` shows the others), or point --model at a model directory.';
    const { client } = setup(() => jsonResponse(409, { code: 'model-missing', message, subject: '/lib/models' }));
    const error = (await client.status({}).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toMatch(/^No model is set up\./);
    expect(error.message).not.toMatch(/photo-search models|--model|`/);
    expect(error.message).toMatch(/download one|model folder/);
  });
});

describe('the HTTP client: images', () => {
  it('addresses images by id, with the media key (an <img> cannot send the token header)', () => {
    const { client } = setup(() => jsonResponse(200, {}));
    expect(client.thumbnailUrl(42, 256)).toBe(`/api/thumb/42?size=256&key=${KEY}`);
    expect(client.photoUrl(42)).toBe(`/api/photo/42?key=${KEY}`);
    expect(client.thumbnailUrl(42, 256)).not.toContain(TOKEN);
  });

  it('derives the same media key as the server', async () => {
    expect(await deriveMediaKey(TOKEN)).toBe(mediaKey(TOKEN));
  });
});

describe('the HTTP client: events and the connection', () => {
  it('reads the event stream with the token header and hands each event to its listeners', async () => {
    const stream = eventStream();
    const { client, fetch } = setup(() => stream.response);
    const changed = vi.fn();
    const progress = vi.fn();
    client.onEvent('library-changed', changed);
    client.onEvent('index-progress', progress);
    stream.send('retry: 2000\n\n: keepalive\n\nevent: library-changed\ndata: {"reason":');
    stream.send('"indexed"}\n\n');
    await vi.waitFor(() => expect(changed).toHaveBeenCalledWith({ reason: 'indexed' }));
    expect(progress).not.toHaveBeenCalled();
    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0][0]).toBe('/api/events');
    expect(fetch.mock.calls[0][1]).toMatchObject({ headers: { 'X-Photo-Search-Token': TOKEN } });
  });

  it('says the connection is lost when the server goes away, keeps trying, and says when it is back', async () => {
    let up = true;
    let current = eventStream();
    const { client, timing } = setup((url) => {
      if (!up) throw new TypeError('Failed to fetch');
      if (url === '/api/events') return current.response;
      return jsonResponse(200, {});
    });
    const statuses: Array<ClientEvents['engine-status']> = [];
    client.onEvent('engine-status', (s) => statuses.push(s));
    const changed = vi.fn();
    client.onEvent('library-changed', changed);
    await vi.waitFor(() => expect(statuses).toEqual([]));

    up = false;
    current.end();
    await vi.waitFor(() => expect(statuses.at(-1)).toMatchObject({ state: 'restarting', reason: 'unreachable' }));
    await timing.releaseNext();
    await timing.releaseNext();
    expect(statuses.filter((s) => s.state === 'restarting')).toHaveLength(1);

    up = true;
    current = eventStream();
    await timing.releaseNext();
    await vi.waitFor(() => expect(statuses.at(-1)).toMatchObject({ state: 'ready' }));
    current.send('event: library-changed\ndata: {"reason":"indexed"}\n\n');
    await vi.waitFor(() => expect(changed).toHaveBeenCalledOnce());
  });

  it('says so when the server refuses the page, and still tries again', async () => {
    const { client, timing } = setup(() => jsonResponse(403, { code: 'forbidden', message: 'wrong token' }));
    const statuses: Array<ClientEvents['engine-status']> = [];
    client.onEvent('engine-status', (s) => statuses.push(s));
    await vi.waitFor(() => expect(statuses).toEqual([expect.objectContaining({ state: 'stopped', reason: 'forbidden' })]));
    await timing.releaseNext();
  });

  it('waits longer and longer between attempts, up to a few seconds', async () => {
    const { client, timing } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    client.onEvent('library-changed', () => {});
    for (let i = 0; i < 8; i++) await timing.releaseNext();
    await vi.waitFor(() => expect(timing.asked).toHaveLength(9));
    const delays = timing.asked;
    expect(delays[1]).toBeGreaterThan(delays[0]);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
  });

  it('closes the stream with the last listener, and opens a new one for the next', async () => {
    const streams: Array<ReturnType<typeof eventStream>> = [];
    const { client, fetch } = setup((_url, init) => {
      const s = eventStream();
      streams.push(s);
      init.signal?.addEventListener('abort', () => s.end());
      return s.response;
    });
    const stopA = client.onEvent('index-progress', () => {});
    const stopB = client.onEvent('library-changed', () => {});
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    stopA();
    stopA();
    expect((fetch.mock.calls[0][1] as RequestInit).signal?.aborted).toBe(false);
    stopB();
    expect((fetch.mock.calls[0][1] as RequestInit).signal?.aborted).toBe(true);
    client.onEvent('index-progress', () => {});
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
  });
});
