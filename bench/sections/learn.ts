import os from 'node:os';
import { ExampleCache } from '../../src-main/core/learn/cache-model.ts';
import { ExampleRanker, type LearnedRanking, type VectorReader } from '../../src-main/core/learn/example-ranking.ts';
import { FeedbackSession } from '../../src-main/core/learn/feedback.ts';
import { heatMap } from '../../src-main/core/learn/heat-map.ts';
import { learnedBackground, textTerm } from '../../src-main/core/learn/learned-background.ts';
import { searchedGraph } from '../../src-main/core/learn/neighbour-graph.ts';
import { DEFAULT_DUPLICATE_THRESHOLD, groupNearDuplicates } from '../../src-main/core/learn/near-duplicates.ts';
import { readSavedGraph } from '../../src-main/core/learn/saved-graph.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import type { ClipModel, ModelVariant } from '../../src-main/core/models/types.ts';
import { LibraryPaths } from '../../src-main/core/paths.ts';
import { splitMatches } from '../../src-main/core/search/ranking/cutoff.ts';
import { LibrarySample } from '../../src-main/core/search/ranking/library-sample.ts';
import { ModelIndex } from '../../src-main/core/search/model-index.ts';
import { LibraryStore } from '../../src-main/core/store/library-store.ts';
import { VectorMatrix } from '../../src-main/core/vectors/exact.ts';
import { l2normalize } from '../../src-main/core/vectors/math.ts';
import { VIT_B_32 } from '../../test/fixtures/clip-shaped-model.ts';
import { formatSize } from '../args.ts';
import { ensureLargePhotos } from '../assets/large-photos.ts';
import { seededRandom } from '../assets/prng.ts';
import { ensureVectorLibraries, type ModelIdentity, type VectorLibrary } from '../assets/vector-library.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';
import { percentile } from '../stats.ts';

/** Feedback sessions per run: a text query, then thumbs up and down on its results. */
const SESSIONS = 8;
/** Result list positions clicked in each session, up and down in turn, as a person scanning the first page would. */
const CLICKS = [2, 5, 8, 11, 1, 14];
const PAGE = 50;
const HEAT_MAP_PHOTOS = 5;
/** Neighbours per photo when the saved index cannot be read (near-duplicates fallback). */
const SEARCHED_NEIGHBOURS = 16;

interface ClickTimes {
  ms: number[];
  candidates: number[];
}

/**
 * One click: the new marks re-rank the list (graph search for a new example, its
 * vectors read, every candidate scored, sorted) and the cutoff splits it (learned
 * background over the library sample).
 */
function click(
  ranker: ExampleRanker,
  session: FeedbackSession,
  text: ReturnType<typeof textTerm>,
  sample: LibrarySample,
): { ms: number; ranking: LearnedRanking } {
  const started = performance.now();
  const state = session.state();
  const ranking = ranker.rank({ examples: state.examples, counterExamples: state.counterExamples, text }, PAGE);
  splitMatches(
    ranking.ranked.map((r) => r.score),
    sample.drawnFrom,
    learnedBackground(ranking.cache, sample),
  );
  return { ms: performance.now() - started, ranking };
}

/**
 * Sessions of clicks; with `fresh`, every click gets a new ranker (nothing kept from the
 * previous ranking), as when a ranking is cached per query and a click makes a new query.
 */
function feedbackRun(index: ModelIndex, read: VectorReader, sample: LibrarySample, texts: readonly Float32Array[], fresh = false): ClickTimes {
  const out: ClickTimes = { ms: [], candidates: [] };
  for (const t of texts) {
    const best = index.hnsw.search(t, 1)[0]?.score ?? 1;
    const term = textTerm(t, sample, best);
    let ranker = new ExampleRanker(index.hnsw, read);
    const session = new FeedbackSession();
    let shown = ranker.rank({ examples: [], counterExamples: [], text: term }, PAGE).ranked;
    CLICKS.forEach((position, i) => {
      const marked = new Set(session.state().marks.map((m) => m.id));
      const target = shown.filter((r) => !marked.has(r.id))[position];
      session.mark(target.id, i % 2 === 0 ? 'up' : 'down');
      if (fresh) ranker = new ExampleRanker(index.hnsw, read);
      const { ms, ranking } = click(ranker, session, term, sample);
      out.ms.push(ms);
      out.candidates.push(ranking.candidates);
      shown = ranking.ranked;
    });
  }
  return out;
}

