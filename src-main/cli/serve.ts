import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import type { PhotoSearchService } from '../core/api/service.ts';
import { loadBrowserSession, saveBrowserSession } from '../server/browser-session.ts';
import { ensureInterfaceBuilt } from '../server/interface-build.ts';
import { removeOpenPage, writeOpenPage } from '../server/open-page.ts';
import { startServer } from '../server/server.ts';
import { numberOption } from './args.ts';

export const serveOptions = {
  port: { type: 'string', short: 'p' },
  open: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

interface ServeIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** Starts the user's browser on a file: its name, never the token, is all other users see of the command line. */
export function openInBrowser(file: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['explorer.exe', [file]] : ['xdg-open', [file]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `photo-search serve`: the desktop interface in a browser on this machine, until
 * Ctrl-C. The library keeps its token and port from one run to the next
 * (browser-session.ts), so an open page reconnects after a restart; the interface
 * is built first when needed (interface-build.ts).
 */
export async function serve(
  service: PhotoSearchService,
  values: Record<string, unknown>,
  io: ServeIo,
  open: (file: string) => void = openInBrowser,
): Promise<number> {
  const requested = numberOption('port', values.port as string | undefined, 0, 65535);
  const libraryDir = service.paths.dir;
  const session = await loadBrowserSession(libraryDir);
  const rendererDir = await ensureInterfaceBuilt(() => io.err.write('Building the interface (once, and after it changes; this takes a little while)…\n'));
  const server = await startServer({
    service,
    port: requested ?? session.port ?? 0,
    anyPortIfBusy: requested === undefined,
    rendererDir,
    token: session.token,
  });
  await saveBrowserSession(libraryDir, { token: server.token, port: server.port });
  const page = await writeOpenPage(libraryDir, server.port, server.url);
  // Listening before the address is printed: whoever reads it may press Ctrl-C at once.
  const stopped = untilStopped();
  try {
    io.out.write(
      [
        `Photo search is serving ${libraryDir} at ${server.origin}`,
        `To open it, open this page in your browser (only you can read it; it carries the access token): ${pathToFileURL(page).href}`,
        `or go to ${server.url}`,
        'Only this machine can reach it, and only with the token. Ctrl-C stops it.',
        '',
      ].join('\n'),
    );
    if (values.open) open(page);
    await stopped;
    io.err.write('Stopping…\n');
    await server.close();
  } finally {
    await removeOpenPage(page);
  }
  return 0;
}
