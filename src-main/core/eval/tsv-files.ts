import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { fsReason } from '../media/fs-reason.ts';

/** The lines of a tab-separated file as [first field, the rest]; blank lines and lines starting with # are skipped. */
async function tsvLines(file: string, what: string): Promise<Array<{ line: number; key: string; value: string }>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `Cannot read the ${what} file ${file}: ${fsReason(err)}.`);
  }
  return text.split(/\r?\n/).flatMap((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return [];
    const tab = raw.indexOf('\t');
    const key = tab < 0 ? '' : raw.slice(0, tab).trim();
    const value = tab < 0 ? '' : raw.slice(tab + 1).trim();
    if (!key || !value) throw new InputError(`${file}:${i + 1}`, `${file}, line ${i + 1}: expected two fields separated by a tab (${what}), got "${raw}".`);
    return [{ line: i + 1, key, value }];
  });
}

/**
 * Captions for text-to-image retrieval: `path<TAB>caption` per line, the path
 * relative to the evaluated folder (or absolute). An image may have several captions.
 * @param images the folder's images: path key to index
 * @throws InputError for an unreadable file, a malformed line, or a path that is not an image of the folder
 */
export async function readCaptions(file: string, root: string, images: ReadonlyMap<string, number>): Promise<Array<{ image: number; caption: string }>> {
  const lines = await tsvLines(file, 'path<TAB>caption');
  if (lines.length === 0) throw new InputError(file, `${file} holds no caption (expected lines of path<TAB>caption).`);
  return lines.map(({ line, key, value }) => {
    const image = images.get(path.resolve(root, key));
    if (image === undefined) throw new InputError(`${file}:${line}`, `${file}, line ${line}: ${key} is not a photo of ${root} that could be read.`);
    return { image, caption: value };
  });
}

/**
 * Descriptions per class, added to the class's prompt ensemble as written (in the
 * manner of CuPL, Pratt et al. 2023: sentences saying what the class looks like):
 * `class<TAB>description` per line, the class named as its subfolder is.
 * @returns `[C]` the descriptions of each class
 * @throws InputError for an unreadable file, a malformed line, or an unknown class
 */
export async function readDescriptions(file: string, classes: readonly string[]): Promise<string[][]> {
  const out = classes.map((): string[] => []);
  for (const { line, key, value } of await tsvLines(file, 'class<TAB>description')) {
    const c = classes.indexOf(key);
    if (c < 0) throw new InputError(`${file}:${line}`, `${file}, line ${line}: "${key}" is not one of the classes (${classes.join(', ')}).`);
    out[c].push(value);
  }
  return out;
}
