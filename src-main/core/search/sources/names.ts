import { PhotoNameIndex } from '../../store/photo-names.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import type { SqlFilter } from '../filters.ts';
import type { QueryPart, SourceAnswer } from './source.ts';

const WHERE = { file: 'file name contains', folder: 'folder name contains', both: 'folder and file names contain' } as const;

/**
 * File and folder names: a part is confirmed for a photo when every word of it
 * starts a word of the photo's folder path (from the library folder's own name
 * down) or file name; a phrase must appear whole. Best first by bm25.
 */
export function nameAnswer(store: LibraryStore, part: QueryPart, filter: SqlFilter | null): SourceAnswer {
  if (part.words.length === 0) return { part: part.key, hits: [] };
  const found = new PhotoNameIndex(store.db).search({
    words: part.words,
    phrase: part.kind === 'phrase',
    where: filter ? { sql: filter.where, params: filter.params } : undefined,
  });
  const words = part.kind === 'phrase' ? `"${part.text}"` : `'${part.words.join(' ')}'`;
  return {
    part: part.key,
    hits: found.map((f) => ({
      id: f.photoId,
      score: -f.rank,
      match: true,
      reason: { source: 'names', text: `${WHERE[f.where]} ${words}` },
    })),
  };
}