async function measureFeedback(ctx: BenchContext, rec: SectionRecorder, lib: VectorLibrary, model: ModelIdentity): Promise<void> {
  const label = formatSize(lib.size);
  const store = LibraryStore.open(lib.dir);
  try {
    const index = ModelIndex.open(store, new LibraryPaths(lib.dir).vectorIndex(model.id), model);
    if (index.openState.rebuilt) throw new Error(`the cached ${label} index was rebuilt (${index.openState.reason})`);
    const sample = LibrarySample.draw(store, model.id, model.dim);
    const texts = lib.vectors.queries(SESSIONS, 'text');
    const fromStore: VectorReader = (ids) => store.embeddings.vectors(model.id, ids);

    const loadStarted = performance.now();
    const matrix = new VectorMatrix(model.dim, lib.size);
    for (const { id, vector } of store.embeddings.all(model.id)) matrix.add(id, vector);
    const loadMs = performance.now() - loadStarted;
    const fromMatrix: VectorReader = (ids) => new Map(ids.flatMap((id) => (matrix.has(id) ? [[id, matrix.get(id)!] as const] : [])));

    feedbackRun(index, fromStore, sample, texts.slice(0, 1));
    const store_: number[] = [];
    const ram: number[] = [];
    const cold: number[] = [];
    const candidates: number[] = [];
    for (let run = 0; run < ctx.opts.runs; run++) {
      const a = feedbackRun(index, fromStore, sample, texts);
      const b = feedbackRun(index, fromMatrix, sample, texts);
      const c = feedbackRun(index, fromStore, sample, texts, true);
      store_.push(...a.ms);
      ram.push(...b.ms);
      cold.push(...c.ms);
      candidates.push(...a.candidates);
    }
    rec.add(
      `${label}.click-p50`,
      `${label}: re-rank after a thumbs up/down (vectors read from SQLite), p50 of ${store_.length} clicks`,
      'ms',
      [percentile(store_, 50)],
      {
        atMost: 100,
      },
    );
    rec.add(`${label}.click-p95`, `${label}: re-rank after a thumbs up/down (vectors read from SQLite), p95`, 'ms', [percentile(store_, 95)], { atMost: 100 });
    rec.add(`${label}.click-fresh-p50`, `${label}: the same with a new ranker per click (every example searched and read again), p50`, 'ms', [
      percentile(cold, 50),
    ]);
    rec.add(`${label}.click-fresh-p95`, `${label}: the same with a new ranker per click, p95`, 'ms', [percentile(cold, 95)]);
    rec.add(`${label}.click-ram-p50`, `${label}: the same with every vector in one in-RAM Float32Array, p50`, 'ms', [percentile(ram, 50)]);
    rec.add(`${label}.click-candidates`, `${label}: photos scored per click (median)`, 'photos', [percentile(candidates, 50)]);
    rec.add(`${label}.matrix-load`, `${label}: loading every vector into one Float32Array (what the in-RAM variant costs first)`, 'ms', [loadMs]);

    const examples = texts.slice(0, 5).map((t) => index.hnsw.search(t, 1)[0].id);
    const cache = new ExampleCache(
      examples.map((id) => matrix.get(id)!),
      [matrix.get(examples[0] + 1) ?? matrix.get(examples[0])!],
      textTerm(texts[0], sample, 1),
    );
    const scanStarted = performance.now();
    cache.scoreRows(matrix.data, matrix.size);
    rec.add(`${label}.exact-scan`, `${label}: scoring every photo exactly for 5 examples, 1 counter-example and words (in RAM)`, 'ms', [
      performance.now() - scanStarted,
    ]);
    rec.note(
      `Feedback: ${SESSIONS} text-like queries, each followed by ${CLICKS.length} clicks (up and down in turn on the first page); each click is timed from the marks to ` +
        'the re-ranked list and its cutoff (graph search for the new example, its neighbours read, all candidates scored by the cache model, learned background over the 4096-photo sample). ' +
        'The exact scan shows why candidates come from the graph.',
    );
  } finally {
    store.close();
  }
}

