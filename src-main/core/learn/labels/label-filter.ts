import type { Database } from 'better-sqlite3';
import { everyKeyFilter, type IdFilter } from '../../search/filters.ts';
import { labelKey } from './vocabulary.ts';

/**
 * `label:beach`: the photos that carry every one of the labels for the model, as a
 * WHERE clause over `photos p` (search/filters.ts). A photo carries a label when the
 * model gave it or one of its refinements (learn/labels/hierarchy.ts: `label:dog`
 * finds the photos labelled "puppy"), from the vocabulary or the personal classifier,
 * and the user did not take it away; or when the user gave it. Names are matched by
 * their key, so case and spacing do not matter.
 */
export function labelFilterSql(db: Database, modelId: string, names: readonly string[]): IdFilter | null {
  const keys = [...new Set(names.map(labelKey).filter((k) => k.length > 0))];
  if (keys.length === 0) return null;
  // Set-based, over the label's own rows (the primary key's model and key): a correlated EXISTS per photo probed the
  // labels of every photo of the library, and `key = ? OR key IN (...)` read every label of the model.
  const photos = `SELECT pl.photo_id FROM photo_labels pl
      WHERE pl.model_id = ? AND pl.key IN (SELECT ? UNION ALL SELECT c.key FROM label_calibration c WHERE c.model_id = ? AND c.parent = ?)
        AND NOT EXISTS (SELECT 1 FROM label_corrections d WHERE d.photo_id = pl.photo_id AND d.key = pl.key AND d.verdict = 0)
        AND NOT EXISTS (SELECT 1 FROM label_corrections d WHERE d.photo_id = pl.photo_id AND d.key = ? AND d.verdict = 0)
    UNION SELECT photo_id FROM label_corrections WHERE key = ? AND verdict = 1`;
  const params = (k: string) => [modelId, k, modelId, k, k, k];
  return everyKeyFilter(db, keys, photos, params);
}
