import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from './browser-session.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A page that sends the browser to `url` (which carries the token in its fragment),
 * written into the library folder readable by the user alone. `serve --open` starts
 * the browser on this file instead of the URL: every local user can read every
 * process's command line, but not this file. Returns the file's path.
 */
export async function writeOpenPage(libraryDir: string, port: number, url: string): Promise<string> {
  const file = path.join(libraryDir, `open-in-browser-${port}.html`);
  const href = escapeHtml(url);
  await writePrivateFile(
    file,
    [
      '<!doctype html>',
      '<html lang="en">',
      '<meta charset="utf-8">',
      '<meta name="referrer" content="no-referrer">',
      `<meta http-equiv="refresh" content="0; url=${href}">`,
      '<title>Photo search</title>',
      `<p>Opening Photo search… If nothing happens, <a href="${href}">open it here</a>.</p>`,
      '',
    ].join('\n'),
  );
  return file;
}

export async function removeOpenPage(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
}
