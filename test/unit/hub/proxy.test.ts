import { describe, expect, it } from 'vitest';
import { InputError, ModelError } from '../../../src-main/core/errors.ts';
import { installModel, proxyFor } from '../../../src-main/core/models/hub/index.ts';
import { fakeEntry, startFakeHub, startForwardProxy, type FakeHub, type ForwardProxy } from '../../fixtures/fake-hub.ts';
import { useHubScratch } from './hub-scratch.ts';

const scratch = useHubScratch();

let hub: FakeHub | undefined;
let proxy: ForwardProxy | undefined;

describe('installing through a proxy', () => {
  it('sends every request through HTTP_PROXY when it is set', async () => {
    hub = scratch.closeAfter(await startFakeHub({ redirectLfs: true }));
    proxy = scratch.closeAfter(await startForwardProxy());
    process.env.HTTP_PROXY = proxy.url;
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });

    expect(result.revision).toBe(hub.sha);
    expect(proxy.forwarded.length).toBe(hub.requests.length);
    expect(proxy.forwarded.some((url) => url.startsWith(`${hub!.url}/api/models/`))).toBe(true);
    expect(proxy.forwarded.some((url) => url.startsWith(`${hub!.url}/cdn/`))).toBe(true);
    expect(proxy.forwarded.every((url) => url.startsWith(hub!.url))).toBe(true);
  });

  it('connects directly to hosts listed in NO_PROXY', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    proxy = scratch.closeAfter(await startForwardProxy());
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'example.org, 127.0.0.1';
    await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });
    expect(proxy.forwarded).toEqual([]);
  });

  it('tunnels https requests with CONNECT and still verifies the server certificate', async () => {
    // The fake hub speaks plain http, so the TLS handshake inside the tunnel must fail: proof
    // that the request went through the tunnel and that no unverified connection was accepted.
    hub = scratch.closeAfter(await startFakeHub());
    proxy = scratch.closeAfter(await startForwardProxy());
    process.env.HTTPS_PROXY = proxy.url;
    const authority = new URL(hub.url).host;
    const err = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: `https://${authority}`, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/Could not open a secure connection to 127\.0\.0\.1/);
    expect(proxy.forwarded).toContain(`CONNECT ${authority}`);
    expect(hub.requests.some((r) => r.url.startsWith('/api/'))).toBe(false);
  });

  it('says the proxy is unreachable, not the hub, when the proxy is down', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    proxy = scratch.closeAfter(await startForwardProxy());
    const deadProxy = proxy.url;
    await proxy.close();
    proxy = undefined;
    process.env.HTTP_PROXY = deadProxy;
    await expect(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url })).rejects.toThrow(
      new RegExp(`through the proxy ${new URL(deadProxy).host.replace(/\./g, '\\.')}.*models import`),
    );
  });
});

describe('proxyFor', () => {
  const cases: { name: string; target: string; env: NodeJS.ProcessEnv; expected: string | null }[] = [
    { name: 'no settings', target: 'https://huggingface.co/x', env: {}, expected: null },
    { name: 'https target uses HTTPS_PROXY', target: 'https://huggingface.co/x', env: { HTTPS_PROXY: 'http://p:3128' }, expected: 'http://p:3128/' },
    { name: 'https target falls back to HTTP_PROXY', target: 'https://huggingface.co/x', env: { HTTP_PROXY: 'http://p:8080' }, expected: 'http://p:8080/' },
    { name: 'http target ignores HTTPS_PROXY', target: 'http://mirror.local/x', env: { HTTPS_PROXY: 'http://p:3128' }, expected: null },
    { name: 'lowercase wins', target: 'http://h/x', env: { http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:2' }, expected: 'http://low:1/' },
    { name: 'scheme-less value means http', target: 'https://h/x', env: { HTTPS_PROXY: 'p.corp:3128' }, expected: 'http://p.corp:3128/' },
    { name: 'empty value is unset', target: 'https://h/x', env: { HTTPS_PROXY: '  ' }, expected: null },
    { name: 'NO_PROXY * bypasses all', target: 'https://huggingface.co/x', env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, expected: null },
    {
      name: 'NO_PROXY domain covers subdomains',
      target: 'https://cdn-lfs.huggingface.co/x',
      env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'huggingface.co' },
      expected: null,
    },
    { name: 'NO_PROXY leading dot', target: 'https://cdn.huggingface.co/x', env: { HTTPS_PROXY: 'http://p:1', no_proxy: '.huggingface.co' }, expected: null },
    {
      name: 'NO_PROXY is not a substring match',
      target: 'https://nothuggingface.co/x',
      env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'huggingface.co' },
      expected: 'http://p:1/',
    },
    {
      name: 'NO_PROXY port must match',
      target: 'https://h.example/x',
      env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'h.example:8443' },
      expected: 'http://p:1/',
    },
    { name: 'NO_PROXY port matches default', target: 'https://h.example/x', env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'h.example:443' }, expected: null },
    { name: 'NO_PROXY IPv6 literal', target: 'http://[::1]:9/x', env: { HTTP_PROXY: 'http://p:1', NO_PROXY: '[::1]' }, expected: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(proxyFor(new URL(c.target), c.env)?.href ?? null).toBe(c.expected);
    });
  }

  it('refuses proxy kinds it cannot speak, naming the variable', () => {
    expect(() => proxyFor(new URL('https://h/x'), { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(InputError);
    expect(() => proxyFor(new URL('https://h/x'), { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(/HTTPS_PROXY/);
  });
});
