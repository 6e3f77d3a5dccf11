/**
 * Session- and page-level lockdown: no permissions, no navigation, no new
 * windows, no webviews, no network except the dev server, and the CSP on the
 * app's pages. Applied to every webContents the app creates.
 */
import type { Session, WebContents } from 'electron';
import { originOf } from './frame-origin.ts';

export interface SessionPolicy {
  csp: string;
  /** The origin the renderer is loaded from; it gets the CSP header. */
  rendererOrigin: string;
  /** The dev server when running from source; null in a packaged app, where no http(s) request is allowed. */
  devServerOrigin: string | null;
  log: (message: string) => void;
}

export function hardenSession(session: Session, { csp, rendererOrigin, devServerOrigin, log }: SessionPolicy): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`Denied a request for the ${permission} permission`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // The app works offline: a page that tries to reach the network is stopped here.
  session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    const origin = originOf(details.url.replace(/^ws/, 'http'));
    const allowed = devServerOrigin !== null && origin === devServerOrigin;
    if (!allowed) log(`Blocked a network request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    if (originOf(details.url) !== rendererOrigin) {
      callback({});
      return;
    }
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

export function hardenWebContents(contents: WebContents, allowNavigation: (url: string) => boolean, log: (message: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    log(`Blocked a new window for ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (allowNavigation(event.url)) return;
    log(`Blocked navigation to ${event.url}`);
    event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame && allowNavigation(event.url)) return;
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (allowNavigation(event.url)) return;
    log(`Blocked a redirect to ${event.url}`);
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
