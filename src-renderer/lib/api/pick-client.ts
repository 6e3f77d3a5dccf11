import type { ConnectedClient, PhotoSearchClient } from './client.ts';
import { createHttpClient } from './http-client.ts';
import { createIpcClient } from './ipc-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the interface runs in a browser. */
    photoSearch?: PhotoSearchClient;
  }
}

/** The desktop app's bridge when there is one, the HTTP server of `photo-search serve` otherwise. */
export function pickClient(): ConnectedClient {
  if (window.photoSearch) return { api: createIpcClient(window.photoSearch), mode: 'desktop' };
  return { api: createHttpClient({ openEvents: (url) => new EventSource(url) }), mode: 'browser' };
}
