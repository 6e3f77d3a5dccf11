import { formatPart } from '../../../src-main/core/search/query-language.ts';

/**
 * The query text of a label or album filter, as the box turns it into a chip:
 * `label:beach`, `album:"Summer 2023"` (quoted when the name must be, per formatPart).
 */
export function filterChipText(kind: 'label' | 'album', name: string): string {
  return formatPart({ kind, value: name, start: 0, end: 0 });
}

/** 0..1 as a whole percentage, for a label's or a classifier's number: "87%". */
export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
