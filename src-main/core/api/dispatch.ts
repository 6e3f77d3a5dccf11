import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type z } from 'zod';
import { InputError, PhotoSearchError, errorMessage, type ErrorCode } from '../errors.ts';
import { operations, type ApiErrorBody, type OperationName, type OperationOutputs, type PhotoSearchApi } from './contract.ts';
import { inputProblems } from './input-problems.ts';

export function isOperation(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/** What an invalid input was, for the error's subject: short, and safe for input nested beyond the stack's depth. */
function excerpt(raw: unknown): string {
  try {
    return JSON.stringify(raw)?.slice(0, 200) ?? '';
  } catch {
    return '(input nested too deeply to show)';
  }
}

/**
 * A path as a person types or pastes it into a front end: surrounding spaces and one
 * pair of quotes (what "Copy as path" adds) are dropped, a file:// address becomes its
 * path, and `~` means the home folder of the user the engine runs as (a shell would
 * have expanded it on the command line; a text field does not). The result is
 * absolute and normalised. Throws InputError for a relative path: against the
 * engine's working folder it would mean something the user never saw.
 */
export function userPath(typed: string, home: string = os.homedir()): string {
  let value = typed.trim();
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  if (quoted) value = quoted[2].trim();
  if (/^file:\/\//i.test(value)) {
    try {
      value = fileURLToPath(value);
    } catch {
      throw new InputError(
        typed,
        `“${typed}” is not the address of a file on this computer. Give the folder's full path, for example ${path.join(home, 'Pictures')}.`,
      );
    }
  }
  if (value === '~' || value.startsWith('~/') || (path.sep === '\\' && value.startsWith('~\\'))) value = path.join(home, value.slice(1));
  if (!path.isAbsolute(value)) {
    throw new InputError(
      typed,
      `“${typed}” is not a full path. Give the whole path, starting at the top of the disk or at ~, for example ${path.join(home, 'Pictures')}.`,
    );
  }
  return path.resolve(value);
}

type Parsed<N extends OperationName> = z.output<(typeof operations)[N]['input']>;

/** Every path an operation takes from a person, read with userPath. */
const PATH_FIELDS: { [N in OperationName]?: (input: Parsed<N>) => Parsed<N> } = {
  addFolders: (input) => ({ ...input, paths: input.paths.map((p) => userPath(p)) }),
  forgetFolder: (input) => ({ ...input, path: userPath(input.path) }),
  index: (input) => (input.paths ? { ...input, paths: input.paths.map((p) => userPath(p)) } : input),
  importModel: (input) => ({ ...input, path: userPath(input.path) }),
  search: (input) => ({
    ...input,
    terms: input.terms.map((term) => (term.kind === 'file' ? { ...term, path: userPath(term.path) } : term)),
    filters: input.filters.folders ? { ...input.filters, folders: input.filters.folders.map((p) => userPath(p)) } : input.filters,
  }),
};

function validate<N extends OperationName>(name: N, rawInput: unknown): Parsed<N> {
  let parsed: z.ZodSafeParseResult<Parsed<N>>;
  try {
    parsed = operations[name].input.safeParse(rawInput ?? {}) as z.ZodSafeParseResult<Parsed<N>>;
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(excerpt(rawInput), `Invalid input for ${name}: it is nested too deeply.`);
    throw err;
  }
  if (!parsed.success) throw new InputError(excerpt(rawInput), `Invalid input for ${name}: ${inputProblems(parsed.error)}`);
  const readPaths = PATH_FIELDS[name];
  return readPaths ? readPaths(parsed.data) : parsed.data;
}

/**
 * The boundary every front end goes through: the operation must be in the
 * contract and its input must match the schema before the service sees it.
 * Paths typed by a person are read as they meant them (userPath).
 */
export async function dispatch(api: PhotoSearchApi, name: string, rawInput: unknown): Promise<OperationOutputs[OperationName]> {
  if (!isOperation(name)) throw new InputError(name, `Unknown operation "${name}".`);
  const input = validate(name, rawInput);
  const call = api[name] as (input: unknown) => Promise<OperationOutputs[OperationName]>;
  return call.call(api, input);
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof PhotoSearchError) return { code: err.code, message: err.message, subject: err.subject };
  return { code: 'internal', message: errorMessage(err) };
}

/**
 * HTTP status per error code: 4xx for what the request asked that cannot be done
 * (an image term that is not a readable image is the client's, 422), 5xx for faults
 * of the engine or of a server it depends on.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'invalid-input': 400,
  'not-found': 404,
  'model-missing': 409,
  'folder-offline': 409,
  'library-newer': 409,
  'decode-failed': 422,
  'unsupported-format': 422,
  'file-unreadable': 422,
  'too-large': 422,
  'model-download-failed': 502,
};

export function statusFor(body: ApiErrorBody): number {
  return STATUS[body.code as ErrorCode] ?? 500;
}
