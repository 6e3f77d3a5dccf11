import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress } from '../../../src-main/core/api/contract.ts';
import { MAX_BODY_BYTES } from '../../../src-main/server/body.ts';
import { startServer, type RunningServer } from '../../../src-main/server/server.ts';
import { mediaKey } from '../../../src-main/server/security.ts';
import { fakeEngine, recorded } from './fake-engine.ts';
import { rawRequest } from './raw-request.ts';

const SECRET = 'secret-outside-the-renderer';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

let root: string;
let server: RunningServer;
let engine: ReturnType<typeof fakeEngine>;
let auth: Record<string, string>;
let host: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-server-'));
  const renderer = path.join(root, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Photo search</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  // Things a traversal would like to reach: a sibling sharing the name prefix, a parent file, a symlink out.
  fs.mkdirSync(path.join(root, 'renderer-private'));
  fs.writeFileSync(path.join(root, 'renderer-private', 'secret.txt'), SECRET);
  fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(renderer, 'assets', 'leak.txt'));
  fs.mkdirSync(path.join(root, 'photos'));
  fs.writeFileSync(path.join(root, 'photos', 'photo.jpg'), JPEG);
  fs.writeFileSync(path.join(root, 'thumb.jpg'), JPEG);
  engine = fakeEngine({
    photos: new Map([[1, recorded(path.join(root, 'photos', 'photo.jpg'), [path.join(root, 'photos')])]]),
    thumbnail: path.join(root, 'thumb.jpg'),
  });
  server = await startServer({ service: engine, port: 0, rendererDir: renderer });
  auth = { 'x-photo-search-token': server.token };
  host = `127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const post = (operation: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(server.port, {
    method: 'POST',
    path: `/api/${operation}`,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('startServer', () => {
  it('listens on the loopback address; its URL carries a random token in the fragment, which is never sent to a server', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('refuses to listen on %s', async (bindHost) => {
    await expect(startServer({ service: engine, port: 0, host: bindHost, rendererDir: path.join(root, 'renderer') })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('explains that the interface must be built when out/renderer is missing', async () => {
    await expect(startServer({ service: engine, port: 0, rendererDir: path.join(root, 'missing') })).rejects.toThrow(/not built/);
  });

  it('takes another port when the one it prefers is in use, if allowed to', async () => {
    const second = await startServer({ service: engine, port: server.port, anyPortIfBusy: true, rendererDir: path.join(root, 'renderer') });
    try {
      expect(second.port).not.toBe(server.port);
    } finally {
      await second.close();
    }
    await expect(startServer({ service: engine, port: server.port, rendererDir: path.join(root, 'renderer') })).rejects.toThrow(/in use/);
  });
});

describe('the access token', () => {
  const key = () => mediaKey(server.token);

  it.each([
    ['no token at all', {}],
    ['a wrong header', { 'x-photo-search-token': 'nope' }],
    ['a token of the right length but wrong', { 'x-photo-search-token': 'A'.repeat(43) }],
    ['the token in a cookie, which every server on 127.0.0.1 would receive', { cookie: `photo-search-token-PORT=TOKEN` }],
    ['the token in an old-style cookie name', { cookie: `photo-search-token=TOKEN` }],
  ])('refuses an API call with %s (403)', async (_case, headers) => {
    const filled = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(server.port)).replace('TOKEN', server.token)]));
    const res = await rawRequest(server.port, { method: 'POST', path: '/api/status', headers: { 'content-type': 'application/json', ...filled }, body: '{}' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'forbidden' });
    expect(engine.calls).toHaveLength(0);
  });

  it.each(['/', `/?token=TOKEN`, '/assets/app.js', '/index.html'])(
    'serves the page itself (%s), which holds no data, and never sets a cookie',
    async (requestPath) => {
      const res = await rawRequest(server.port, { path: requestPath.replace('TOKEN', server.token) });
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
    },
  );

  it('answers the contract to the token header', async () => {
    const res = await post('status', {});
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['a thumbnail', '/api/thumb/1?size=256&key=KEY', 200],
    ['a photo', '/api/photo/1?key=KEY', 200],
    ['a thumbnail with the token instead of the key', '/api/thumb/1?key=TOKEN', 403],
    ['a photo with a wrong key', `/api/photo/1?key=${'B'.repeat(43)}`, 403],
    ['a thumbnail with the key in a cookie', '/api/thumb/1', 403],
    ['the event stream with the key', '/api/events?key=KEY', 403],
    ['an operation with the key', '/api/status?key=KEY', 403],
  ])('lets <img> reach %s with the media key only where it is meant for (%s)', async (_case, requestPath, status) => {
    const res = await rawRequest(server.port, {
      path: requestPath.replace('KEY', key()).replace('TOKEN', server.token),
      headers: { cookie: `photo-search-token-${server.port}=${server.token}` },
    });
    expect(res.status).toBe(status);
  });

  it('does not accept the media key for operations', async () => {
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: `/api/status?key=${key()}`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('derives the media key from the token, so a leaked image address opens no operation', () => {
    expect(key()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key()).not.toBe(server.token);
    expect(mediaKey(server.token)).toBe(key());
  });
});

describe('the Host and Origin checks', () => {
  it.each([
    ['a rebound DNS name', 'evil.example'],
    ['a rebound name with the right port', 'evil.example:PORT'],
    ['another port', '127.0.0.1:1'],
    ['a look-alike', '127.0.0.1.evil.example:PORT'],
    ['the LAN address', '192.168.1.10:PORT'],
    ['the IPv6 loopback, which it does not listen on', '[::1]:PORT'],
  ])('refuses %s in Host (403)', async (_case, hostHeader) => {
    const res = await rawRequest(server.port, { path: '/', headers: { ...auth, host: hostHeader.replace('PORT', String(server.port)) } });
    expect(res.status).toBe(403);
  });

  it('refuses a request without Host', async () => {
    const res = await rawRequest(server.port, { path: '/', headers: auth, setHost: false });
    expect([400, 403]).toContain(res.status);
    expect(res.body).not.toContain('<title>Photo search');
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT'])('accepts Host %s', async (hostHeader) => {
    const res = await rawRequest(server.port, { path: '/', headers: { ...auth, host: hostHeader.replace('PORT', String(server.port)) } });
    expect(res.status).toBe(200);
  });

  it.each([
    ['another site', { origin: 'http://evil.example' }],
    ['the same host on another port', { origin: 'http://127.0.0.1:1' }],
    ['https to the same host', { origin: 'https://127.0.0.1:PORT' }],
    ['an opaque origin', { origin: 'null' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a POST from %s (403)', async (_case, headers) => {
    const res = await post('status', {}, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(server.port))])));
    expect(res.status).toBe(403);
  });

  it('accepts a POST from its own origin', async () => {
    const res = await post('status', {}, { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ photos: 1 });
  });
});

describe('security headers', () => {
  it('sends a strict CSP and nosniff with every response, refusals included', async () => {
    for (const res of [await rawRequest(server.port, { path: '/', headers: auth }), await rawRequest(server.port, { path: '/' }), await post('status', {})]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });
});

describe('POST /api/<operation>', () => {
  it('validates input with the contract schema: 400 with the schema message', async () => {
    const res = await post('photo', { id: 0 });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.code).toBe('invalid-input');
    expect(body.message).toMatch(/Invalid input for photo: .*id/s);
    expect(engine.calls.some((c) => c.name === 'photo')).toBe(false);
  });

  it('passes valid input through dispatch with its defaults filled in', async () => {
    const res = await post('search', { terms: [{ kind: 'text', text: 'red' }] });
    expect(res.status).toBe(200);
    expect(engine.calls.at(-1)).toMatchObject({ name: 'search', input: { terms: [{ kind: 'text', text: 'red', weight: 1 }], filters: {}, k: 50 } });
  });

  it.each([
    ['broken JSON', 'status', '{', {}, 400, /not valid JSON/],
    ['JSON of the wrong shape', 'search', '[1,2,3]', {}, 400, /Invalid input for search/],
    ['a string where an object is expected', 'addFolders', '"/etc"', {}, 400, /Invalid input/],
    ['a weight out of range', 'search', JSON.stringify({ terms: [{ kind: 'text', text: 'a', weight: 1e9 }] }), {}, 400, /Invalid input/],
    ['k over the limit', 'search', JSON.stringify({ terms: [{ kind: 'text', text: 'a' }], k: 1e9 }), {}, 400, /Invalid input/],
    ['a non-integer photo id', 'photo', JSON.stringify({ id: 1.5 }), {}, 400, /Invalid input/],
    ['a date in another format', 'search', JSON.stringify({ terms: [{ kind: 'text', text: 'a' }], filters: { after: '01/02/2020' } }), {}, 400, /YYYY-MM-DD/],
    [
      'a SQL-ish file type',
      'search',
      JSON.stringify({ terms: [{ kind: 'text', text: 'a' }], filters: { types: ["jpg') OR 1=1 --"] } }),
      {},
      400,
      /file extension/,
    ],
    ['a form post', 'status', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /application\/json/],
    ['text/plain (no CORS preflight)', 'status', '{}', { 'content-type': 'text/plain' }, 415, /application\/json/],
    ['an unknown operation', 'deleteEverything', '{}', {}, 404, /Unknown operation/],
    ['a prototype key as operation', '__proto__', '{}', {}, 404, /Unknown operation/],
    ['constructor as operation', 'constructor', '{}', {}, 404, /Unknown operation/],
    ['toString as operation', 'toString', '{}', {}, 404, /Unknown operation/],
  ])('answers %s with %#', async (_case, operation, body, headers, status, message) => {
    const res = await post(operation, body, headers);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).message).toMatch(message);
  });

  it('refuses a body over the limit (413) without reading it all', async () => {
    const res = await post('status', JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
  });

  it('answers GET on an operation with 404', async () => {
    const res = await rawRequest(server.port, { path: '/api/status', headers: auth });
    expect(res.status).toBe(404);
  });

  it('reports engine failures in the ApiErrorBody shape', async () => {
    const res = await post('index', {});
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'internal', message: expect.stringContaining('index not expected') });
  });
});

describe('GET /api/thumb/<id> and /api/photo/<id>', () => {
  it('serves the thumbnail of a known photo as JPEG', async () => {
    const res = await rawRequest(server.port, { path: '/api/thumb/1?size=256', headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
  });

  it('serves the original file of a known photo with its type', async () => {
    const res = await rawRequest(server.port, { path: '/api/photo/1', headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(Number(res.headers['content-length'])).toBe(JPEG.length);
  });

  it.each([
    '/api/thumb/2',
    '/api/thumb/999999999',
    '/api/thumb/0',
    '/api/thumb/-1',
    '/api/thumb/1.0',
    '/api/thumb/1e0',
    '/api/thumb/01',
    '/api/thumb/0x1',
    '/api/thumb/abc',
    '/api/thumb/99999999999999999999',
    '/api/thumb/%2e%2e',
    '/api/thumb/..%2f..%2fsecret.txt',
    '/api/thumb/%2Fetc%2Fpasswd',
    '/api/thumb/1/..',
    '/api/photo/2',
    '/api/photo/..%2fsecret.txt',
    '/api/photo/%2e%2e%2fphoto.jpg',
    '/api/photo/1%00',
    `/api/photo/${encodeURIComponent(path.join(os.tmpdir(), 'x'))}`,
  ])('answers 404 for %s', async (requestPath) => {
    const res = await rawRequest(server.port, { path: requestPath, headers: auth });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
  });

  it.each(['13', '256px', '-256', '1e3', '99999'])('refuses thumbnail size %s (400)', async (size) => {
    const res = await rawRequest(server.port, { path: `/api/thumb/1?size=${size}`, headers: auth });
    expect(res.status).toBe(400);
  });
});

describe('static files', () => {
  it('serves built assets with their type', async () => {
    const res = await rawRequest(server.port, { path: '/assets/app.js', headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/%2e%2e/renderer-private/secret.txt',
    '/..%2frenderer-private%2fsecret.txt',
    '/assets/leak.txt',
    '//etc/passwd',
    `/${encodeURIComponent(path.join(root ?? '', 'secret.txt'))}`,
    '/%00',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/assets',
    '/assets/',
  ])('refuses %s', async (requestPath) => {
    const res = await rawRequest(server.port, { path: requestPath, headers: auth });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body).not.toContain(SECRET);
  });

  it('refuses absolute paths to files outside (the request names no file outside out/renderer)', async () => {
    const res = await rawRequest(server.port, { path: `/${path.join(root, 'secret.txt')}`, headers: auth });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('refuses %s on the page (405)', async (method) => {
    const res = await rawRequest(server.port, { method, path: '/', headers: auth });
    expect(res.status).toBe(405);
  });
});

describe('GET /api/events', () => {
  it('streams engine events as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`http://${host}/api/events`, { headers: auth, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const progress: IndexProgress = {
      phase: 'embedding',
      found: 3,
      toEmbed: 3,
      embedded: 1,
      reused: 0,
      removed: 0,
      failed: 0,
      unchanged: 0,
      offline: [],
      photosPerSecond: 2,
      etaSeconds: 1,
      paused: false,
    };
    engine.events.emit('index-progress', progress);
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: index-progress\ndata: .*\n\n/.test(text)) text += decoder.decode((await reader.read()).value, { stream: true });
    const data = /event: index-progress\ndata: (.*)\n\n/.exec(text)![1];
    expect(JSON.parse(data)).toEqual(progress);
    controller.abort();
  });

  it('refuses the stream without the token', async () => {
    const res = await rawRequest(server.port, { path: '/api/events' });
    expect(res.status).toBe(403);
  });
});
