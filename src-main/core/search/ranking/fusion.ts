import type { HitReason } from '../../api/contract.ts';
import type { QueryPart, SourceAnswer } from '../sources/source.ts';

/**
 * The constant of reciprocal rank fusion, from Cormack, Clarke & Buettcher 2009,
 * "Reciprocal rank fusion outperforms Condorcet and individual rank learning
 * methods": a photo at rank r of a source adds 1 / (RRF_K + r).
 */
export const RRF_K = 60;

export interface FusedHit {
  id: number;
  /** Every part of the query is confirmed by some source. */
  match: boolean;
  /** Sum of 1 / (RRF_K + rank) over the sources that ranked the photo. */
  fused: number;
  reasons: HitReason[];
}

/** Ranks within one answer: equal scores share a rank (1, 2, 2, 4), so sources without an order impose none. */
function ranksOf(answer: SourceAnswer): number[] {
  const ranks: number[] = [];
  for (let i = 0; i < answer.hits.length; i++) {
    ranks.push(i > 0 && answer.hits[i].score === answer.hits[i - 1].score ? ranks[i - 1] : i + 1);
  }
  return ranks;
}

/**
 * One list from every source's answers: matches first (photos for which every part
 * has a confirming source), then the others that some source ranked, each group by
 * reciprocal rank fusion. Reasons keep what each source confirmed, and the visual
 * source's strength even where it did not confirm.
 * @returns the fused photos and how many of the leading ones are matches
 */
export function fuse(parts: readonly QueryPart[], answers: readonly SourceAnswer[]): { ranked: FusedHit[]; matches: number } {
  const byId = new Map<number, FusedHit & { confirmed: Set<string> }>();
  for (const answer of answers) {
    const ranks = ranksOf(answer);
    answer.hits.forEach((hit, i) => {
      let fused = byId.get(hit.id);
      if (!fused) {
        fused = { id: hit.id, match: false, fused: 0, reasons: [], confirmed: new Set() };
        byId.set(hit.id, fused);
      }
      fused.fused += 1 / (RRF_K + ranks[i]);
      if (hit.match) fused.confirmed.add(answer.part);
      if ((hit.match || hit.reason.source === 'visual') && !fused.reasons.some((r) => r.text === hit.reason.text)) fused.reasons.push(hit.reason);
    });
  }
  const ranked: FusedHit[] = [];
  for (const { confirmed, ...hit } of byId.values()) {
    ranked.push({ ...hit, match: parts.length > 0 && parts.every((p) => confirmed.has(p.key)) });
  }
  ranked.sort((a, b) => Number(b.match) - Number(a.match) || b.fused - a.fused || a.id - b.id);
  const matches = ranked.findIndex((h) => !h.match);
  return { ranked, matches: matches === -1 ? ranked.length : matches };
}
