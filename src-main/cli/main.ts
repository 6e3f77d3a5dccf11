import path from 'node:path';
import type { Filters, LibraryStatus, QueryTerm, SearchResult } from '../core/api/contract.ts';
import { dispatch } from '../core/api/dispatch.ts';
import { PhotoSearchService } from '../core/api/service.ts';
import { InputError, PhotoSearchError, errorMessage } from '../core/api/errors.ts';
import { defaultLibraryDir } from '../core/api/files.ts';
import { filterOptions, numberOption, parse } from './args.ts';
import { ProgressBar, summaryLine } from './progress-bar.ts';
import { modelsCommand } from './models-command.ts';
import { serve, serveOptions } from './serve.ts';
import { USAGE } from './usage.ts';

type Parsed = ReturnType<typeof parse<typeof filterOptions>>;

interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

const searchOptions = {
  ...filterOptions,
  image: { type: 'string', multiple: true },
  'image-weight': { type: 'string' },
  not: { type: 'string', multiple: true },
  'not-image': { type: 'string', multiple: true },
  'not-weight': { type: 'string' },
} as const;

const modelsOptions = {
  quantized: { type: 'boolean', default: false },
  id: { type: 'string' },
} as const;

/** Runs one command; returns the process exit code (0 ok, 1 failed, 2 bad usage). */
export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out.write(USAGE);
    return command ? 0 : 2;
  }
  let service: PhotoSearchService | null = null;
  try {
    const options =
      command === 'search' || command === 'similar' ? searchOptions : command === 'serve' ? serveOptions : command === 'models' ? modelsOptions : filterOptions;
    const args = parse(rest, options) as Parsed & { values: Record<string, unknown> };
    if (args.values.help) {
      io.out.write(USAGE);
      return 0;
    }
    const libraryDir = path.resolve(args.values.library ?? defaultLibraryDir());
    const run = commands[command];
    if (!run) throw new InputError(command, `Unknown command "${command}". Commands: ${Object.keys(commands).join(', ')}.`);
    service = PhotoSearchService.open({ libraryDir, modelDir: args.values.model });
    return await run(service, args, io);
  } catch (err) {
    const json = rest.includes('--json');
    if (json) io.out.write(`${JSON.stringify({ error: errorBody(err) })}\n`);
    else io.err.write(`photo-search: ${errorMessage(err)}\n`);
    return err instanceof InputError ? 2 : 1;
  } finally {
    await service?.close();
  }
}

function errorBody(err: unknown) {
  return err instanceof PhotoSearchError ? { code: err.code, message: err.message, subject: err.subject } : { code: 'internal', message: errorMessage(err) };
}

type Command = (service: PhotoSearchService, args: Parsed & { values: Record<string, unknown> }, io: Io) => Promise<number>;

