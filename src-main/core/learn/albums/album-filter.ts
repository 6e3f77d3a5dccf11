import type { Database } from 'better-sqlite3';
import { everyKeyFilter, type IdFilter } from '../../search/filters.ts';
import { labelKey } from '../labels/vocabulary.ts';

/**
 * `album:Hiking`: the photos in every one of the albums for the model, as a WHERE
 * clause over `photos p` (search/filters.ts). A photo is in an album when the album
 * filled itself with it and the user did not take it out, or when the user put it
 * in. Albums are named as they are listed, case and spacing aside; a name no album
 * has leaves no photo.
 */
export function albumFilterSql(db: Database, modelId: string, names: readonly string[]): IdFilter | null {
  const keys = [...new Set(names.map(labelKey).filter((k) => k.length > 0))];
  if (keys.length === 0) return null;
  const photos = `SELECT m.photo_id FROM album_members m JOIN albums a ON a.id = m.album_id WHERE a.key = ? AND m.model_id = ?
        AND NOT EXISTS (SELECT 1 FROM album_edits r WHERE r.album_id = a.id AND r.photo_id = m.photo_id AND r.action = 'removed')
      UNION SELECT e.photo_id FROM album_edits e JOIN albums a ON a.id = e.album_id WHERE a.key = ? AND e.action = 'added'`;
  const params = (k: string) => [k, modelId, k];
  return everyKeyFilter(db, keys, photos, params);
}
