import { statSync } from 'node:fs';
import { LibraryPaths } from '../../src-main/core/paths.ts';
import { ModelIndex } from '../../src-main/core/search/model-index.ts';
import { graphCandidates } from '../../src-main/core/search/sources/visual.ts';
import { LibraryStore } from '../../src-main/core/store/library-store.ts';
import { scoreIds, topK, VectorMatrix } from '../../src-main/core/vectors/exact.ts';
import { EF_SEARCH_MIN, HNSW_EF_CONSTRUCTION, HNSW_M, HnswIndex } from '../../src-main/core/vectors/hnsw-index.ts';
import { sidecarPath } from '../../src-main/core/vectors/hnsw-sidecar.ts';
import { vectorFilePath } from '../../src-main/core/vectors/vector-file.ts';
import { VIT_B_32 } from '../../test/fixtures/clip-shaped-model.ts';
import { formatSize } from '../args.ts';
import type { QueryKind } from '../assets/clustered-vectors.ts';
import { ensureVectorLibraries, type ModelIdentity, type VectorLibrary } from '../assets/vector-library.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';
import { copyBandwidth } from '../throughput/memory-bandwidth.ts';

const K = 10;
/** The app's default page of results (k = 50) and what it asks the graph for to re-score them. */
const APP_CANDIDATES = graphCandidates(50);
/** Sizes up to this have their HNSW build timed on every run; larger ones report the build made for the cache. */
const TIMED_BUILD_LIMIT = 100_000;
const RECALL_TARGET = 0.98;
/** The exact scan must read vectors at a quarter of the machine's memory bandwidth at least (issue 13). */
const KERNEL_SHARE = 0.25;
const LARGE_INDEX = 1_000_000;

function queriesFor(size: number, quick: boolean): number {
  if (quick) return 20;
  return size >= 1_000_000 ? 30 : 100;
}

function recall(found: readonly number[], exact: readonly number[]): number {
  const truth = new Set(exact);
  return found.filter((id) => truth.has(id)).length / exact.length;
}

function loadMatrix(store: LibraryStore, modelId: string, dim: number, size: number): VectorMatrix {
  const matrix = new VectorMatrix(dim, size);
  for (const { id, vector } of store.embeddings.all(modelId)) matrix.add(id, vector);
  return matrix;
}

/** Runs `search` for every query: the mean time per query and the ids each one found. */
function searchAll(queries: readonly Float32Array[], search: (q: Float32Array) => number[]): { ms: number; ids: number[][] } {
  const started = performance.now();
  const ids = queries.map(search);
  return { ms: (performance.now() - started) / queries.length, ids };
}

async function measureSize(ctx: BenchContext, rec: SectionRecorder, lib: VectorLibrary, model: ModelIdentity): Promise<void> {
  const { opts, log } = ctx;
  const label = formatSize(lib.size);
  const store = LibraryStore.open(lib.dir);
  try {
    const dim = lib.vectors.dim;
    const matrix = loadMatrix(store, model.id, dim, lib.size);
    const file = new LibraryPaths(lib.dir).vectorIndex(model.id);
    const loads: number[] = [];
    let opened: ModelIndex | undefined;
    // hnswlib frees an index only when its wrapper is collected: keep at most a few copies of a large one alive.
    const loadRuns = lib.size >= LARGE_INDEX ? 1 : opts.runs;
    for (let run = 0; run < loadRuns; run++) {
      const started = performance.now();
      opened = ModelIndex.open(store, file, model);
      loads.push(performance.now() - started);
      if (opened.openState.rebuilt) throw new Error(`the cached ${label} index was rebuilt (${opened.openState.reason}); its load time would be a build time`);
    }
    if (!opened) throw new Error('no index loaded');
    const index = opened.hnsw;
    rec.add(`${label}.vectors-file`, `${label}: saved vectors file size (float16)`, 'MB', [statSync(vectorFilePath(file)).size / 1e6]);
    rec.add(`${label}.load`, `${label}: HNSW load (checked against the store)`, 'ms', loads);
    rec.add(`${label}.file`, `${label}: HNSW file size`, 'MB', [(statSync(file).size + statSync(sidecarPath(file)).size) / 1e6]);

    const count = queriesFor(lib.size, opts.quick);
    await measureKernel(rec, label, opened, lib.vectors.queries(count, 'text'), matrix, opts.runs);
    for (const kind of ['text', 'photo'] as QueryKind[]) {
      const queries = lib.vectors.queries(count, kind);
      const exactIds = queries.map((q) => topK(q, matrix, K).map((h) => h.id));
      const exactMs: number[] = [];
      const rawMs: number[] = [];
      const appMs: number[] = [];
      const rawRecall: number[] = [];
      const appRecall: number[] = [];
      const appBreadth = index.efMin;
      for (let run = 0; run < opts.runs; run++) {
        const started = performance.now();
        for (const q of queries) topK(q, matrix, K);
        exactMs.push((performance.now() - started) / count);
        // hnswlib's usual breadth, for comparison with what the app asks for.
        index.efMin = EF_SEARCH_MIN;
        const raw = searchAll(queries, (q) => index.search(q, K).map((h) => h.id));
        index.efMin = appBreadth;
        const app = searchAll(queries, (q) =>
          scoreIds(
            q,
            matrix,
            index.search(q, APP_CANDIDATES).map((h) => h.id),
          )
            .slice(0, K)
            .map((h) => h.id),
        );
        rawMs.push(raw.ms);
        appMs.push(app.ms);
        rawRecall.push(queries.reduce((sum, _, i) => sum + recall(raw.ids[i], exactIds[i]), 0) / count);
        appRecall.push(queries.reduce((sum, _, i) => sum + recall(app.ids[i], exactIds[i]), 0) / count);
      }
      const what = kind === 'text' ? 'text-like queries' : 'photo-like queries';
      rec.add(`${label}.${kind}.exact-ms`, `${label}, ${what}: exact brute force in plain JS, float32 (exact.ts topK)`, 'ms/query', exactMs);
      rec.add(`${label}.${kind}.hnsw-ms`, `${label}, ${what}: HNSW k=10 at hnswlib's usual breadth (ef ${EF_SEARCH_MIN})`, 'ms/query', rawMs);
      rec.add(`${label}.${kind}.hnsw-recall`, `${label}, ${what}: HNSW k=10 recall@10`, 'recall', rawRecall);
      rec.add(
        `${label}.${kind}.app-ms`,
        `${label}, ${what}: app path, ${APP_CANDIDATES} candidates (ef ${Math.max(index.efFactor * APP_CANDIDATES, appBreadth)}) + exact re-score`,
        'ms/query',
        appMs,
      );
      rec.add(`${label}.${kind}.app-recall`, `${label}, ${what}: app path recall@10`, 'recall', appRecall, { atLeast: RECALL_TARGET });
      log(
        `  ${label} ${kind}: exact ${exactMs[0].toFixed(2)} ms, hnsw ${rawMs[0].toFixed(3)} ms (recall ${rawRecall[0].toFixed(3)}), app ${appMs[0].toFixed(3)} ms (recall ${appRecall[0].toFixed(3)})`,
      );
    }

    if (lib.size <= TIMED_BUILD_LIMIT) {
      const started = performance.now();
      const built = HnswIndex.empty(dim, lib.size);
      for (let row = 0; row < matrix.size; row++) built.add(matrix.idAt(row), matrix.data.subarray(row * dim, (row + 1) * dim));
      rec.add(`${label}.build`, `${label}: HNSW build (M ${HNSW_M}, efConstruction ${HNSW_EF_CONSTRUCTION})`, 's', [(performance.now() - started) / 1000]);
    } else {
      rec.add(`${label}.build`, `${label}: HNSW build, measured when the cache was made`, 's', [lib.info.hnswBuildMs / 1000]);
      rec.note(
        `${label}: the HNSW build is not repeated on every run; the figure is the cached library's own build (${lib.info.builtAt}), a single measurement.`,
      );
    }
  } finally {
    store.close();
  }
}

