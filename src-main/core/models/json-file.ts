import { readFile } from 'node:fs/promises';
import { ModelError, errorMessage } from '../errors.ts';

/** Reads one of a model's JSON files; a missing or malformed file makes the model in `dir` invalid. */
export async function readJsonFile(file: string, dir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ModelError('model-invalid', dir, `${file}: cannot be read (${errorMessage(err)})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelError('model-invalid', dir, `${file}: is not valid JSON (${errorMessage(err)})`, { cause: err });
  }
}