async function measureDuplicates(rec: SectionRecorder, lib: VectorLibrary, model: ModelIdentity): Promise<void> {
  const label = formatSize(lib.size);
  const store = LibraryStore.open(lib.dir);
  try {
    const file = new LibraryPaths(lib.dir).vectorIndex(model.id);
    const stamp = store.embeddings.stamp(model.id)!;
    const readStarted = performance.now();
    const graph = readSavedGraph(file, model.dim, stamp);
    const readMs = performance.now() - readStarted;
    if (!graph) throw new Error(`the cached ${label} index is not in step with its library`);
    // Hashes made up for timing: runs of 8 consecutive photos (the generator's bursts are runs) differ in 3 bits.
    const random = seededRandom(42);
    const bases = new Map<number, bigint>();
    const hashOf = (id: number): bigint => {
      const run = Math.floor(id / 8);
      let base = bases.get(run);
      if (base === undefined) {
        base = BigInt(Math.floor(random() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(random() * 2 ** 32));
        bases.set(run, base);
      }
      return base ^ (1n << BigInt(id % 61)) ^ (1n << BigInt((id * 7) % 61)) ^ (1n << BigInt((id * 13) % 61));
    };
    for (const threshold of [DEFAULT_DUPLICATE_THRESHOLD, 0.8]) {
      const started = performance.now();
      const grouping = groupNearDuplicates(graph, hashOf, { threshold });
      const groupMs = performance.now() - started;
      const tag = threshold === DEFAULT_DUPLICATE_THRESHOLD ? 'default' : String(threshold);
      rec.add(
        `${label}.duplicates-${tag}`,
        `${label}: near-duplicate groups at threshold ${threshold}, saved graph read + grouped`,
        's',
        [(readMs + groupMs) / 1000],
        {
          atMost: 30,
        },
      );
      rec.note(
        `Near-duplicates at ${threshold}: graph read ${(readMs / 1000).toFixed(1)} s, grouping ${(groupMs / 1000).toFixed(1)} s, ${grouping.similarPairs} similar pairs, ` +
          `${grouping.rejectedPairs} turned down by the hash, ${grouping.groups.length} groups (perceptual hashes made up for timing).`,
      );
    }
    const index = ModelIndex.open(store, file, model);
    const breadth = index.hnsw.efMin;
    index.hnsw.efMin = 64;
    const started = performance.now();
    const searched = searchedGraph(index.hnsw, store.embeddings.all(model.id), model.dim, SEARCHED_NEIGHBOURS);
    const searchedMs = performance.now() - started;
    index.hnsw.efMin = breadth;
    groupNearDuplicates(searched, hashOf, { threshold: DEFAULT_DUPLICATE_THRESHOLD });
    rec.add(`${label}.duplicates-searched`, `${label}: the same neighbours by one graph search per photo (fallback when the saved index is behind)`, 's', [
      (performance.now() - started) / 1000,
    ]);
    rec.note(`Fallback graph: ${(searchedMs / 1000).toFixed(1)} s of ${SEARCHED_NEIGHBOURS}-nearest-neighbour searches at breadth 64.`);
  } finally {
    store.close();
  }
}

/** The model with its image encoder's time counted, to tell the model's share of a heat map from the rest. */
function timedModel(model: ClipModel): { model: ClipModel; encodeMs: () => number } {
  let ms = 0;
  const timed: ClipModel = Object.create(model) as ClipModel;
  timed.encodeImages = async (pixels, count) => {
    const started = performance.now();
    try {
      return await model.encodeImages(pixels, count);
    } finally {
      ms += performance.now() - started;
    }
  };
  return { model: timed, encodeMs: () => ms };
}

async function measureHeatMap(ctx: BenchContext, rec: SectionRecorder): Promise<void> {
  const modelDir = await ctx.modelDir(VIT_B_32);
  const { files } = await ensureLargePhotos(HEAT_MAP_PHOTOS, ctx.log);
  for (const variant of ['fp32', 'quantized'] as ModelVariant[]) {
    const loaded = await loadModel(modelDir, { intraOpThreads: os.availableParallelism(), variant });
    try {
      const { model, encodeMs } = timedModel(loaded);
      const query = l2normalize(Float32Array.from({ length: model.dim }, seededRandom(7)));
      const first = await heatMap(files[0], query, model);
      const times: number[] = [];
      const rest: number[] = [];
      for (let run = 0; run < ctx.opts.runs; run++) {
        for (const file of files) {
          const started = performance.now();
          const before = encodeMs();
          await heatMap(file, query, model);
          times.push(performance.now() - started);
          rest.push(performance.now() - started - (encodeMs() - before));
        }
      }
      const pixels = new Float32Array(first.windows * 3 * model.preprocess.width * model.preprocess.height);
      const alone: number[] = [];
      for (let run = 0; run < ctx.opts.runs; run++) {
        const started = performance.now();
        await loaded.encodeImages(pixels, first.windows);
        alone.push(performance.now() - started);
      }
      const threads = os.availableParallelism();
      rec.add(
        `heat-map-${variant}`,
        `"Show where" on a 12-megapixel JPEG, ViT-B/32-shaped ${variant}, ${first.windows} windows, ${threads} threads`,
        'ms',
        times,
        variant === 'fp32' ? { atMost: 1500 } : undefined,
      );
      rec.add(`heat-map-${variant}-rest`, `... of which decoding, cutting and combining (all but the model)`, 'ms', rest);
      rec.add(`heat-map-${variant}-model`, `The same ${first.windows} windows through the model alone, measured alongside`, 'ms', alone);
    } finally {
      await loaded.dispose();
    }
  }
  rec.note(
    'A heat map is the model run on every window plus a decode: on a shared machine its time follows the model-alone figure measured alongside, ' +
      'which the indexing section reports for a batch of 8 too (photos/s).',
  );
}

export async function learnSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('learn', 'Learning from examples: re-ranking after feedback, near-duplicate groups, "show where"');
  const size = ctx.opts.quick ? ctx.opts.sizes[0] : 100_000;
  const { model, libraries } = await ensureVectorLibraries([size], await ctx.modelDir(VIT_B_32), ctx.log);
  const [lib] = libraries;
  rec.note(
    `Load average at the start of the section: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${os.availableParallelism()} cores.`,
  );
  await measureFeedback(ctx, rec, lib, model);
  await measureDuplicates(rec, lib, model);
  await measureHeatMap(ctx, rec);
  return rec.result;
}
