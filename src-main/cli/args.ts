import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../core/api/errors.ts';

export const globalOptions = {
  library: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export const filterOptions = {
  k: { type: 'string', short: 'k' },
  'min-score': { type: 'string' },
  after: { type: 'string' },
  before: { type: 'string' },
  folder: { type: 'string', multiple: true },
  type: { type: 'string', multiple: true },
  camera: { type: 'string' },
  'has-gps': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Parses a command's arguments. With `queryWords`, an argument like `-people` or
 * `-"at night"` is one of the query language's negative terms, not a flag: such words
 * are read as positionals (after `--`, where parseArgs takes everything as one; a
 * negative term means the same wherever it stands in the query).
 * @throws InputError for an unknown flag or a flag without its value
 */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, { queryWords = false } = {}) {
  const all = { ...globalOptions, ...options };
  try {
    return parseArgs({ args: queryWords ? negativeTermsLast(args, all) : args, options: all, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(args.join(' '), `${(err as Error).message}. See \`photo-search --help\`.`);
  }
}

function negativeTermsLast(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const shorts = new Map(Object.values(options).flatMap((o) => (o.short ? [[o.short, o.type] as const] : [])));
  const takesValue = (arg: string): boolean => {
    if (/^-[^-]$/.test(arg)) return shorts.get(arg[1]) === 'string';
    const long = /^--([^=]+)$/.exec(arg);
    return long !== null && options[long[1]]?.type === 'string';
  };
  const flags: string[] = [];
  const terms: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      terms.push(...args.slice(i + 1));
      break;
    }
    // A single dash before a word that is not one of the command's one-letter flags (-k, -h): "-people", "-at night".
    if (/^-[^-\d]/.test(arg) && !(arg.length === 2 && shorts.has(arg[1]))) {
      terms.push(/\s/.test(arg) ? `-"${arg.slice(1)}"` : arg);
      continue;
    }
    flags.push(arg);
    if (takesValue(arg) && i + 1 < args.length) flags.push(args[++i]);
  }
  return terms.length > 0 ? [...flags, '--', ...terms] : flags;
}

export function numberOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new InputError(raw, `--${name} must be a number from ${min} to ${max}, not "${raw}".`);
  return n;
}
