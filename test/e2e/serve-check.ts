/**
 * CI's check that the browser mode works from a clean clone (run by .ci/run after
 * `npm ci`, before the tests build anything): starts `photo-search serve` on a new
 * library, fetches the page and one operation with the printed token, stops it
 * with Ctrl-C. Exits 0 when all of that worked.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The first run builds the interface; a slow CI machine gets time for that. */
const START_LIMIT_MS = 300_000;

class CheckFailed extends Error {}

function fail(why: string): never {
  throw new CheckFailed(why);
}

const library = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-serve-check-'));
const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'photo-search.js'), 'serve', '--port', '0', '--library', library], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
let err = '';
child.stdout.on('data', (d: Buffer) => (out += d.toString()));
child.stderr.on('data', (d: Buffer) => {
  err += d.toString();
  process.stderr.write(d);
});
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

try {
  const printed = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
    child.stdout.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${err.trim()}`)));
  });
  const url = new URL(printed);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';

  const page = await fetch(new URL('/', url));
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<div id="app">')) fail(`GET / answered ${page.status}`);

  const res = await fetch(new URL('/api/status', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-photo-search-token': token },
    body: '{}',
  });
  const status = (await res.json()) as { libraryDir?: string };
  if (res.status !== 200 || status.libraryDir !== library) fail(`POST /api/status answered ${res.status}: ${JSON.stringify(status).slice(0, 200)}`);

  child.kill('SIGINT');
  const code = await exited;
  if (code !== 0) fail(`serve exited with ${code} on Ctrl-C`);
  console.log(`serve check passed: ${url.origin} served the page and answered status`);
} catch (e) {
  console.error(`serve check failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(library, { recursive: true, force: true });
}
