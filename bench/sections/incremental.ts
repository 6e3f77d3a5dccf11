import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { ensureIncrementalLibrary } from '../assets/incremental-library.ts';
import { ensureTinyModel } from '../assets/models.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';

const PHOTOS = 10_000;
const QUICK_PHOTOS = 2_000;

export async function incrementalSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('incremental', 'Incremental re-index of an unchanged library');
  const count = ctx.opts.quick ? QUICK_PHOTOS : PHOTOS;
  const modelDir = await ensureTinyModel();
  const lib = await ensureIncrementalLibrary(count, modelDir, ctx.log);
  const service = PhotoSearchService.open({ libraryDir: lib.libraryDir, modelDir });
  try {
    await service.activeModel();
    // Untimed: warms the OS cache and catches up if the cached library was made with another model version.
    await service.index({});
    const seconds: number[] = [];
    for (let run = 0; run < ctx.opts.runs; run++) {
      const started = performance.now();
      const done = await service.index({});
      seconds.push((performance.now() - started) / 1000);
      if (done.toEmbed !== 0 || done.unchanged !== count) {
        throw new Error(`re-indexing the unchanged library planned ${done.toEmbed} embeddings and saw ${done.unchanged} of ${count} photos unchanged`);
      }
    }
    rec.add(`${count}.seconds`, `Re-index ${count} unchanged photos`, 's', seconds, count === PHOTOS ? { atMost: 5 } : undefined);
    rec.add(
      `${count}.rate`,
      'Photos checked per second',
      'photos/s',
      seconds.map((s) => count / s),
    );
    ctx.log(`  re-index of ${count} unchanged photos: ${seconds.map((s) => s.toFixed(2)).join(', ')} s`);
  } finally {
    await service.close();
  }
  rec.note(
    `${count} small JPEGs in ${count / 500} folders, indexed once beforehand; every run walks, stats and compares them with the store, and decodes nothing.`,
  );
  return rec.result;
}
