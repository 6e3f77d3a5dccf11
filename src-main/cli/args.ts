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

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...globalOptions, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(args.join(' '), `${(err as Error).message}. See \`photo-search --help\`.`);
  }
}

export function numberOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new InputError(raw, `--${name} must be a number from ${min} to ${max}, not "${raw}".`);
  return n;
}
