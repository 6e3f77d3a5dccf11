import type { ServerResponse } from 'node:http';
import type { EngineEvents } from '../core/api/contract.ts';
import type { ServedEngine } from './engine.ts';

// Keyed by every event name, so an event added to the contract and not streamed here is a type error.
const STREAMED: Record<keyof EngineEvents, true> = { 'index-progress': true, 'library-changed': true, 'model-download': true };
const EVENT_NAMES = Object.keys(STREAMED) as Array<keyof EngineEvents>;
/** Proxies and sleeping laptops drop silent connections; a comment line now and then keeps it open. */
const KEEPALIVE_MS = 15_000;

/** Streams engine events as server-sent events until the client goes away or the server stops. */
export function serveEvents(engine: ServedEngine, res: ServerResponse, open: Set<ServerResponse>): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
  const stops = EVENT_NAMES.map((name) =>
    engine.events.on(name, (data) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    }),
  );
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  open.add(res);
  res.on('close', () => {
    clearInterval(keepalive);
    for (const stop of stops) stop();
    open.delete(res);
  });
}
