import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { HeldRemoval, LibraryStatus, QueryTerm, SearchHit, SearchResult } from '../core/api/contract.ts';
import { DEFAULT_EXCLUDE_WEIGHT, flagsToQuery, parseQuery, toSearchInput } from '../core/api/query-language.ts';
import { dispatch } from '../core/api/dispatch.ts';
import { PhotoSearchService } from '../core/api/service.ts';
import { InputError, PhotoSearchError, errorMessage } from '../core/api/errors.ts';
import { defaultLibraryDir, displayPath } from '../core/api/files.ts';
import { filterOptions, numberOption, parse } from './args.ts';
import { ProgressBar, summaryLine } from './progress-bar.ts';
import { formatCpu } from './int8-notes.ts';
import { albumsCommand, albumsOptions } from './albums-command.ts';
import { duplicatesCommand, duplicatesOptions } from './duplicates-command.ts';
import { labelsCommand } from './labels-command.ts';
import { textCommand } from './text-command.ts';
import { evalCommand, evalOptions } from './eval-command.ts';
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
  like: { type: 'string', multiple: true },
  unlike: { type: 'string', multiple: true },
  sort: { type: 'string' },
  offset: { type: 'string' },
} as const;

const indexOptions = {
  ...filterOptions,
  'retry-failed': { type: 'boolean', default: false },
  'allow-removals': { type: 'boolean', default: false },
} as const;

const modelsOptions = {
  quantized: { type: 'boolean', default: false },
  id: { type: 'string' },
} as const;

/** The flags each command takes besides the global ones; the others take the filter flags. */
const OPTIONS_OF: Partial<Record<string, NonNullable<ParseArgsConfig['options']>>> = {
  search: searchOptions,
  similar: searchOptions,
  serve: serveOptions,
  models: modelsOptions,
  index: indexOptions,
  eval: evalOptions,
  duplicates: duplicatesOptions,
  albums: albumsOptions,
  labels: {},
  text: {},
};

/** Runs one command; returns the process exit code (0 ok, 1 failed, 2 bad usage). */
export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out.write(USAGE);
    return command ? 0 : 2;
  }
  let service: PhotoSearchService | null = null;
  try {
    const options = OPTIONS_OF[command] ?? filterOptions;
    const args = parse(rest, options, { queryWords: command === 'search' || command === 'similar' }) as Parsed & { values: Record<string, unknown> };
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
  index: (service, args, io) =>
    runIndex(service, args.positionals, args.values.json, io, args.values['retry-failed'] === true, args.values['allow-removals'] === true),

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

  search: (service, args, io) => runSearch(service, args, io, []),

  async similar(service, args, io) {
    if (args.positionals.length < 1)
      throw new InputError('', 'Give one photo: a file path or a photo id. Example: photo-search similar ~/Pictures/IMG_1234.jpg');
    const [target, ...words] = args.positionals;
    const term: QueryTerm = /^\d+$/.test(target) ? { kind: 'photo', id: Number(target), weight: 1 } : { kind: 'file', path: path.resolve(target), weight: 1 };
    return runSearch(service, { ...args, positionals: words }, io, [term]);
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

  eval: (service, args, io) => evalCommand(service, args.positionals, args.values, io),

  duplicates: (service, args, io) => duplicatesCommand(service, args.values, io),

  albums: (service, args, io) => albumsCommand(service, args.positionals, args.values, io),

  labels: (service, args, io) => labelsCommand(service, args.positionals, args.values.json, io),

  text: (service, args, io) => textCommand(service, args.positionals, args.values.json, io),
};

/** An indexing run with a progress bar on stderr; Ctrl-C stops after the batch in flight. */
async function runIndex(service: PhotoSearchService, paths: string[], json: boolean, io: Io, retryFailed = false, allowRemovals = false): Promise<number> {
  const bar = new ProgressBar(io.err);
  const stopBar = json ? () => {} : service.events.on('index-progress', (p) => bar.update(p));
  // Said on stderr even with --json: a run that seems stuck must say what it waits for.
  const stopWaitNote = service.events.on('index-progress', (p) => {
    if (p.phase === 'waiting')
      io.err.write(`photo-search: the library is being written by ${p.waitingFor}; waiting for it to finish (Ctrl-C stops waiting).\n`);
  });
  const stopProgress = () => {
    stopBar();
    stopWaitNote();
  };
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    io.err.write('\nStopping after the current batch… (Ctrl-C again to quit at once)\n');
    void service.cancelIndexing();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await service.index({ paths: paths.length ? paths : undefined, retryFailed, allowRemovals });
    bar.finish();
    if (json) io.out.write(`${JSON.stringify(result)}\n`);
    else {
      io.out.write(`${summaryLine(result)}\n`);
      if (result.failed > 0) io.out.write('Files that could not be read are listed by `photo-search status`.\n');
      for (const held of result.held ?? []) io.out.write(formatHeld(held));
    }
    return result.phase === 'cancelled' ? 130 : 0;
  } finally {
    stopProgress();
    process.off('SIGINT', onSigint);
  }
}

