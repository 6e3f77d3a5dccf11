import type { HitReason } from '../api/contract.ts';
import { relevance, splitMatches, type Background, type Strength } from '../search/ranking/cutoff.ts';
import type { LibrarySample } from '../search/ranking/library-sample.ts';
import type { SourceAnswer, SourceHit } from '../search/sources/source.ts';
import type { ScoredId } from '../vectors/exact.ts';
import type { ExampleQuery, ExampleRanker } from './example-ranking.ts';
import { learnedBackground } from './learned-background.ts';

export interface LearnedContext {
  /** Kept across clicks of one result list (same library state and filter), so a click asks the graph only about new marks. */
  ranker: ExampleRanker;
  sample: LibrarySample;
  /** Photos the filter leaves (all embedded photos without a filter). */
  population: number;
  /** Every photo the filter leaves, when few enough to score them all (search/sources/visual.ts EXACT_SCAN_LIMIT); else null. */
  allowed: readonly number[] | null;
}

/**
 * The examples source: the photos ranked by the cache model (cache-model.ts) for the
 * examples, counter-examples and words of a query, split into matches and weaker
 * matches against the library's own distribution of those scores (cutoff.ts), with
 * the same answer and relevance as the embedding source (search/sources/visual.ts),
 * so fusion takes it in its place.
 */
export class LearnedSource {
  readonly background: Background;
  private ranked: ScoredId[];
  private complete: boolean;
  private readonly matchCount: number;

  /**
   * @param want photos needed (offset + page size)
   * @param exclude photos that are not results: the examples of "more like these"; marked photos stay (feedback)
   * @throws InputError for an example photo without an embedding, or a query with neither examples nor words
   */
  constructor(
    private readonly ctx: LearnedContext,
    private readonly query: ExampleQuery,
    want: number,
    private readonly exclude: ReadonlySet<number> = new Set(),
    /** What the reasons call the query: 'the examples', 'the examples and the words'. */
    private readonly describes = 'the examples',
  ) {
    const result = ctx.allowed ? ctx.ranker.rankAll(query, ctx.allowed, exclude) : ctx.ranker.rank(query, want, exclude);
    this.ranked = result.ranked;
    this.complete = ctx.allowed !== null;
    this.background = learnedBackground(result.cache, ctx.sample);
    const certain = this.ranked.slice(0, result.certain).map((r) => r.score);
    this.matchCount = splitMatches(certain, ctx.population, this.background).matches;
  }

  get matches(): number {
    return this.matchCount;
  }

  /** The best score; the scale of the readable relevance. */
  get best(): number {
    return this.ranked[0]?.score ?? 0;
  }

  /** Photos ranked so far, best first, with matches marked and a reason each. */
  answer(part: string): SourceAnswer {
    return { part, hits: this.ranked.map((r, i) => this.hit(r, i < this.matchCount)) };
  }

  /**
   * Every photo the filter leaves, best first: for pages past the candidates. Scores
   * them all once, a cosine per photo and key: seconds at 100,000 photos (the exact
   * scan of bench/sections/learn.ts), so only for deep pages.
   * @param ids every photo the filter leaves
   */
  all(ids: () => readonly number[]): SourceHit[] {
    if (!this.complete) {
      this.ranked = this.ctx.ranker.rankAll(this.query, ids(), this.exclude).ranked;
      this.complete = true;
    }
    return this.ranked.map((r, i) => this.hit(r, i < this.matchCount));
  }

  relevance(score: number, isMatch: boolean): { value: number; strength: Strength } {
    return relevance(score, this.best, this.background, isMatch);
  }

  private hit(r: ScoredId, match: boolean): SourceHit {
    const { strength } = this.relevance(r.score, match);
    const reason: HitReason = { source: 'visual', text: `looks like ${this.describes} (${strength})` };
    return { id: r.id, score: r.score, match, reason };
  }
}
