import { InputError } from '../../errors.ts';

/**
 * The proxy to use for `target`, from the conventional environment variables, or null for
 * a direct connection. Lowercase names win over uppercase ones (as in curl); an https target
 * falls back to HTTP_PROXY when HTTPS_PROXY is unset (as in Node's own EnvHttpProxyAgent).
 * Only plain-http proxies are supported: https targets go through a CONNECT tunnel.
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | null {
  const pick = (...names: string[]): { name: string; value: string } | null => {
    for (const name of names) {
      const value = env[name]?.trim();
      if (value) return { name, value };
    }
    return null;
  };
  const setting = target.protocol === 'https:' ? pick('https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY') : pick('http_proxy', 'HTTP_PROXY');
  if (!setting) return null;
  if (bypassesProxy(target, pick('no_proxy', 'NO_PROXY')?.value ?? '')) return null;

  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(setting.value) ? setting.value : `http://${setting.value}`;
  let proxy: URL;
  try {
    proxy = new URL(withScheme);
  } catch {
    throw new InputError(setting.value, `${setting.name}="${setting.value}" is not a valid proxy URL`);
  }
  if (proxy.protocol !== 'http:') {
    throw new InputError(
      setting.value,
      `${setting.name}="${setting.value}": only http:// proxies are supported (https targets are tunnelled through them with CONNECT)`,
    );
  }
  return proxy;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Hostname without the brackets URL keeps around IPv6 literals. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * NO_PROXY: comma or space separated; `*` matches everything; an entry matches the host
 * itself and its subdomains (a leading `.` or `*.` is ignored); `host:port` also checks the port.
 */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = bareHostname(target).toLowerCase();
  const port = defaultPort(target);
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      if (raw === '*') return true;
      let entry = raw.toLowerCase();
      let entryPort: string | null = null;
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
      if (bracketed) {
        entry = bracketed[1];
        entryPort = bracketed[2] ?? null;
      } else {
        const withPort = /^([^:]+):(\d+)$/.exec(entry);
        if (withPort) {
          entry = withPort[1];
          entryPort = withPort[2];
        }
      }
      if (entryPort !== null && entryPort !== port) return false;
      entry = entry.replace(/^\*?\./, '');
      return host === entry || host.endsWith(`.${entry}`);
    });
}

/** Basic credentials from a proxy URL (`http://user:pass@proxy:3128`), if it has any. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}
