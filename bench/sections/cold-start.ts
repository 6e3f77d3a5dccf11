import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { VIT_B_32 } from '../../test/fixtures/clip-shaped-model.ts';
import { formatSize } from '../args.ts';
import { queryTexts } from '../assets/query-texts.ts';
import { ensureVectorLibraries, type VectorLibrary } from '../assets/vector-library.ts';
import { REPO_ROOT } from '../cache.ts';
import type { ColdStart } from '../cold-start-child.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';

const run = promisify(execFile);
const CHILD = path.join(REPO_ROOT, 'bench', 'cold-start-child.ts');
const TARGET_SIZE = 100_000;

async function coldStart(lib: VectorLibrary, modelDir: string, query: string): Promise<ColdStart> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, lib.dir, modelDir, query], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ColdStart;
}

export async function coldStartSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('cold-start', 'Cold start: opening a library to the first answered query');
  const { opts, log } = ctx;
  const modelDir = await ctx.modelDir(VIT_B_32);
  const { libraries } = await ensureVectorLibraries(opts.sizes, modelDir, log);
  const queries = queryTexts(opts.runs);
  for (const lib of libraries) {
    const label = formatSize(lib.size);
    const starts: ColdStart[] = [];
    for (const query of queries) starts.push(await coldStart(lib, modelDir, query));
    if (starts.some((s) => s.indexRebuilt)) rec.note(`${label}: the saved HNSW index was rebuilt during a cold start; that run measures a rebuild.`);
    rec.add(
      `${label}.open-to-answer`,
      `${label} photos: open to first answer`,
      'ms',
      starts.map((s) => s.openToAnswerMs),
      lib.size === TARGET_SIZE ? { atMost: 1500 } : undefined,
    );
    rec.add(
      `${label}.load`,
      `${label} photos: of which model + index load`,
      'ms',
      starts.map((s) => s.loadMs),
    );
    rec.add(
      `${label}.first-query`,
      `${label} photos: of which first query`,
      'ms',
      starts.map((s) => s.firstQueryMs),
    );
    rec.add(
      `${label}.process`,
      `${label} photos: process start to first answer (incl. tsx)`,
      'ms',
      starts.map((s) => s.processToAnswerMs),
    );
    rec.add(
      `${label}.rss`,
      `${label} photos: peak RSS`,
      'MB',
      starts.map((s) => s.peakRssMB),
    );
    log(
      `  ${label}: open to answer ${starts.map((s) => s.openToAnswerMs.toFixed(0)).join(', ')} ms, peak RSS ${starts.map((s) => s.peakRssMB.toFixed(0)).join(', ')} MB`,
    );
  }
  rec.note(
    'Each cold start is a new Node process (bench/cold-start-child.ts) opening the cached library with the generated ViT-B/32-shaped model (fp32, ' +
      'about 600 MB of ONNX). Files are in the OS page cache (warm disk), as on a second launch.',
  );
  return rec.result;
}
