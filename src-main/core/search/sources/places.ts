import { findPlaces, placeNamed, type PlaceHit } from '../../places/place-query.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import type { IdFilter, SqlFilter } from '../filters.ts';
import type { PlaceFinder } from '../interpret.ts';
import type { SearchContext } from '../search.ts';
import type { SourceHit } from './source.ts';

/** Keeps the ids a filter leaves, in their order. */
function filtered(store: LibraryStore, ids: readonly number[], filter: SqlFilter | null): number[] {
  if (!filter || ids.length === 0) return [...ids];
  return store.db
    .prepare(`SELECT p.id FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) AND (${filter.where}) ORDER BY p.id`)
    .pluck()
    .all(JSON.stringify(ids), ...filter.params) as number[];
}

function placeHits(store: LibraryStore, places: readonly PlaceHit[], filter: SqlFilter | null): SourceHit[] {
  return places.flatMap((place) =>
    filtered(store, place.photoIds, filter).map((id): SourceHit => ({
      id,
      score: 1,
      match: true,
      reason: { source: 'place', text: `taken in ${place.label}` },
    })),
  );
}

/**
 * The place source of one query (core/places): the runs of words that name places
 * where the library's photos were taken, and the photos taken there. The runs are
 * found once per query and their photos kept for the answer.
 */
export function placeSource(store: LibraryStore): Pick<SearchContext, 'findPlaces' | 'placeAnswer'> {
  const found = new Map<string, PlaceHit[]>();
  const findRuns: PlaceFinder = (words) =>
    findPlaces(store, words).phrases.map((phrase) => {
      const names = phrase.places.map((p) => p.label);
      for (const place of phrase.places) found.set(place.label, [...(found.get(place.label) ?? []), place]);
      return { start: phrase.start, end: phrase.end, names };
    });
  return {
    findPlaces: findRuns,
    placeAnswer: (part, names, filter) => ({
      part: part.key,
      hits: placeHits(
        store,
        names.flatMap((n) => found.get(n) ?? []),
        filter,
      ),
    }),
  };
}

/**
 * The `in:` filter as SQL over `photos p`: photos taken in any of the named places;
 * a name that is no place of the library leaves no photo.
 */
export function placeFilter(store: LibraryStore, names: readonly string[]): IdFilter {
  const ids = Array.from(Float64Array.from(new Set(names.flatMap((n) => placeNamed(store, n).flatMap((p) => p.photoIds)))).sort());
  return { where: 'p.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(ids)], ids: () => ids };
}
