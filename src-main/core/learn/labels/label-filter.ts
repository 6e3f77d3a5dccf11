import type { SqlFilter } from '../../search/filters.ts';
import { labelKey } from './vocabulary.ts';

/**
 * `label:beach`: the photos that carry every one of the labels for the model, as a
 * WHERE clause over `photos p` (search/filters.ts). A photo carries a label when the
 * model gave it or one of its refinements (learn/labels/hierarchy.ts: `label:dog`
 * finds the photos labelled "puppy"), from the vocabulary or the personal classifier,
 * and the user did not take it away; or when the user gave it. Names are matched by
 * their key, so case and spacing do not matter.
 */
export function labelFilterSql(modelId: string, names: readonly string[]): SqlFilter | null {
  const keys = [...new Set(names.map(labelKey).filter((k) => k.length > 0))];
  if (keys.length === 0) return null;
  const one = `((EXISTS (SELECT 1 FROM photo_labels pl WHERE pl.photo_id = p.id AND pl.model_id = ?
        AND (pl.key = ? OR pl.key IN (SELECT c.key FROM label_calibration c WHERE c.model_id = pl.model_id AND c.parent = ?))
        AND NOT EXISTS (SELECT 1 FROM label_corrections d WHERE d.photo_id = p.id AND d.key = pl.key AND d.verdict = 0))
      AND NOT EXISTS (SELECT 1 FROM label_corrections d WHERE d.photo_id = p.id AND d.key = ? AND d.verdict = 0))
    OR EXISTS (SELECT 1 FROM label_corrections g WHERE g.photo_id = p.id AND g.key = ? AND g.verdict = 1))`;
  return { where: keys.map(() => one).join(' AND '), params: keys.flatMap((k) => [modelId, k, k, k, k]) };
}
