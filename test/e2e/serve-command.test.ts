/**
 * `photo-search serve` as a user runs it: the real command in its own process,
 * on a fresh library with the tiny model, stopped with Ctrl-C; started again with
 * --open, with a stand-in for the system's browser launcher that records what
 * every local user could see of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryStatus } from '../../src-main/core/api/contract.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { ROOT, ensureRendererBuilt } from './build-renderer.ts';

const BIN = path.join(ROOT, 'bin', 'photo-search.js');

let tmp: string;
let first: Awaited<ReturnType<typeof started>>;
let child: ChildProcess;
let url: URL;

const URL_PRINTED = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/;

function run(args: string[], env: NodeJS.ProcessEnv = process.env, bin = BIN): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
}

/** Starts `serve` and waits for the address it prints. */
async function started(args: string[], env?: NodeJS.ProcessEnv, bin?: string): Promise<{ proc: ChildProcess; url: URL; out: () => string; err: () => string }> {
  const proc = run(args, env, bin);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const printed = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${out}; stderr: ${err}`)), 120_000);
    proc.stdout!.on('data', () => {
      const match = URL_PRINTED.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { proc, url: new URL(printed), out: () => out, err: () => err };
}

const tokenOf = (url: URL) => new URLSearchParams(url.hash.slice(1)).get('token')!;

async function stop(proc: ChildProcess): Promise<number | null> {
  proc.kill('SIGINT');
  return exited(proc);
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code))));
}

/** Addresses of this machine other than loopback, where the server must not answer. */
function outsideAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a.address);
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-serve-'));
  await Promise.all([ensureRendererBuilt(), writeTinyModel(path.join(tmp, 'model'))]);
  first = await started(['serve', '--port', '0', '--library', path.join(tmp, 'library'), '--model', path.join(tmp, 'model')]);
  child = first.proc;
  url = first.url;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('photo-search serve', () => {
  it('prints a loopback URL with the token in its fragment; the page itself opens without it and sets no cookie', async () => {
    expect(url.pathname).toBe('/');
    expect(url.search).toBe('');
    const page = await fetch(new URL('/', url));
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(await page.text()).toContain('<div id="app">');
  });

  it('answers the contract to the token header, and refuses it without', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(new URL('/api/status', url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    const res = await call({ 'x-photo-search-token': tokenOf(url) });
    expect(res.status).toBe(200);
    const status = (await res.json()) as LibraryStatus;
    expect(status.model?.dim).toBe(16);
    expect(status.folders).toEqual([]);
    expect((await call({})).status).toBe(403);
  });

  it('keeps the token in a file only the user can read', () => {
    const file = path.join(tmp, 'library', 'browser-session.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ token: tokenOf(url), port: Number(url.port) });
  });

  it('is not reachable from the network', async () => {
    for (const address of outsideAddresses()) expect(await connects(address, Number(url.port)), address).toBe(false);
  });

  it('stops cleanly on Ctrl-C', async () => {
    expect(await stop(child)).toBe(0);
    expect(first.err()).toContain('Stopping');
    expect(await connects('127.0.0.1', Number(url.port))).toBe(false);
  });

  it('comes back with the same token and port, so an open page reconnects', async () => {
    const again = await started(['serve', '--library', path.join(tmp, 'library'), '--model', path.join(tmp, 'model')]);
    try {
      expect(again.url.href).toBe(url.href);
    } finally {
      expect(await stop(again.proc)).toBe(0);
    }
  });

  it('with --open, starts the browser on a private page: the token is in no command line or environment', async () => {
    const bin = path.join(tmp, 'bin');
    const record = path.join(tmp, 'launched.json');
    fs.mkdirSync(bin, { recursive: true });
    // Stands in for xdg-open: records its arguments and environment, as `ps e` shows them to every user.
    fs.writeFileSync(
      path.join(bin, 'xdg-open'),
      `#!${process.execPath}\nconst fs = require('fs');\nfs.writeFileSync(${JSON.stringify(`${record}.tmp`)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env }));\nfs.renameSync(${JSON.stringify(`${record}.tmp`)}, ${JSON.stringify(record)});\n`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const opened = await started(['serve', '--open', '--library', path.join(tmp, 'library')], env);
    try {
      await expect.poll(() => fs.existsSync(record), { timeout: 20_000 }).toBe(true);
      const launched = JSON.parse(fs.readFileSync(record, 'utf8')) as { argv: string[]; env: Record<string, string> };
      const token = tokenOf(opened.url);
      expect(JSON.stringify(launched)).not.toContain(token);
      expect(fs.readFileSync(`/proc/${opened.proc.pid}/cmdline`, 'utf8')).not.toContain(token);
      expect(fs.readFileSync(`/proc/${opened.proc.pid}/environ`, 'utf8')).not.toContain(token);
      const [page] = launched.argv;
      expect(fs.statSync(page).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(page, 'utf8')).toContain(opened.url.href);
    } finally {
      expect(await stop(opened.proc)).toBe(0);
    }
  });

  it('explains a bad port', async () => {
    const bad = run(['serve', '--port', '99999', '--library', path.join(tmp, 'library')]);
    let err = '';
    bad.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exited(bad)).toBe(2);
    expect(err).toContain('--port must be a number from 0 to 65535');
  });
});

describe('photo-search serve on a fresh checkout', () => {
  it('builds the interface it has not got yet, then serves it', async () => {
    // A checkout as `git clone` leaves it, plus the installed node_modules: no out/ folder at all.
    const clone = path.join(tmp, 'clone');
    for (const entry of ['bin', 'src-main', 'src-renderer', 'models', 'package.json', 'electron.vite.config.ts', 'tsconfig.json']) {
      fs.cpSync(path.join(ROOT, entry), path.join(clone, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    const fresh = await started(
      ['serve', '--port', '0', '--library', path.join(tmp, 'clone-library')],
      process.env,
      path.join(clone, 'bin', 'photo-search.js'),
    );
    try {
      expect(fresh.err()).toContain('Building the interface');
      const page = await fetch(new URL('/', fresh.url));
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(new URL(script!, fresh.url))).status).toBe(200);
      expect(fs.existsSync(path.join(clone, 'out', 'renderer', 'index.html'))).toBe(true);
    } finally {
      expect(await stop(fresh.proc)).toBe(0);
    }
  });
});
