import path from 'node:path';
import type { Filters } from '../api/contract.ts';
import { InputError } from '../errors.ts';

const EXTENSION_FAMILIES: ReadonlyArray<readonly string[]> = [['jpg', 'jpeg', 'jpe'], ['tif', 'tiff'], ['heic', 'heif'], ['png'], ['webp'], ['gif'], ['avif']];

export interface SqlFilter {
  where: string;
  params: unknown[];
}

function extensionsFor(type: string): readonly string[] {
  const t = type.toLowerCase().replace(/^\./, '');
  const family = EXTENSION_FAMILIES.find((f) => f.includes(t));
  if (!family) {
    throw new InputError(type, `Unknown file type "${type}". Use one of: ${EXTENSION_FAMILIES.map((f) => f[0]).join(', ')}.`);
  }
  return family;
}

/** Local midnight of a YYYY-MM-DD date: photo dates are wall-clock times where they were taken. */
export function localDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(y, m - 1, d);
  if (Number.isNaN(day.getTime()) || day.getFullYear() !== y || day.getMonth() !== m - 1 || day.getDate() !== d)
    throw new InputError(date, `"${date}" is not a valid date; use YYYY-MM-DD.`);
  return day.getTime();
}

/** Translates the user's filters into a WHERE clause over `photos p`; null when nothing is filtered. */
export function filterSql(filters: Filters): SqlFilter | null {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.folders?.length) {
    const parts = filters.folders.map((folder) => {
      const root = path.resolve(folder);
      const prefix = root.endsWith(path.sep) ? root : root + path.sep;
      params.push(root, prefix.length, prefix);
      return '(p.path = ? OR substr(p.path, 1, ?) = ?)';
    });
    where.push(`(${parts.join(' OR ')})`);
  }
  if (filters.after) {
    where.push('p.taken_at >= ?');
    params.push(localDay(filters.after));
  }
  if (filters.before) {
    where.push('p.taken_at < ?');
    params.push(localDay(filters.before) + 24 * 3600 * 1000);
  }
  if (filters.after && filters.before && localDay(filters.after) > localDay(filters.before)) {
    throw new InputError(`${filters.after}..${filters.before}`, `The date range is empty: ${filters.after} is after ${filters.before}.`);
  }
  if (filters.types?.length) {
    const exts = [...new Set(filters.types.flatMap(extensionsFor))];
    where.push(`p.ext IN (${exts.map(() => '?').join(', ')})`);
    params.push(...exts);
  }
  if (filters.camera) {
    where.push("p.camera LIKE ? ESCAPE '\\'");
    params.push(`%${filters.camera.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filters.hasGps !== undefined) where.push(filters.hasGps ? 'p.latitude IS NOT NULL' : 'p.latitude IS NULL');
  return where.length ? { where: where.join(' AND '), params } : null;
}