const commands: Record<string, Command> = {
  index: (service, args, io) => runIndex(service, args.positionals, args.values.json, io),

  models: (service, args, io) =>
    modelsCommand(
      service,
      {
        positionals: args.positionals,
        json: args.values.json,
        quantized: args.values.quantized as boolean,
        id: args.values.id as string | undefined,
        reindex: () => runIndex(service, [], args.values.json, io),
      },
      io,
    ),

  async search(service, args, io) {
    const text = args.positionals.join(' ').trim();
    const images = (args.values.image as string[] | undefined) ?? [];
    if (!text && images.length === 0)
      throw new InputError('', 'Give a description to search for, or --image <file>. Example: photo-search search "a dog on the beach"');
    const imageWeight = numberOption('image-weight', args.values['image-weight'] as string | undefined, 0, 1) ?? 0.5;
    const terms: QueryTerm[] = [];
    const textShare = images.length ? 1 - imageWeight : 1;
    const imageShare = text ? imageWeight : 1;
    if (text) terms.push({ kind: 'text', text, weight: textShare });
    for (const file of images) terms.push({ kind: 'file', path: path.resolve(file), weight: imageShare / images.length });
    return runSearch(service, args, io, terms);
  },

  async similar(service, args, io) {
    if (args.positionals.length !== 1)
      throw new InputError(args.positionals.join(' '), 'Give one photo: a file path or a photo id. Example: photo-search similar ~/Pictures/IMG_1234.jpg');
    const target = args.positionals[0];
    const term: QueryTerm = /^\d+$/.test(target) ? { kind: 'photo', id: Number(target), weight: 1 } : { kind: 'file', path: path.resolve(target), weight: 1 };
    return runSearch(service, args, io, [term]);
  },

  async status(service, args, io) {
    const status = await service.status();
    io.out.write(args.values.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
    return 0;
  },

  async forget(service, args, io) {
    if (args.positionals.length !== 1) throw new InputError(args.positionals.join(' '), 'Give one library folder to forget. `photo-search status` lists them.');
    const result = await service.forgetFolder({ path: args.positionals[0] });
    io.out.write(
      args.values.json
        ? `${JSON.stringify(result)}\n`
        : `Forgot ${args.positionals[0]}: ${result.removedPhotos} photos removed from the library. No file was touched.\n`,
    );
    return 0;
  },

  serve: (service, args, io) => serve(service, args.values, io),
};

/** An indexing run with a progress bar on stderr; Ctrl-C stops after the batch in flight. */
async function runIndex(service: PhotoSearchService, paths: string[], json: boolean, io: Io): Promise<number> {
  const bar = new ProgressBar(io.err);
  const stopProgress = json ? () => {} : service.events.on('index-progress', (p) => bar.update(p));
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    io.err.write('\nStopping after the current batch… (Ctrl-C again to quit at once)\n');
    void service.cancelIndexing();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await service.index({ paths: paths.length ? paths : undefined });
    bar.finish();
    if (json) io.out.write(`${JSON.stringify(result)}\n`);
    else {
      io.out.write(`${summaryLine(result)}\n`);
      if (result.failed > 0) io.out.write('Files that could not be read are listed by `photo-search status`.\n');
    }
    return result.phase === 'cancelled' ? 130 : 0;
  } finally {
    stopProgress();
    process.off('SIGINT', onSigint);
  }
}

async function runSearch(service: PhotoSearchService, args: Parsed & { values: Record<string, unknown> }, io: Io, terms: QueryTerm[]): Promise<number> {
  const v = args.values;
  const notWeight = numberOption('not-weight', v['not-weight'] as string | undefined, 0, 4) ?? 0.5;
  for (const text of (v.not as string[] | undefined) ?? []) terms.push({ kind: 'text', text, weight: -notWeight });
  for (const file of (v['not-image'] as string[] | undefined) ?? []) terms.push({ kind: 'file', path: path.resolve(file), weight: -notWeight });
  const filters: Filters = {
    folders: v.folder?.map((f) => path.resolve(f)),
    after: v.after,
    before: v.before,
    types: v.type
      ?.flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean),
    camera: v.camera,
    hasGps: v['has-gps'],
  };
  const k = numberOption('k', v.k, 1, 100_000) ?? 20;
  const minScore = numberOption('min-score', v['min-score'], -1, 1);
  const result = (await dispatch(service, 'search', { terms, filters, k, minScore })) as SearchResult;
  io.out.write(v.json ? `${JSON.stringify(result)}\n` : formatResults(result));
  return 0;
}

function formatResults(result: SearchResult): string {
  if (result.hits.length === 0) return 'No photos match. Index a folder first (`photo-search index <folder>`) or loosen the filters.\n';
  return result.hits.map((h) => `${h.score.toFixed(3)}  ${h.path}`).join('\n') + '\n';
}

function formatStatus(s: LibraryStatus): string {
  const lines = [`Library: ${s.libraryDir}`, `Photos: ${s.photos}`];
  lines.push(s.model ? `Model: ${s.model.name} (${s.model.id}, ${s.model.dim}-d) at ${s.model.dir}` : `Model: none. ${s.modelProblem ?? ''}`);
  for (const c of s.coverage) lines.push(`  ${c.active ? '*' : ' '} ${c.modelId}: ${c.embedded} of ${s.photos} photos embedded`);
  if (s.model) lines.push(`Index: ${s.index.state}, ${s.index.vectors} vectors${s.index.detail ? ` (${s.index.detail})` : ''}`);
  lines.push(`Folders: ${s.folders.length === 0 ? 'none yet; add one with `photo-search index <folder>`' : ''}`);
  for (const f of s.folders) lines.push(`  ${f.path}: ${f.photos} photos${f.online ? '' : `, OFFLINE (${f.reason}); its photos are kept`}`);
  if (s.failures.length) {
    lines.push(`Files that could not be indexed (${s.failures.length}):`);
    for (const f of s.failures) lines.push(`  ${f.path}: ${f.reason}`);
  }
  return lines.join('\n') + '\n';
}
