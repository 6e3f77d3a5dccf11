import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppHandler, resolveAppAsset } from '../../../src-main/electron/app-protocol.ts';

const root = path.resolve('/opt/photo-search/out/renderer');

describe('resolveAppAsset', () => {
  it.each([
    ['app://photo-search/', 'index.html'],
    ['app://photo-search/index.html', 'index.html'],
    ['app://photo-search/assets/index-abc.js', 'assets/index-abc.js'],
    ['app://photo-search/assets/a%20b.css', 'assets/a b.css'],
    // The URL parser resolves dot segments, encoded or not, and never above the root.
    ['app://photo-search/%2e%2e/%2e%2e/assets/x.js', 'assets/x.js'],
    ['app://photo-search/../../../../etc/passwd', 'etc/passwd'],
  ])('%s -> %s', (url, file) => {
    expect(resolveAppAsset(url, root)).toBe(path.join(root, file));
  });

  it.each([
    ['another host', 'app://evil/index.html'],
    ['a look-alike host', 'app://photo-search.evil/index.html'],
    ['another scheme', 'file:///opt/photo-search/out/renderer/index.html'],
    ['credentials', 'app://u:p@photo-search/index.html'],
    ['a port', 'app://photo-search:1/index.html'],
    ['an encoded slash traversal', 'app://photo-search/..%2f..%2fmain%2findex.js'],
    ['an encoded backslash', 'app://photo-search/..%5c..%5cmain%5cindex.js'],
    ['a NUL byte', 'app://photo-search/index.html%00.png'],
    ['a broken escape', 'app://photo-search/%E0%A4%A'],
    ['not a URL', 'index.html'],
  ])('refuses %s', (_name, url) => {
    expect(resolveAppAsset(url, root)).toBeNull();
  });
});

describe('app:// handler', () => {
  let dir: string;
  let outside: string;
  const served: string[] = [];
  let handler: (request: Request) => Promise<Response>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-protocol-'));
    fs.mkdirSync(path.join(dir, 'renderer'));
    fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>');
    outside = path.join(dir, 'secret.txt');
    fs.writeFileSync(outside, 'secret');
    fs.symlinkSync(outside, path.join(dir, 'renderer', 'link.txt'));
    handler = createAppHandler({
      root: path.join(dir, 'renderer'),
      csp: "default-src 'self'",
      serveFile: async (file) => {
        served.push(file);
        return new Response(fs.readFileSync(file), { headers: { 'content-type': 'text/html' } });
      },
      log: () => {},
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the entry page with the CSP header', async () => {
    const res = await handler(new Request('app://photo-search/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await res.text()).toBe('<!doctype html>');
  });

  it('refuses a symlink that leads out of the bundle', async () => {
    expect((await handler(new Request('app://photo-search/link.txt'))).status).toBe(404);
    expect(served).not.toContain(outside);
  });

  it('answers 404 for a missing file and a directory', async () => {
    fs.mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
    expect((await handler(new Request('app://photo-search/missing.js'))).status).toBe(404);
    expect((await handler(new Request('app://photo-search/assets'))).status).toBe(404);
  });
});
