import type { HitReason } from '../../api/contract.ts';
import { dot } from '../../vectors/math.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import type { ModelIndex } from '../model-index.ts';
import { background, relevance, splitMatches, type Background, type Strength } from '../ranking/cutoff.ts';
import type { LibrarySample } from '../ranking/library-sample.ts';
import type { SourceAnswer, SourceHit } from './source.ts';

/**
 * Up to this many photos left by a filter, scoring them all exactly beats asking the
 * graph: the scan kernel reads 100,000 vectors in about 10 ms, while the graph, asked
 * to skip the photos the filter leaves out, walks further the fewer it lets through.
 */
export const EXACT_SCAN_LIMIT = 100_000;
/** The graph is asked for more than needed so that exact re-scoring can reorder its near misses. */
const CANDIDATE_FACTOR = 2;
/** Fewest candidates the cutoff looks at: enough to see where the matches end in most queries. */
const MIN_CANDIDATES = 200;
/** When every candidate is a match, the next round asks for this many times more. */
const GROWTH = 4;
/**
 * The best candidates are re-scored exactly from the stored vectors: enough to order
 * the first page of near-duplicates whose float32 (graph) or float16 (scan) cosines
 * tie; reading more rows from SQLite costs about 30 us each.
 */
const RESCORED = 64;

/** How many candidates the graph is asked for when `want` results are needed. */
export function graphCandidates(want: number): number {
  return Math.max(want * CANDIDATE_FACTOR, MIN_CANDIDATES);
}

export interface VisualQuery {
  /** The combined query embedding, `[D]`, L2-normalised. */
  vector: Float32Array;
  /** Photos the user gave as examples: not results. */
  exclude: ReadonlySet<number>;
  /** What the reasons call the query: 'the query', 'the example photo'. */
  describes: string;
  /** Only photos scoring at least this cosine (the CLI's --min-score). */
  minScore?: number;
}

export interface VisualContext {
  store: LibraryStore;
  modelId: string;
  index: ModelIndex;
  sample: LibrarySample;
  /** Ascending ids of the photos a filter leaves; null without a filter. */
  allowed: readonly number[] | null;
  /** Photos the filter leaves (all embedded photos without a filter). */
  population: number;
}

interface Scored {
  id: number;
  score: number;
}

/**
 * The embedding source: cosine of every photo with the query, and which of them
 * stand out as matches against the library's own score distribution
 * (ranking/cutoff.ts). Candidates come from the HNSW graph, or from an exact scan
 * of the index's vectors (float16, within about 2e-5 of float32) when a filter leaves
 * few enough photos or the graph is still loading; the best of them are re-scored
 * exactly from the stored vectors (float32, summed in double precision), which tells
 * apart near-duplicates whose float32 cosines tie.
 */
export class VisualSource {
  readonly background: Background;
  private scored: Scored[];
  private complete: boolean;
  private matchCount = 0;
  private allowedSet: ReadonlySet<number> | null = null;
  /** Candidates the answer gives to fusion: as many as the graph would have found (the rest of an exact scan is for later pages). */
  private readonly answerSize: number;

  constructor(
    private readonly ctx: VisualContext,
    private readonly query: VisualQuery,
    want: number,
  ) {
    this.background = background(ctx.sample.scores(query.vector), ctx.sample.spread);
    const exact = ctx.allowed !== null && ctx.population <= EXACT_SCAN_LIMIT;
    this.complete = exact;
    this.answerSize = graphCandidates(Math.max(want, MIN_CANDIDATES));
    this.scored = exact ? this.scanAll() : this.fromGraph(Math.max(want, MIN_CANDIDATES));
    this.cut();
    while (!this.complete && this.matchCount >= this.scored.length && this.scored.length < ctx.population) {
      this.scored = this.fromGraph(this.scored.length * GROWTH);
      this.cut();
    }
  }

  /** The best cosine of any photo; the scale of the readable relevance. */
  get best(): number {
    return this.scored[0]?.score ?? 0;
  }

