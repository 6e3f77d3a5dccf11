/** Where the page keeps its token for this tab: it survives a reload, never another tab or a restart of the browser. */
const STORAGE_KEY = 'photo-search-token';

interface PageLocation {
  hash: string;
  pathname: string;
  search: string;
}

interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function tryStorage<T>(use: () => T): T | null {
  try {
    return use();
  } catch {
    // Storage can be refused (private windows, policies): the token then lasts until a reload.
    return null;
  }
}

/**
 * The access token of `photo-search serve`, which opens the page at `/#token=…`.
 * A fragment is never sent to a server (nor in a Referer), so the token reaches no
 * other program; the page moves it into session storage, which belongs to this
 * origin (host and port) and tab, and takes it out of the address bar and history.
 * Null when the page was opened without one.
 */
export function takePageToken(location: PageLocation, history: Pick<History, 'replaceState'>, storage: TokenStorage | null): string | null {
  const fromAddress = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromAddress) {
    tryStorage(() => storage?.setItem(STORAGE_KEY, fromAddress));
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return fromAddress;
  }
  return tryStorage(() => storage?.getItem(STORAGE_KEY) ?? null);
}