/**
 * The exact scan the app runs (ModelIndex.vectors: float16 rows, WebAssembly SIMD)
 * against this machine's memory bandwidth, and how its top 10 compares with float32.
 */
async function measureKernel(
  rec: SectionRecorder,
  label: string,
  index: ModelIndex,
  queries: Float32Array[],
  exact: VectorMatrix,
  runs: number,
): Promise<void> {
  const halves = index.vectors;
  const scanned = halves.size * halves.rowBytes;
  const ms: number[] = [];
  const rates: number[] = [];
  const bandwidth: number[] = [];
  const shares: number[] = [];
  for (let run = 0; run < runs; run++) {
    const machine = copyBandwidth();
    const started = performance.now();
    for (const q of queries) halves.topK(q, K);
    const perQuery = (performance.now() - started) / queries.length;
    const rate = scanned / (perQuery / 1000) / 1e9;
    ms.push(perQuery);
    rates.push(rate);
    bandwidth.push(machine);
    shares.push(rate / machine);
  }
  const recalls = queries.map((q) =>
    recall(
      halves.topK(q, K).map((h) => h.id),
      topK(q, exact, K).map((h) => h.id),
    ),
  );
  rec.add(`${label}.kernel-ms`, `${label}: exact brute force with the app's scan kernel (float16 rows, WebAssembly SIMD), top 10`, 'ms/query', ms);
  rec.add(`${label}.kernel-gbs`, `${label}: scan kernel read rate (${(scanned / 1e6).toFixed(0)} MB per query)`, 'GB/s', rates);
  rec.add(`${label}.bandwidth`, 'Memory bandwidth, one thread (256 MB copy, bytes read + written)', 'GB/s', bandwidth);
  rec.add(`${label}.kernel-share`, `${label}: scan kernel read rate / memory bandwidth`, 'share', shares, { atLeast: KERNEL_SHARE });
  rec.add(`${label}.kernel-recall`, `${label}: scan kernel top 10 against float32 exact`, 'recall', [recalls.reduce((a, b) => a + b, 0) / recalls.length]);
}

export async function vectorsSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('vectors', 'Vector search alone: HNSW vs exact brute force');
  const { opts, log } = ctx;
  const sizes = opts.quick ? opts.sizes : opts.sizes.filter((s) => s >= 100_000);
  if (sizes.length === 0) {
    rec.note('No library size of 100k or more was asked for (--sizes); nothing measured.');
    return rec.result;
  }
  const { model, libraries } = await ensureVectorLibraries(sizes, await ctx.modelDir(VIT_B_32), log);
  for (const lib of libraries) await measureSize(ctx, rec, lib, model);
  rec.note(
    'The scan kernel reads every vector of the library once per query; its share of the memory bandwidth compares its read rate with a one-thread copy ' +
      '(which moves twice the bytes it reads). Recall@10 is measured against exact brute force on the same vectors. Text-like queries sit in their own cone, about 0.5 from the photos of ' +
      'the scene they describe and 0.1 from unrelated ones (as CLIP text embeddings do); photo-like queries are new shots of existing scenes. The app path is what search.ts does: ' +
      `the index opened by ModelIndex, asked for ${APP_CANDIDATES} candidates (what a default 50-result query asks), re-scored exactly, top 10 kept.`,
  );
  return rec.result;
}
