import type { OperationInput, OperationName, OperationOutputs } from '../../../src-main/core/api/contract.ts';
import { ApiError, errorBodyOf } from './api-error.ts';
import { OPERATION_NAMES, type ClientEvents, type EventListener, type EventName, type PhotoSearchClient } from './client.ts';

/** The part of EventSource the client uses, so tests can hand in a fake. */
export interface EventStream {
  addEventListener(name: string, listener: (event: { data: string }) => void): void;
  removeEventListener(name: string, listener: (event: { data: string }) => void): void;
  close(): void;
}

export interface HttpClientOptions {
  /** Where the server is; '' for the page's own origin. */
  base?: string;
  fetch?: typeof fetch;
  openEvents: (url: string) => EventStream;
}

const UNREACHABLE = 'The photo-search server is not answering. Check that `photo-search serve` is still running, then reload this page.';

/**
 * The contract over HTTP (browser mode): POST /api/<operation> with the input as
 * JSON; events from one shared server-sent event stream. Authentication rides on
 * the HttpOnly cookie the server set when the page was opened with its token.
 */
export function createHttpClient(opts: HttpClientOptions): PhotoSearchClient {
  const base = opts.base ?? '';
  const doFetch = opts.fetch ?? fetch;
  let stream: EventStream | null = null;
  let listeners = 0;

  async function call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutputs[N]> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError('unreachable', UNREACHABLE);
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) return body as OperationOutputs[N];
    const error = errorBodyOf(body);
    if (error) throw new ApiError(error.code, error.message, error.subject);
    throw new ApiError(
      res.status === 403 ? 'forbidden' : 'internal',
      res.status === 403
        ? 'This page has lost its access to the server. Open the address `photo-search serve` printed again.'
        : `The server answered ${res.status}.`,
    );
  }

  const operations = Object.fromEntries(OPERATION_NAMES.map((name) => [name, (input: never) => call(name, input)])) as unknown as Pick<
    PhotoSearchClient,
    OperationName
  >;

  return {
    ...operations,
    onEvent<E extends EventName>(name: E, listener: EventListener<E>): () => void {
      stream ??= opts.openEvents(`${base}/api/events`);
      const current = stream;
      const handler = (event: { data: string }) => listener(JSON.parse(event.data) as ClientEvents[E]);
      current.addEventListener(name, handler);
      listeners += 1;
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        current.removeEventListener(name, handler);
        listeners -= 1;
        if (listeners === 0) {
          current.close();
          stream = null;
        }
      };
    },
    thumbnailUrl: (id, size) => `${base}/api/thumb/${encodeURIComponent(String(id))}?size=${encodeURIComponent(String(size))}`,
    photoUrl: (id) => `${base}/api/photo/${encodeURIComponent(String(id))}`,
  };
}
