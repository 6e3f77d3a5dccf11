import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { newToken } from './security.ts';

/**
 * The browser mode's access for one library: its token and the port it last used.
 * Both stay the same from one `serve` to the next, so a page left open reconnects
 * to a restarted server by itself. Kept in a file only the user can read.
 */
export interface BrowserSession {
  token: string;
  /** The port of the last run; null before the first. */
  port: number | null;
}

export const SESSION_FILE = 'browser-session.json';

const sessionSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  port: z.number().int().min(1).max(65535).nullable(),
});

/** Readable by its owner alone; POSIX modes mean nothing on Windows, where the user profile's ACL protects it. */
function privateToOwner(stat: fs.Stats): boolean {
  if (process.platform === 'win32') return true;
  return stat.uid === process.getuid?.() && (stat.mode & 0o077) === 0;
}

/**
 * The library's session, or a fresh one (new token, no port) when there is none or
 * the file cannot be trusted: not a regular file of ours, readable by others (the
 * token may have leaked), or not in the expected shape.
 */
export async function loadBrowserSession(libraryDir: string): Promise<BrowserSession> {
  const file = path.join(libraryDir, SESSION_FILE);
  try {
    const stat = await fs.promises.lstat(file);
    if (stat.isFile() && privateToOwner(stat)) {
      const parsed = sessionSchema.safeParse(JSON.parse(await fs.promises.readFile(file, 'utf8')));
      if (parsed.success) return parsed.data;
    }
  } catch {
    // Missing or unreadable: start a new session.
  }
  return { token: newToken(), port: null };
}

/**
 * Writes the session so that no other user can read it at any moment: a new file
 * created with mode 0600, flushed, then renamed over the old one.
 */
export async function saveBrowserSession(libraryDir: string, session: BrowserSession): Promise<void> {
  const file = path.join(libraryDir, SESSION_FILE);
  await writePrivateFile(file, `${JSON.stringify(session)}\n`);
}

/** Creates `file` with `text`, readable and writable by its owner only, replacing what was there atomically. */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.rm(tmp, { force: true });
  const handle = await fs.promises.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}
