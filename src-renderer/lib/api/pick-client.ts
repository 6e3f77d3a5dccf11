import type { ConnectedClient, PhotoSearchClient } from './client.ts';
import { createHttpClient } from './http-client.ts';
import { createIpcClient } from './ipc-client.ts';
import { deriveMediaKey } from './media-key.ts';
import { takePageToken } from './page-token.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the interface runs in a browser. */
    photoSearch?: PhotoSearchClient;
  }
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The desktop app's bridge when there is one, the HTTP server of `photo-search serve` otherwise. */
export async function pickClient(): Promise<ConnectedClient> {
  if (window.photoSearch) return { api: createIpcClient(window.photoSearch), mode: 'desktop' };
  const token = takePageToken(window.location, window.history, sessionStore());
  const mediaKey = token ? await deriveMediaKey(token).catch(() => null) : null;
  return { api: createHttpClient({ token, mediaKey }), mode: 'browser' };
}