/** --like and --unlike take photo ids and files: the ids, and the files as terms of `weight`. */
function examplesOf(values: readonly string[] | undefined, weight: number): { ids: number[]; files: QueryTerm[] } {
  const all = values ?? [];
  return {
    ids: all.filter((v) => /^\d+$/.test(v)).map(Number),
    files: all.filter((v) => !/^\d+$/.test(v)).map((f): QueryTerm => ({ kind: 'file', path: path.resolve(f), weight })),
  };
}

/**
 * `search` and `similar`: the typed words and the flags go through the query
 * language (flags are aliases of its operators), example photos and image files
 * become terms, and the answer is printed matches first.
 */
async function runSearch(service: PhotoSearchService, args: Parsed & { values: Record<string, unknown> }, io: Io, examples: QueryTerm[]): Promise<number> {
  const v = args.values;
  const notWeight = numberOption('not-weight', v['not-weight'] as string | undefined, 0, 4) ?? DEFAULT_EXCLUDE_WEIGHT;
  const flags = flagsToQuery({
    after: v.after,
    before: v.before,
    folders: v.folder?.map((f) => path.resolve(f)),
    types: v.type,
    camera: v.camera,
    hasGps: v['has-gps'],
    not: v.not as string[] | undefined,
    sort: v.sort as string | undefined,
  });
  const typedQuery = `${flags} ${args.positionals.join(' ')}`;
  const parsed = parseQuery(typedQuery);
  // The search box runs what it can and explains the rest in place; a script is better served by a clear stop.
  if (parsed.problems.length) throw new InputError(typedQuery.trim(), parsed.problems.map((p) => p.message).join(' '));
  const query = toSearchInput(parsed, { excludeWeight: notWeight });

  const liked = examplesOf([...((v.like as string[] | undefined) ?? []), ...((v.image as string[] | undefined) ?? [])], 1);
  const unliked = examplesOf(v.unlike as string[] | undefined, -notWeight);
  const likeIds = [...query.examples.like, ...liked.ids, ...examples.flatMap((t) => (t.kind === 'photo' ? [t.id] : []))];
  const likeFiles = [...liked.files, ...examples.filter((t) => t.kind === 'file')];
  const imageWeight = numberOption('image-weight', v['image-weight'] as string | undefined, 0, 1) ?? 0.5;
  const withExamples = likeIds.length + likeFiles.length > 0;
  const share = query.description && withExamples ? imageWeight : 1;
  const terms: QueryTerm[] = [
    ...query.terms,
    // Every example, file or photo id, gets an equal part of the examples' share.
    ...likeFiles.map((t) => ({ ...t, weight: share / (likeFiles.length + likeIds.length) })),
    ...unliked.files,
    ...((v['not-image'] as string[] | undefined) ?? []).map((f): QueryTerm => ({ kind: 'file', path: path.resolve(f), weight: -notWeight })),
  ];
  const asked = query.description || terms.length || likeIds.length || query.phrases.length || query.dateWords.length;
  if (!asked && !Object.keys(query.filters).length) {
    throw new InputError(args.positionals.join(' '), 'Give a description to search for, or --image <file>. Example: photo-search search "a dog on the beach"');
  }
  const input = {
    description: query.description,
    descriptionWeight: query.description && withExamples ? 1 - imageWeight : 1,
    terms,
    examples: {
      like: likeIds,
      unlike: [...query.examples.unlike, ...unliked.ids],
      weight: (share * likeIds.length) / Math.max(1, likeIds.length + likeFiles.length),
    },
    phrases: query.phrases,
    dateWords: query.dateWords,
    filters: query.filters,
    sort: query.sort,
    minScore: numberOption('min-score', v['min-score'], -1, 1),
    offset: numberOption('offset', v.offset as string | undefined, 0, 100_000_000) ?? 0,
  };
  const pageSize = numberOption('k', v.k, 1, 100_000);
  const first = (await dispatch(service, 'search', { ...input, k: pageSize ?? MIN_LISTED })) as SearchResult;
  // Without -k every match is listed, and a few weaker ones when there are hardly any.
  const result =
    pageSize === undefined && first.matches > first.hits.length ? ((await dispatch(service, 'search', { ...input, k: first.matches })) as SearchResult) : first;
  io.out.write(v.json ? `${JSON.stringify(result)}\n` : formatResults(result));
  return 0;
}