  get matches(): number {
    return this.matchCount;
  }

  /** Photos scored so far, best first, with matches marked and a reason each. */
  answer(part: string): SourceAnswer {
    const head = this.complete ? this.scored.slice(0, Math.max(this.answerSize, this.matchCount)) : this.scored;
    return { part, hits: head.map((s, i) => this.hit(s, i < this.matchCount)) };
  }

  /** Every photo the filter leaves, best first: for pages past the candidates (an exact scan, once). */
  all(): SourceHit[] {
    if (!this.complete) {
      this.scored = this.scanAll();
      this.complete = true;
    }
    return this.scored.map((s, i) => this.hit(s, i < this.matchCount));
  }

  relevance(score: number, isMatch: boolean): { value: number; strength: Strength } {
    return relevance(score, this.best, this.background, isMatch);
  }

  private hit(s: Scored, match: boolean): SourceHit {
    const { strength } = this.relevance(s.score, match);
    const reason: HitReason = { source: 'visual', text: `looks like ${this.query.describes} (${strength})` };
    return { id: s.id, score: s.score, match, reason };
  }

  private cut(): void {
    const scores = this.scored.map((s) => s.score);
    this.matchCount = splitMatches(scores, this.ctx.population, this.background).matches;
  }

  private keep(id: number, score: number): boolean {
    return !this.query.exclude.has(id) && (this.query.minScore === undefined || score >= this.query.minScore);
  }

  /** Every photo the filter leaves, best first, from the scan kernel; the best re-scored exactly. */
  private scanAll(): Scored[] {
    const { index, allowed } = this.ctx;
    const scanned = allowed ? index.vectors.scoreIds(this.query.vector, allowed) : index.vectors.topK(this.query.vector, index.vectors.size);
    return this.rescored(scanned.filter((s) => this.keep(s.id, s.score)));
  }

  private fromGraph(want: number): Scored[] {
    const { index } = this.ctx;
    // The graph may be asked again for more: the set is made once.
    const allowed = this.ctx.allowed ? (this.allowedSet ??= new Set(this.ctx.allowed)) : null;
    const exclude = this.query.exclude;
    const accept = allowed ? (id: number) => allowed.has(id) && !exclude.has(id) : exclude.size ? (id: number) => !exclude.has(id) : undefined;
    return this.rescored(index.nearest(this.query.vector, graphCandidates(want), accept).filter((s) => this.keep(s.id, s.score)));
  }

  /** `candidates` (best first) with the first RESCORED scored exactly from the stored vectors, best first again. */
  private rescored(candidates: readonly Scored[]): Scored[] {
    const { store, modelId } = this.ctx;
    const head = candidates.slice(0, RESCORED);
    const exact = store.embeddings.vectors(
      modelId,
      head.map((c) => c.id),
    );
    const rescored = head.flatMap((c): Scored[] => {
      const v = exact.get(c.id);
      if (!v) return [];
      const score = dot(this.query.vector, v);
      return this.keep(c.id, score) ? [{ id: c.id, score }] : [];
    });
    return mergeSorted(rescored.sort(byScore), candidates.slice(RESCORED));
  }
}

/**
 * `head` and `tail`, each best first, as one list best first: a merge, where sorting
 * the whole of an exact scan's list again cost milliseconds. A tail out of order (a
 * graph's ties) is sorted first.
 */
function mergeSorted(head: readonly Scored[], tail: Scored[]): Scored[] {
  for (let i = 1; i < tail.length; i++) {
    if (byScore(tail[i - 1], tail[i]) > 0) {
      tail.sort(byScore);
      break;
    }
  }
  const out = new Array<Scored>(head.length + tail.length);
  let h = 0;
  let t = 0;
  for (let o = 0; o < out.length; o++) out[o] = t >= tail.length || (h < head.length && byScore(head[h], tail[t]) <= 0) ? head[h++] : tail[t++];
  return out;
}

function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || a.id - b.id;
}
