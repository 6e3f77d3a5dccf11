import { cpSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { QUERY_GRACE_MS } from '../../src-main/core/indexer/query-priority.ts';
import { VIT_B_32 } from '../../test/fixtures/clip-shaped-model.ts';
import { formatSize } from '../args.ts';
import { ensureLargePhotos } from '../assets/large-photos.ts';
import { queryTexts } from '../assets/query-texts.ts';
import { ensureVectorLibraries } from '../assets/vector-library.ts';
import { scratchDir } from '../cache.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';
import { percentile } from '../stats.ts';

/** Search p95 while a full-speed index run goes may be at most this many times its idle p95 (issue 13). */
const P95_RATIO = 3;
/** Queries in each phase, one started every INTERVAL_MS as a person typing would send them. */
const QUERIES = 40;
const INTERVAL_MS = 250;
/** The library searched: the largest vector library up to this size. */
const LIBRARY_SIZE = 100_000;

/** Latencies (ms) of `texts` asked one every INTERVAL_MS (or right after the previous answer when that is later). */
async function paced(service: PhotoSearchService, texts: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (const text of texts) {
    const started = performance.now();
    await service.search({ description: text });
    const ms = performance.now() - started;
    out.push(ms);
    await sleep(Math.max(0, INTERVAL_MS - ms));
  }
  return out;
}

/**
 * Search while indexing, in one process as the desktop app's engine and `photo-search
 * serve` run them: a copy of the vector library indexes the 12-megapixel photos at full
 * speed while queries arrive as from the search box; their p95 is compared with the
 * same pace of queries before the run.
 */
export async function concurrentSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('concurrent', 'Search while indexing: query latency during a full-speed index run');
  const { opts, log } = ctx;
  const size = Math.max(...opts.sizes.filter((s) => s <= LIBRARY_SIZE), Math.min(...opts.sizes));
  const modelDir = await ctx.modelDir(VIT_B_32);
  const { libraries } = await ensureVectorLibraries([size], modelDir, log);
  const photos = await ensureLargePhotos(opts.photos, log);
  const texts = queryTexts(2 * QUERIES * opts.runs + 3, 53);
  let next = 3;
  const take = (): string[] => texts.slice(next, (next += QUERIES));
  const idle = { p50: [] as number[], p95: [] as number[] };
  const busy = { p50: [] as number[], p95: [] as number[], rate: [] as number[], ratio: [] as number[] };
  for (let run = 0; run < opts.runs; run++) {
    const libraryDir = scratchDir('concurrent');
    cpSync(libraries[0].dir, libraryDir, { recursive: true });
    const service = PhotoSearchService.open({ libraryDir, modelDir });
    try {
      const { index } = await service.activeModel();
      await index.whenGraphLoaded();
      for (const text of texts.slice(0, 3)) await service.search({ description: text });
      const before = await paced(service, take());
      let embedding = false;
      const finished: { embedding: { count: number; at: number } | null } = { embedding: null };
      const off = service.events.on('index-progress', (p) => {
        embedding ||= p.phase === 'embedding' && p.embedded > 0;
        if (p.phase !== 'embedding' && embedding) finished.embedding ??= { count: p.embedded, at: performance.now() };
      });
      const started = performance.now();
      const indexing = service.index({ paths: [photos.dir] });
      while (!embedding) await sleep(50);
      const during = await paced(service, take());
      while (!finished.embedding) await sleep(50);
      // The steps after the embeddings (places, labels, words in photos) are not what this measures.
      await service.cancelIndexing();
      await indexing.catch(() => undefined);
      off();
      const done = finished.embedding;
      if (done.count !== photos.files.length) throw new Error(`the index run embedded ${done.count} of ${photos.files.length} photos`);
      idle.p50.push(percentile(before, 50));
      idle.p95.push(percentile(before, 95));
      busy.p50.push(percentile(during, 50));
      busy.p95.push(percentile(during, 95));
      busy.ratio.push(percentile(during, 95) / percentile(before, 95));
      busy.rate.push(done.count / ((done.at - started) / 1000));
      log(
        `  run ${run + 1}: idle p50/p95 ${percentile(before, 50).toFixed(1)}/${percentile(before, 95).toFixed(1)} ms, while indexing ` +
          `${percentile(during, 50).toFixed(1)}/${percentile(during, 95).toFixed(1)} ms; index run ${busy.rate.at(-1)!.toFixed(1)} photos/s`,
      );
    } finally {
      await service.close();
    }
  }
  const label = formatSize(size);
  rec.add(`${label}.idle-p50`, `${label} photos: search p50, idle`, 'ms', idle.p50);
  rec.add(`${label}.idle-p95`, `${label} photos: search p95, idle`, 'ms', idle.p95);
  rec.add(`${label}.busy-p50`, `${label} photos: search p50 while indexing`, 'ms', busy.p50);
  rec.add(`${label}.busy-p95`, `${label} photos: search p95 while indexing`, 'ms', busy.p95);
  rec.add(`${label}.p95-ratio`, `${label} photos: search p95 while indexing / idle`, 'ratio', busy.ratio, { atMost: P95_RATIO });
  rec.add(`${label}.index-rate`, `Index run of ${photos.files.length} 12-megapixel photos while queries arrive (ViT-B/32-shaped, fp32)`, 'photos/s', busy.rate);
  rec.note(
    `${QUERIES} distinct queries per phase, one every ${INTERVAL_MS} ms, through PhotoSearchService.search as the search box asks; the index run adds the photos ` +
      '(its rate: start to the last embedding written, the steps after that not included) ' +
      `to a copy of the ${label}-photo library in the same process. While a query runs and for ${QUERY_GRACE_MS} ms after it the indexer starts no decode, ` +
      'batch or save (indexer/query-priority.ts); the batch already in the model finishes.',
  );
  return rec.result;
}
