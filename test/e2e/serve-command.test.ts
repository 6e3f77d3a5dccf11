/**
 * `photo-search serve` as a user runs it: the real command in its own process,
 * on a fresh library with the tiny model, stopped with Ctrl-C.
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
let child: ChildProcess;
let stdout = '';
let stderr = '';
let url: URL;

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
  child = run(['serve', '--port', '0', '--library', path.join(tmp, 'library'), '--model', path.join(tmp, 'model')]);
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const printed = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${stdout}; stderr: ${stderr}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  url = new URL(printed);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('photo-search serve', () => {
  it('prints a loopback URL with a token, and the page opens with it', async () => {
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')!.split(';')[0];
    const page = await fetch(new URL('/', url), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
  });

  it('answers the contract to the token header', async () => {
    const token = url.searchParams.get('token')!;
    const res = await fetch(new URL('/api/status', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-photo-search-token': token },
      body: '{}',
    });
    expect(res.status).toBe(200);
    const status = (await res.json()) as LibraryStatus;
    expect(status.model?.dim).toBe(16);
    expect(status.folders).toEqual([]);
  });

  it('refuses a request without the token', async () => {
    expect((await fetch(new URL('/', url))).status).toBe(403);
  });

  it('is not reachable from the network', async () => {
    for (const address of outsideAddresses()) expect(await connects(address, Number(url.port)), address).toBe(false);
  });

  it('stops cleanly on Ctrl-C', async () => {
    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    expect(stderr).toContain('Stopping');
    expect(await connects('127.0.0.1', Number(url.port))).toBe(false);
  });

  it('explains a bad port', async () => {
    const bad = run(['serve', '--port', '99999', '--library', path.join(tmp, 'library')]);
    let err = '';
    bad.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exited(bad)).toBe(2);
    expect(err).toContain('--port must be a number from 0 to 65535');
  });
});
