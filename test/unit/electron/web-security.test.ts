import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../../../src-main/electron/content-security.ts';
import { hardenSession, hardenWebContents } from '../../../src-main/electron/web-security.ts';

type Callback = (response: Record<string, unknown>) => void;

function fakeSession() {
  const handlers: Record<string, (...args: never[]) => unknown> = {};
  const session = {
    setPermissionRequestHandler: (h: never) => (handlers.request = h),
    setPermissionCheckHandler: (h: never) => (handlers.check = h),
    setDevicePermissionHandler: (h: never) => (handlers.device = h),
    webRequest: {
      onBeforeRequest: (_filter: unknown, h: never) => (handlers.beforeRequest = h),
      onHeadersReceived: (h: never) => (handlers.headers = h),
    },
  };
  const call = (name: string, ...args: unknown[]) => (handlers[name] as (...a: unknown[]) => unknown)(...args);
  return { session: session as unknown as Session, call };
}

function respond(run: (callback: Callback) => void): Record<string, unknown> {
  let response: Record<string, unknown> | null = null;
  run((r) => (response = r));
  if (!response) throw new Error('no response');
  return response;
}

describe('hardenSession', () => {
  const csp = contentSecurityPolicy(null);

  it('denies every permission request and check', () => {
    const { session, call } = fakeSession();
    hardenSession(session, { csp, rendererOrigin: 'app://photo-search', devServerOrigin: null, log: () => {} });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const granted = vi.fn();
      call('request', {}, permission, granted);
      expect(granted).toHaveBeenCalledWith(false);
    }
    expect(call('check')).toBe(false);
    expect(call('device')).toBe(false);
  });

  it('blocks the network in a packaged app', () => {
    const { session, call } = fakeSession();
    hardenSession(session, { csp, rendererOrigin: 'app://photo-search', devServerOrigin: null, log: () => {} });
    for (const url of ['https://example.com/track.gif', 'http://localhost:5173/', 'wss://example.com/socket']) {
      expect(respond((cb) => call('beforeRequest', { url }, cb))).toEqual({ cancel: true });
    }
  });

  it('lets the dev server through when running from source, and nothing else', () => {
    const { session, call } = fakeSession();
    hardenSession(session, { csp, rendererOrigin: 'http://localhost:5173', devServerOrigin: 'http://localhost:5173', log: () => {} });
    expect(respond((cb) => call('beforeRequest', { url: 'http://localhost:5173/src/main.ts' }, cb))).toEqual({ cancel: false });
    expect(respond((cb) => call('beforeRequest', { url: 'ws://localhost:5173/' }, cb))).toEqual({ cancel: false });
    expect(respond((cb) => call('beforeRequest', { url: 'http://localhost:8080/' }, cb))).toEqual({ cancel: true });
  });

  it("adds the CSP to the app's own pages only", () => {
    const { session, call } = fakeSession();
    hardenSession(session, { csp, rendererOrigin: 'app://photo-search', devServerOrigin: null, log: () => {} });
    const own = respond((cb) => call('headers', { url: 'app://photo-search/index.html', responseHeaders: { 'Content-Type': ['text/html'] } }, cb));
    expect(own).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [csp] } });
    expect(respond((cb) => call('headers', { url: 'photo://thumb/1', responseHeaders: {} }, cb))).toEqual({});
  });
});

describe('contentSecurityPolicy', () => {
  it('allows only the app itself and photo: images, with no eval', () => {
    const csp = contentSecurityPolicy(null);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("img-src 'self' photo: data: blob:");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
  });

  it('adds the dev server and its HMR socket when running from source', () => {
    expect(contentSecurityPolicy('http://localhost:5173')).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
  });
});

describe('hardenWebContents', () => {
  function fakeContents() {
    const on: Record<string, (event: { url?: string; isMainFrame?: boolean; preventDefault: () => void }) => void> = {};
    let openHandler: ((details: { url: string }) => unknown) | null = null;
    const contents = {
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
      on: (name: string, h: (typeof on)[string]) => (on[name] = h),
    };
    const fire = (name: string, details: { url?: string; isMainFrame?: boolean }) => {
      const preventDefault = vi.fn();
      on[name]({ ...details, preventDefault });
      return preventDefault.mock.calls.length > 0;
    };
    return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler!({ url }) };
  }

  it('denies new windows and blocks navigation, redirects and webviews', () => {
    const { contents, fire, open } = fakeContents();
    hardenWebContents(
      contents,
      () => false,
      () => {},
    );
    expect(open('https://example.com')).toEqual({ action: 'deny' });
    expect(fire('will-navigate', { url: 'https://example.com' })).toBe(true);
    expect(fire('will-navigate', { url: 'app://photo-search/index.html' })).toBe(true);
    expect(fire('will-frame-navigate', { url: 'about:blank', isMainFrame: false })).toBe(true);
    expect(fire('will-redirect', { url: 'file:///etc/passwd' })).toBe(true);
    expect(fire('will-attach-webview', {})).toBe(true);
  });

  it('lets the dev server reload its own page', () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(
      contents,
      (url) => url.startsWith('http://localhost:5173/'),
      () => {},
    );
    expect(fire('will-navigate', { url: 'http://localhost:5173/' })).toBe(false);
    expect(fire('will-frame-navigate', { url: 'http://localhost:5173/', isMainFrame: false })).toBe(true);
  });
});
