/**
 * app://photo-search/: serves the built renderer. A custom standard scheme
 * gives the page a real origin (file:// pages share the opaque "null" origin
 * with every other local file), which is what the IPC sender check compares.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../core/api/errors.ts';
import { isWithin } from '../core/api/files.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'photo-search';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The file under `root` an app:// URL names, or null when it names nothing there. Pure: no file access. */
export function resolveAppAsset(raw: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password || url.port) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\') || relative.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  if (relative === '/' || relative === '') relative = '/index.html';
  const file = path.join(root, ...relative.split('/').filter(Boolean));
  return isWithin(root, file) && file !== root ? file : null;
}

// The callback forms, which Electron's asar support patches, so the packaged
// renderer inside app.asar resolves like any other folder.

export interface AppAssetSource {
  root: string;
  csp: string;
  serveFile: (file: string) => Promise<Response>;
  log: (message: string) => void;
}

export function createAppHandler({ root, csp, serveFile, log }: AppAssetSource): (request: Request) => Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
    const file = resolveAppAsset(request.url, root);
    if (!file) {
      log(`Refused ${request.url}: not a file of the app`);
      return notFound();
    }
    try {
      // A symlink inside the bundle must not lead out of it.
      const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
      if (!isWithin(realRoot, realFile) || !(await stat(realFile)).isFile()) return notFound();
      const served = await serveFile(realFile);
      const headers = new Headers(served.headers);
      headers.set('content-security-policy', csp);
      headers.set('x-content-type-options', 'nosniff');
      return new Response(served.body, { status: served.status, headers });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`Serving ${request.url} failed: ${errorMessage(err)}`);
      return notFound();
    }
  };
}
