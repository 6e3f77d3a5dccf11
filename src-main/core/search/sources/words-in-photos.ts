import type { LibraryStore } from '../../store/library-store.ts';
import { searchPhotoText } from '../../text/search-text.ts';
import type { SqlFilter } from '../filters.ts';
import type { QueryPart, SourceAnswer } from './source.ts';

/**
 * Photos are matched on every word found in them, whatever their number: the list is the part's
 * answer, not a page of it.
 */
const ALL_MATCHES = 1_000_000;

/** Keeps the ids a filter leaves. */
function allowedBy(store: LibraryStore, ids: readonly number[], filter: SqlFilter | null): Set<number> {
  if (!filter || ids.length === 0) return new Set(ids);
  const kept = store.db
    .prepare(`SELECT p.id FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) AND (${filter.where})`)
    .pluck()
    .all(JSON.stringify(ids), ...filter.params) as number[];
  return new Set(kept);
}

/**
 * Words in photos (core/text): a part is confirmed for a photo when the text read in
 * it holds every word of the part (a phrase as a whole), in any case, across the
 * spaces OCR drops or adds, with one letter wrong in longer words; exact finds rank
 * above forgiven ones.
 */
export function wordsInPhotosAnswer(store: LibraryStore, part: QueryPart, filter: SqlFilter | null): SourceAnswer {
  const query = part.kind === 'phrase' ? `"${part.text.replaceAll('"', '')}"` : part.words.join(' ');
  const found = searchPhotoText(store.photoText, query, { limit: ALL_MATCHES });
  const allowed = allowedBy(
    store,
    found.map((m) => m.photoId),
    filter,
  );
  return {
    part: part.key,
    hits: found
      .filter((m) => allowed.has(m.photoId))
      .map((m) => ({ id: m.photoId, score: m.score, match: true, reason: { source: 'text', text: `words in photo: '${m.found.join(' ')}'` } })),
  };
}
