import type { LibraryStore } from '../../store/library-store.ts';
import type { SqlFilter } from '../filters.ts';
import type { QueryPart, SourceAnswer } from './source.ts';

/** Shorter words ("a", "on", "12") name no camera on their own. */
const MIN_CAMERA_WORD = 3;

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The library's cameras, read once per query: a few hundred distinct names at most.
 * Each with its words ("Apple iPhone 12 Pro" -> apple, iphone, 12, pro) and their
 * concatenation, so "x100v" finds "FUJIFILM X100V" and "iphone12" finds "iPhone 12".
 */
export class CameraNames {
  private constructor(private readonly cameras: ReadonlyArray<{ name: string; words: string[]; joined: string }>) {}

  static read(store: LibraryStore): CameraNames {
    const names = store.db.prepare('SELECT DISTINCT camera FROM photos WHERE camera IS NOT NULL').pluck().all() as string[];
    return new CameraNames(names.map((name) => ({ name, words: tokens(name), joined: tokens(name).join('') })));
  }

  /** Cameras of the library that `word` names, or none. */
  named(word: string): string[] {
    const w = tokens(word).join('');
    if (w.length < MIN_CAMERA_WORD) return [];
    return this.cameras.filter((c) => c.words.includes(w) || (w.length >= 4 && c.joined.includes(w))).map((c) => c.name);
  }
}

/** Photos taken with any of `cameras`: the part's answer, all photos equally good (one rank). */
export function cameraAnswer(store: LibraryStore, part: QueryPart, cameras: readonly string[], filter: SqlFilter | null): SourceAnswer {
  if (cameras.length === 0) return { part: part.key, hits: [] };
  const where = filter ? ` AND (${filter.where})` : '';
  const rows = store.db
    .prepare(`SELECT p.id, p.camera FROM photos p WHERE p.camera IN (SELECT value FROM json_each(?))${where} ORDER BY p.id`)
    .all(JSON.stringify(cameras), ...(filter?.params ?? [])) as Array<{ id: number; camera: string }>;
  return { part: part.key, hits: rows.map((r) => ({ id: r.id, score: 1, match: true, reason: { source: 'camera', text: `taken with ${r.camera}` } })) };
}
