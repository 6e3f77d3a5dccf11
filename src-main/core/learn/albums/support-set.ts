import { background, splitMatches, type Background } from '../../search/ranking/cutoff.ts';
import type { LibrarySample } from '../../search/ranking/library-sample.ts';
import type { SqlFilter } from '../../search/filters.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import { dot } from '../../vectors/math.ts';
import { TIP_ADAPTER_BETA } from '../heads/cache-model.ts';
import { calibratedScore } from '../labels/calibration.ts';

/**
 * How an album picks its photos, after SuS-X (Udandarao et al. 2023, "SuS-X:
 * Training-Free Name-Only Transfer of Vision-Language Models"): a classifier from a
 * name alone, sharpened by a support set of pseudo-examples. Here the support set is
 * retrieved from the user's own library: the album's zero-shot matches (and the
 * photos the user put in it), used as a Tip-Adapter cache. The pseudo-examples are
 * taken evenly along the ranked matches, not only from the top, so an album of several
 * kinds of photo ("stripes" in every colour) keeps all of them instead of drifting to
 * the kind that happens to score highest.
 *
 * A photo's album score adds two pieces of evidence, each in units of its own spread
 * over the library (search/ranking/cutoff.ts background): how well it matches the
 * query, and how close it is to the support set. The zero-shot cutoff (splitMatches)
 * says how many photos stand out for the album; the album score says which: the
 * album holds that many photos from the top of the sharper ranking. On the generated
 * embedding space (test/unit/learn/album-support.test.ts) the support set raises the
 * ranking's average precision for every album and never lowers F1 at that count; a
 * cutoff of its own on the summed score let in the near misses the sum also lifts.
 */

/** Most pseudo-examples taken from the zero-shot matches. */
const SUPPORT_SIZE = 32;
/** Pseudo-examples a photo's closeness to the support set is read from. */
const NEAREST = 3;

export interface AlbumScorer {
  /** `[D]` L2-normalised query (name, description, examples). */
  query: number[];
  /** Photos of the support set. */
  support: number[];
  zeroShot: Background;
  /** Background of the support affinity over the library; null without a support set. */
  cache: Background | null;
  /** Background of the combined score over the library (for the strength shown). */
  combined: Background;
  /** Combined scores at or above this are members (the last member's); null when none stands out. */
  threshold: number | null;
}

/** A photo of the support set, with its vector for the model. */
export interface SupportPhoto {
  id: number;
  vector: Float32Array;
}

export interface ScoredMember {
  id: number;
  /** The combined score, in robust standard deviations (see AlbumScorer). */
  score: number;
}

/**
 * Closeness to the support set: the mean Tip-Adapter affinity `exp(-beta (1 - cos))`
 * to the NEAREST closest pseudo-examples. Not the mean over the whole set (Tip-Adapter's
 * sum): that ranks a photo by how common its kind is in the album, and an album of
 * 50 plain green photos, 25 green circles and 5 green stripes would split into tiers
 * (on the tiny model's photos it kept only the 50, F1 0.77; with the 3 nearest, 1.0).
 * A pseudo-example is scored against the others, never against itself.
 */
function affinity(x: Float32Array, support: readonly SupportPhoto[], id: number): number {
  const nearest = support
    .filter((k) => k.id !== id)
    .map((k) => Math.exp(-TIP_ADAPTER_BETA * (1 - dot(x, k.vector))))
    .sort((a, b) => b - a)
    .slice(0, NEAREST);
  return nearest.length ? nearest.reduce((a, b) => a + b, 0) / nearest.length : 0;
}

/**
 * The background of affinities: as for cosines, its scale never drops under the
 * library's spread, carried through the affinity's slope (beta * affinity) at its centre.
 */
function affinityBackground(scores: readonly number[], librarySpread: number): Background {
  const first = background(scores, 0);
  return background(scores, TIP_ADAPTER_BETA * Math.max(first.median, 0) * librarySpread);
}

/** One photo's album score with a scorer: the zero-shot and the support evidence, added. */
export function albumScore(scorer: AlbumScorer, query: Float32Array, support: readonly SupportPhoto[], id: number, x: Float32Array): number {
  const zeroShot = calibratedScore(dot(query, x), scorer.zeroShot);
  return scorer.cache && support.length > 0 ? zeroShot + calibratedScore(affinity(x, support, id), scorer.cache) : zeroShot;
}

function rowsOf(store: LibraryStore, modelId: string, filter: SqlFilter | null): Iterable<{ id: number; vector: Float32Array }> {
  return filter ? store.embeddings.matching(modelId, filter.where, filter.params) : store.embeddings.all(modelId);
}

/**
 * Fills an album: ranks the library (or the part its filters leave) by the query,
 * counts the photos that stand out as matches, builds the support set from up to
 * SUPPORT_SIZE of them, evenly spaced by rank, plus `examples`, ranks again on the
 * combined score and keeps as many photos from its top.
 * Two passes over the embeddings; only scores are kept between them.
 * @param query `[D]` L2-normalised
 * @param examples photos the user put in the album: always in the support set
 * @returns the scorer, to score photos indexed later, and the members, best first
 */
export function fillAlbum(
  store: LibraryStore,
  modelId: string,
  sample: LibrarySample,
  query: Float32Array,
  examples: readonly number[],
  filter: SqlFilter | null,
): { scorer: AlbumScorer; members: ScoredMember[]; population: number } {
  const zeroShotBg = background(sample.scores(query), sample.spread);
  const first: Array<{ id: number; score: number }> = [];
  for (const { id, vector } of rowsOf(store, modelId, filter)) first.push({ id, score: dot(query, vector) });
  first.sort((a, b) => b.score - a.score || a.id - b.id);
  const population = first.length;
  const initial = splitMatches(
    first.map((s) => s.score),
    population,
    zeroShotBg,
  ).matches;
  const step = Math.max(1, initial / SUPPORT_SIZE);
  const pseudo: number[] = [];
  for (let at = 0; at < initial && pseudo.length < SUPPORT_SIZE; at += step) pseudo.push(first[Math.floor(at)].id);
  const supportIds = [...new Set([...examples, ...pseudo])];
  const support = [...store.embeddings.vectors(modelId, supportIds)].map(([id, vector]) => ({ id, vector }));

  const base: AlbumScorer = { query: Array.from(query), support: supportIds, zeroShot: zeroShotBg, cache: null, combined: zeroShotBg, threshold: null };
  // Nothing stood out and the user gave no example: the model does not know what the album is about.
  if (support.length === 0) return { scorer: base, members: [], population };
  const affinities: Array<{ id: number; zeroShot: number; affinity: number }> = [];
  for (const { id, vector } of rowsOf(store, modelId, filter)) {
    affinities.push({ id, zeroShot: calibratedScore(dot(query, vector), zeroShotBg), affinity: affinity(vector, support, id) });
  }
  const cache = affinityBackground(
    affinities.map((a) => a.affinity),
    sample.spread,
  );
  const combined = affinities
    .map((a) => ({ id: a.id, score: a.zeroShot + calibratedScore(a.affinity, cache) }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
  const combinedBg = background(
    combined.map((c) => c.score),
    0,
  );
  return {
    scorer: { ...base, cache, combined: combinedBg, threshold: initial > 0 ? combined[initial - 1].score : null },
    members: combined.slice(0, initial),
    population,
  };
}
