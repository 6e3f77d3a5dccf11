import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import type { PhotoSearchService } from '../core/api/service.ts';
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

const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

function openInBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['explorer.exe', [url]] : ['xdg-open', [url]];
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

/** `photo-search serve`: the desktop interface in a browser on this machine, until Ctrl-C. */
export async function serve(service: PhotoSearchService, values: Record<string, unknown>, io: ServeIo): Promise<number> {
  const port = numberOption('port', values.port as string | undefined, 0, 65535) ?? 0;
  const server = await startServer({ service, port, rendererDir: RENDERER_DIR });
  io.out.write(`Photo search is open at ${server.url}\nOnly this machine can reach it; the link carries this run's access token. Ctrl-C stops it.\n`);
  if (values.open) openInBrowser(server.url);
  await untilStopped();
  io.err.write('Stopping…\n');
  await server.close();
  return 0;
}
