import type { HitReason } from '../../api/contract.ts';

/**
 * One thing the query asks for, which some source must confirm for a photo to
 * be a match: the description ("dog on a beach"), a place ("paris"), a date
 * ("june 2021"), a camera ("x100v") or an exact phrase ("hotel california").
 * A photo is a match when every part of the query is confirmed by at least one
 * source; the parts are what makes "red Paris" mean red photos taken in Paris.
 */
export interface QueryPart {
  /** Stable within one query, e.g. 'description', 'place:paris', 'date:2021-06'. */
  key: string;
  kind: 'description' | 'place' | 'date' | 'camera' | 'phrase';
  /** The words as the user typed them, stop words removed; what the word sources look for. */
  words: string[];
  /** The part's text for messages and reasons ("June 2021", "hotel california"). */
  text: string;
}

/** A photo a source found for a part, with its score within that source (higher is better). */
export interface SourceHit {
  id: number;
  score: number;
  /** The source confirms the part for this photo (else the photo is only ranked by it). */
  match: boolean;
  reason: HitReason;
}

/** What one source says about one part: its photos best first. */
export interface SourceAnswer {
  part: string;
  hits: SourceHit[];
}
