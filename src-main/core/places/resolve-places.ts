import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { PhotoPlaceTable } from '../store/photo-places.ts';
import { geocoderVersion, isPosition, reverseGeocoder, type GeocodedPlace, type ReverseGeocoder } from './geocoder.ts';

export interface ResolvePlacesOptions {
  /** Photos per transaction; default 2000. */
  batchSize?: number;
  /** Stops after the batch in flight; the rest stays pending for the next run. */
  signal?: AbortSignal;
  /** After each batch: photos resolved so far in this run, and how many were pending at its start. */
  onProgress?: (done: number, total: number) => void;
  /** Defaults to the process-wide geocoder, loaded only if a photo is pending. */
  geocoder?: ReverseGeocoder;
}

export interface ResolvePlacesResult {
  /** Photos resolved in this run. */
  resolved: number;
  /** Of those, how many have a place, and how many are too far from any (open sea). */
  placed: number;
  unplaced: number;
  /** Wall time of the run, ms, including loading the geocoder if this run loaded it. */
  ms: number;
}

/**
 * Gives every photo with GPS its place: those without one, and those resolved by another
 * geocoder version. Call it after photos are written (indexing) and at start-up (a data
 * update). Each batch is read and written in one transaction; between batches the event
 * loop runs, so a long first run (about 30,000 photos/s) does not block the process.
 * The geocoder is loaded only when at least one photo is pending. Places no photo refers to
 * any more (deleted photos, an older geocoder version) are dropped at the end.
 *
 * @param store anything holding the library connection (a LibraryStore)
 * @throws PhotoSearchError 'not-found' when the place data packages are missing.
 */
export async function resolvePlaces(store: { db: Database }, opts: ResolvePlacesOptions = {}): Promise<ResolvePlacesResult> {
  const start = performance.now();
  const batchSize = opts.batchSize ?? 2000;
  const version = geocoderVersion();
  const table = new PhotoPlaceTable(store.db);
  const total = table.countPending(version);
  const result: ResolvePlacesResult = { resolved: 0, placed: 0, unplaced: 0, ms: 0 };
  if (total > 0) {
    const geocoder = opts.geocoder ?? reverseGeocoder();
    let afterId = 0;
    while (!opts.signal?.aborted) {
      const done = store.db.transaction(() => {
        const batch = table.pending(version, batchSize, afterId);
        // Photos of one outing share their position: each is geocoded once per batch.
        const seen = new Map<string, GeocodedPlace | null>();
        const results = batch.map(({ id, latitude, longitude }) => {
          const key = `${latitude},${longitude}`;
          let place = seen.get(key);
          if (place === undefined) {
            // A position out of range (written by hand or by another tool) has no place rather than stopping the run.
            place = isPosition(latitude, longitude) ? geocoder.resolve(latitude, longitude) : null;
            seen.set(key, place);
          }
          if (place) result.placed++;
          else result.unplaced++;
          return { photoId: id, place };
        });
        table.write(version, results);
        if (batch.length > 0) afterId = batch[batch.length - 1].id;
        return batch.length;
      })();
      if (done === 0) break;
      result.resolved += done;
      opts.onProgress?.(result.resolved, total);
      await nextTurn();
    }
  }
  table.pruneUnused();
  result.ms = performance.now() - start;
  return result;
}
