import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { ModelError } from '../../errors.ts';
import { bareHostname, proxyAuthorization, proxyFor } from './proxy.ts';

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Limit on waiting for a connection, for headers, and between two chunks of the body. */
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  /** The URL that answered, after redirects. */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Node-style error for a stalled connection, so callers handle it like the system's own ETIMEDOUT. */
export function timeoutError(ms: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`no data for ${ms} ms`), { code: 'ETIMEDOUT' });
}

/**
 * GET through node:http/https rather than fetch, because Node 20's fetch ignores
 * HTTP(S)_PROXY. Follows redirects (the hub sends large files to a CDN), refuses a
 * redirect from https down to http, and applies the idle timeout to the body too.
 */
export async function httpGet(url: URL, opts: HttpGetOptions): Promise<HttpResponse> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(current, opts);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) {
      return { status: res.statusCode ?? 0, headers: res.headers, body: res, url: current };
    }
    res.resume();
    const next = new URL(location, current);
    if (hop >= MAX_REDIRECTS) throw new ModelError('model-download-failed', url.href, `Too many redirects starting at ${url.href}`);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new ModelError('model-download-failed', next.href, `Refusing a redirect from ${current.host} to a ${next.protocol} URL`);
    }
    if (current.protocol === 'https:' && next.protocol === 'http:') {
      throw new ModelError('model-download-failed', next.href, `Refusing a redirect from https://${current.host} down to insecure ${next.href}`);
    }
    current = next;
  }
}

function requestOnce(url: URL, opts: HttpGetOptions): Promise<http.IncomingMessage> {
  const proxy = proxyFor(url, opts.env);
  const headers: Record<string, string> = { 'user-agent': 'photo-search', accept: '*/*', ...opts.headers };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };

    const start = (req: http.ClientRequest): void => {
      req.setTimeout(opts.timeoutMs, () => req.destroy(timeoutError(opts.timeoutMs)));
      req.on('error', fail);
      req.once('response', (res) => {
        settled = true;
        req.setTimeout(0);
        res.setTimeout(opts.timeoutMs, () => res.destroy(timeoutError(opts.timeoutMs)));
        if (opts.signal) {
          const signal = opts.signal;
          const onAbort = (): void => {
            res.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          res.once('close', () => signal.removeEventListener('abort', onAbort));
        }
        resolve(res);
      });
      req.end();
    };

    if (url.protocol === 'http:' && proxy) {
      // Plain-http targets go to the proxy as absolute-URI requests (RFC 9112 section 3.2.2).
      start(
        http.request({
          host: bareHostname(proxy),
          port: proxy.port || 80,
          method: 'GET',
          path: url.href,
          headers: { ...headers, host: url.host, ...proxyAuthorization(proxy) },
          signal: opts.signal,
        }),
      );
    } else if (url.protocol === 'http:') {
      start(http.request(url, { method: 'GET', headers, signal: opts.signal }));
    } else if (proxy) {
      openTunnel(proxy, url, opts).then((socket) => {
        const host = bareHostname(url);
        // SNI carries names only; for an IP literal the certificate is still checked against `host`.
        const servername = isIP(host) ? undefined : host;
        const tlsSocket = tls.connect({ socket, host, servername, ALPNProtocols: ['http/1.1'] });
        start(https.request(url, { method: 'GET', headers, signal: opts.signal, createConnection: () => tlsSocket }));
      }, fail);
    } else {
      start(https.request(url, { method: 'GET', headers, signal: opts.signal }));
    }
  });
}

/** A raw TCP stream to `target` through an http proxy's CONNECT method. */
function openTunnel(proxy: URL, target: URL, opts: HttpGetOptions): Promise<Socket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: bareHostname(proxy),
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      signal: opts.signal,
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(timeoutError(opts.timeoutMs)));
    req.on('error', reject);
    req.once('connect', (res, socket, head) => {
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new ModelError('model-download-failed', target.href, `Proxy ${proxy.host} refused the tunnel to ${authority} (HTTP ${res.statusCode})`));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.end();
  });
}
