import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const TOKEN_HEADER = 'x-photo-search-token';

/**
 * Scripts, styles, images and requests from this origin only; nothing inline, no
 * frames, no forms. The renderer is built to run under exactly this policy.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The query parameter that carries the media key on image addresses. */
export const MEDIA_KEY_PARAM = 'key';

/**
 * The key that opens photos and thumbnails, and nothing else: `<img src>` cannot
 * send a header, so image addresses carry this instead of the token. An image
 * address that leaks (copied, pasted in a bug report) exposes no operation.
 * HMAC-SHA256(token, "photo-search media"), base64url; the page derives the same
 * with WebCrypto (src-renderer/lib/api/media-key.ts).
 */
export function mediaKey(token: string): string {
  return createHmac('sha256', token).update('photo-search media').digest('base64url');
}

export function tokensEqual(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token of a request: from its header only. Never from a cookie: cookies
 * ignore ports, so every other server on 127.0.0.1 would receive it too.
 */
export function requestToken(req: IncomingMessage): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  return typeof header === 'string' ? header : undefined;
}

/**
 * DNS rebinding defence: a page on evil.example that re-points its name at 127.0.0.1
 * still sends `Host: evil.example`, so only the loopback names of this port pass.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (host === '::1') hosts.add(`[::1]:${port}`);
  else if (host !== '127.0.0.1' && host !== 'localhost') hosts.add(`${host}:${port}`);
  return hosts;
}

export function allowedOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map((h) => `http://${h}`));
}

/** Loopback only: browser mode is never reachable from another machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