/** Photos listed without -k when there are fewer matches: the best weaker ones, so a search never comes back blank. */
const MIN_LISTED = 10;

function formatHit(h: SearchHit): string {
  const score = h.score === null ? '     ' : h.score.toFixed(3);
  const why = h.reasons.length ? `  (${h.reasons.map((r) => r.text).join('; ')})` : '';
  return `${h.strength.padEnd(6)} ${score}  ${h.displayPath ?? h.path}${why}`;
}

function formatResults(result: SearchResult): string {
  if (result.total === 0) return 'No photos in the library match these filters. Index a folder first (`photo-search index <folder>`) or loosen the filters.\n';
  const matchesHere = Math.max(0, Math.min(result.hits.length, result.matches - result.offset));
  const lines: string[] = [];
  if (result.offset === 0)
    lines.push(result.matches === 0 ? 'No close matches. The nearest photos:' : `${result.matches} ${result.matches === 1 ? 'match' : 'matches'}:`);
  lines.push(...result.hits.slice(0, matchesHere).map(formatHit));
  const weaker = result.hits.slice(matchesHere);
  if (weaker.length && result.matches > 0) lines.push('Weaker matches:');
  lines.push(...weaker.map(formatHit));
  const shown = result.offset + result.hits.length;
  if (result.hits.length === 0 && result.offset > 0) lines.push(`(The list ends at ${result.total}; --offset ${result.offset} is past it.)`);
  else if (shown < result.total) lines.push(`(${result.total - shown} more; see them with --offset ${shown} -k <count>)`);
  if (result.unindexed > 0) {
    lines.push(
      `(${result.unindexed} ${result.unindexed === 1 ? 'photo is' : 'photos are'} not indexed with ${result.model} yet: only names, places, dates and words in photos can find ${result.unindexed === 1 ? 'it' : 'them'}. Run \`photo-search index\` to index them.)`,
    );
  }
  return lines.join('\n') + '\n';
}

function formatStatus(s: LibraryStatus): string {
  const lines = [`Library: ${s.libraryDir}`, `Photos: ${s.photos}`];
  lines.push(s.model ? `Model: ${s.model.name} (${s.model.id}, ${s.model.dim}-d) at ${s.model.dir}` : `Model: none. ${s.modelProblem ?? ''}`);
  for (const c of s.coverage) lines.push(`  ${c.active ? '*' : ' '} ${c.modelId}: ${c.embedded} of ${s.photos} photos embedded`);
  if (s.model) lines.push(`Index: ${s.index.state}, ${s.index.vectors} vectors${s.index.detail ? ` (${s.index.detail})` : ''}`);
  lines.push(formatCpu(s.cpu));
  const words = s.textReading;
  lines.push(
    words.enabled
      ? `Words in photos: ${words.read} of ${s.photos} photos read, text found in ${words.withText}${words.failed ? `, ${words.failed} could not be read` : ''}`
      : 'Words in photos: reading is off (`photo-search text on` turns it on)',
  );
  lines.push(`Folders: ${s.folders.length === 0 ? 'none yet; add one with `photo-search index <folder>`' : ''}`);
  for (const f of s.folders) lines.push(`  ${f.displayPath ?? f.path}: ${f.photos} photos${f.online ? '' : `, OFFLINE (${f.reason}); its photos are kept`}`);
  if (s.failures.length) {
    lines.push(`Files that could not be indexed (${s.failures.length}):`);
    for (const f of s.failures) lines.push(`  ${f.displayPath ?? f.path}: ${f.reason}`);
  }
  const status = lines.join('\n') + '\n';
  return status + (s.heldRemovals ?? []).map(formatHeld).join('');
}

/** Photos kept although no longer found: what they are, and the flag that removes them. */
function formatHeld(held: HeldRemoval): string {
  const examples = held.examples.map((p) => `  ${displayPath(p)}\n`).join('');
  const more = held.photos > held.examples.length ? `  … and ${held.photos - held.examples.length} more\n` : '';
  return `${held.reason}\n${examples}${more}To remove them from the library, run \`photo-search index --allow-removals\`.\n`;
}
