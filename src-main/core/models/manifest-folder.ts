import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ModelError, errorMessage } from '../errors.ts';

/** A manifest the folder reader can check: its id names its file, and one of the folder's is the default. */
interface Manifest {
  id: string;
  default?: boolean;
}

/**
 * Reads and validates every `*.json` manifest in `dir` against `schema`, sorted by
 * file name; each file must be named `<id>.json` and exactly one must set
 * `"default": true`. `kind` names the catalog in messages ("Model catalog", "OCR
 * model catalog"). Throws ModelError('model-invalid') naming the folder or the file
 * and the first field that is wrong.
 */
export function readManifestFolder<T extends Manifest>(dir: string, schema: z.ZodType<T>, kind: string): T[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch (err) {
    throw new ModelError('model-invalid', dir, `Cannot read the ${kind.toLowerCase()} folder ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  const entries = names.sort().map((name) => readManifest(path.join(dir, name), schema, kind));
  const defaults = entries.filter((entry) => entry.default === true);
  if (defaults.length !== 1) {
    const which = defaults.length === 0 ? 'none is' : `${defaults.map((e) => e.id).join(', ')} are`;
    throw new ModelError('model-invalid', dir, `${kind} ${dir}: exactly one manifest must set "default": true, but ${which}`);
  }
  return entries;
}

function readManifest<T extends Manifest>(file: string, schema: z.ZodType<T>, kind: string): T {
  const invalid = (message: string, cause?: unknown) => new ModelError('model-invalid', file, `${kind} manifest ${file}: ${message}`, { cause });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw invalid(`not readable JSON (${errorMessage(err)})`, err);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw invalid(`field ${field}: ${issue.message}`, parsed.error);
  }
  const expectedName = `${parsed.data.id}.json`;
  if (path.basename(file) !== expectedName) throw invalid(`field id: "${parsed.data.id}" must match the file name (${expectedName})`);
  return parsed.data;
}
