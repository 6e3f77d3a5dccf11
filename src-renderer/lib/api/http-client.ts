import type { OperationInput, OperationName, OperationOutputs } from '../../../src-main/core/api/contract.ts';
import { ApiError, errorBodyOf } from './api-error.ts';
import { OPERATION_NAMES, type EngineStatus, type EventListener, type EventName, type PhotoSearchClient } from './client.ts';
import { EventStreamParser } from './event-stream.ts';
import { inFrontEndWords } from './wording.ts';

export interface HttpClientOptions {
  /** Where the server is; '' for the page's own origin. */
  base?: string;
  fetch?: typeof fetch;
  /** The page's access token (page-token.ts); null when it was opened without one. */
  token: string | null;
  /** The key image addresses carry (media-key.ts); null without a token. */
  mediaKey: string | null;
  /** Waits between reconnection attempts; tests pass one they release by hand. */
  sleep?: (ms: number) => Promise<void>;
}

const TOKEN_HEADER = 'X-Photo-Search-Token';

const NO_TOKEN =
  'This page was opened without the access token of photo-search serve. Open the page that `photo-search serve` printed (the address ending in #token=…), or start it with `photo-search serve --open`.';
const TOKEN_REFUSED =
  'photo-search serve no longer accepts the access token of this page: it was started again with another one (for another library, or after its browser-session.json was deleted). Open the page it printed again.';
const UNREACHABLE =
  'photo-search serve is not answering. If you stopped it, start it again for the same library: this page reconnects by itself when it is back.';

/** Reconnection back-off: quick at first (a restart takes a second or two), then every few seconds. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5000;

function retryDelay(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, attempt - 1));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The contract over HTTP (browser mode): POST /api/<operation> with the input as
 * JSON and the token in a header (never a cookie: cookies ignore ports, so every
 * server on 127.0.0.1 would receive it). Events come from one server-sent event
 * stream read with fetch, so it carries the header too; when it breaks, the client
 * reports the connection lost ('engine-status') and reconnects with back-off.
 * Images, which an <img> loads without headers, carry the media key instead.
 */
export function createHttpClient(opts: HttpClientOptions): PhotoSearchClient {
  const base = opts.base ?? '';
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const headers: Record<string, string> = opts.token ? { [TOKEN_HEADER]: opts.token } : {};
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  let subscribed = 0;
  let stream: AbortController | null = null;
  let status: EngineStatus['state'] = 'ready';

  const forbidden = () => new ApiError('forbidden', opts.token ? TOKEN_REFUSED : NO_TOKEN);

  async function call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutputs[N]> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(input ?? {}),
        credentials: 'omit',
      });
    } catch {
      throw new ApiError('unreachable', UNREACHABLE);
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) return body as OperationOutputs[N];
    if (res.status === 403) throw forbidden();
    const error = errorBodyOf(body);
    if (error) throw new ApiError(error.code, inFrontEndWords(error, 'browser'), error.subject);
    throw new ApiError('internal', `photo-search serve answered HTTP ${res.status} to ${name}.`);
  }

  function emit(name: string, data: unknown): void {
    for (const listener of listeners.get(name) ?? []) listener(data);
  }

  function report(state: EngineStatus['state'], reason: EngineStatus['reason'], retryInMs: number | null): void {
    if (state === status) return;
    status = state;
    const data: EngineStatus = { state, message: null, retryInMs, reason };
    emit('engine-status', data);
  }

  /** One stream at a time while anyone listens; each break is reported, then retried after a growing pause. */
  async function follow(control: AbortController): Promise<void> {
    let failures = 0;
    while (!control.signal.aborted) {
      let reason: EngineStatus['reason'] = 'unreachable';
      try {
        const res = await doFetch(`${base}/api/events`, { headers, credentials: 'omit', cache: 'no-store', signal: control.signal });
        if (res.ok && res.body) {
          failures = 0;
          report('ready', undefined, null);
          const parser = new EventStreamParser();
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const event of parser.push(value)) emit(event.name, JSON.parse(event.data) as unknown);
          }
        } else if (res.status === 403) {
          reason = 'forbidden';
        }
      } catch {
        // A refused connection, a reset, or our own abort: the loop condition tells them apart.
      }
      if (control.signal.aborted) return;
      const delay = retryDelay(++failures);
      report(reason === 'forbidden' ? 'stopped' : 'restarting', reason, delay);
      await sleep(delay);
    }
  }

  const operations = Object.fromEntries(OPERATION_NAMES.map((name) => [name, (input: never) => call(name, input)])) as unknown as Pick<
    PhotoSearchClient,
    OperationName
  >;
  const key = opts.mediaKey ? `key=${encodeURIComponent(opts.mediaKey)}` : '';

  return {
    ...operations,
    onEvent<E extends EventName>(name: E, listener: EventListener<E>): () => void {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const handler = listener as (data: unknown) => void;
      set.add(handler);
      subscribed += 1;
      if (!stream) {
        const control = new AbortController();
        stream = control;
        void follow(control);
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set.delete(handler);
        subscribed -= 1;
        if (subscribed === 0) {
          stream?.abort();
          stream = null;
        }
      };
    },
    thumbnailUrl: (id, size) => `${base}/api/thumb/${encodeURIComponent(String(id))}?size=${encodeURIComponent(String(size))}${key ? `&${key}` : ''}`,
    photoUrl: (id) => `${base}/api/photo/${encodeURIComponent(String(id))}${key ? `?${key}` : ''}`,
  };
}
