import fs from 'node:fs';
import path from 'node:path';

/**
 * Maps a URL path to a file of the built renderer, or null. The only place a
 * request path becomes a file path: it is decoded once, resolved under the root,
 * and the real path (symlinks followed) must still lie inside the real root.
 */
export async function resolveStaticFile(rootReal: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = path.resolve(rootReal, relative);
  let real: string;
  try {
    real = await fs.promises.realpath(candidate);
  } catch {
    return null;
  }
  const rel = path.relative(rootReal, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  const stat = await fs.promises.stat(real).catch(() => null);
  return stat?.isFile() ? real : null;
}
