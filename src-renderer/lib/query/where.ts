import type { QueryTerm } from '../../../src-main/core/api/contract.ts';
import type { SearchRequest } from './query-chips.ts';

/** What "Show where" looks for in a photo: the query's words, or an example photo of the library. */
export type WhereQuery = { text: string } | { exampleId: number };

/**
 * The part of a search that "Show where" can map: its words (the description and the
 * weighted words, not the excluded ones), else its first example, else the first photo
 * marked "more like this". Null for a query with neither (a list of the library, a
 * filter, a name): there is nothing to look for in the pixels.
 */
export function whereQuery(request: SearchRequest): WhereQuery | null {
  const words = (request.terms ?? []).filter((t): t is Extract<QueryTerm, { kind: 'text' }> => t.kind === 'text' && (t.weight ?? 1) > 0).map((t) => t.text);
  const text = [request.description ?? '', ...words].join(' ').trim();
  if (text) return { text };
  const example = request.examples?.like?.[0] ?? request.feedback?.up?.[0];
  return example === undefined ? null : { exampleId: example };
}
