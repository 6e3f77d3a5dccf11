/**
 * `npm run bench`: measures indexing and search speed on this machine and writes
 * bench/results/<date>-<host>.json plus a markdown table. A benchmark, not a test:
 * missed targets and failed sections are reported, and the exit code stays 0.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs, USAGE, type BenchOptions, type SectionId } from './args.ts';
import { clearScratch, REPO_ROOT, RESULTS_DIR } from './cache.ts';
import { BenchContext } from './context.ts';
import type { SectionResult } from './figures.ts';
import { machineInfo } from './machine.ts';
import { findPrevious, markdownReport, RESULT_SCHEMA, saveResult, type BenchResult } from './report.ts';
import { coldStartSection } from './sections/cold-start.ts';
import { concurrentSection } from './sections/concurrent.ts';
import { incrementalSection } from './sections/incremental.ts';
import { indexingSection } from './sections/indexing.ts';
import { int8Section } from './sections/int8.ts';
import { learnSection } from './sections/learn.ts';
import { modelsSection } from './sections/models.ts';
import { ocrSection } from './sections/ocr.ts';
import { querySection } from './sections/query.ts';
import { uiSection } from './sections/ui.ts';
import { vectorsSection } from './sections/vectors.ts';

const RUNNERS: Record<SectionId, (ctx: BenchContext) => Promise<SectionResult>> = {
  indexing: indexingSection,
  query: querySection,
  vectors: vectorsSection,
  'cold-start': coldStartSection,
  concurrent: concurrentSection,
  incremental: incrementalSection,
  int8: int8Section,
  models: modelsSection,
  learn: learnSection,
  ocr: ocrSection,
  ui: uiSection,
};

function options(): BenchOptions {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();
const log = (line: string): void => console.error(line);
const machine = await machineInfo(REPO_ROOT);
const result: BenchResult = {
  schema: RESULT_SCHEMA,
  startedAt: new Date().toISOString(),
  finishedAt: '',
  options: opts,
  machine,
  loadAverageAtEnd: [],
  sections: [],
  errors: [],
};
log(`photo-search benchmark on ${machine.cpu}, ${machine.cores} cores; sections: ${opts.sections.join(', ')}`);
clearScratch();
const ctx = new BenchContext(opts, log);
for (const id of opts.sections) {
  log(`\n== ${id}`);
  const started = performance.now();
  try {
    result.sections.push(await RUNNERS[id](ctx));
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`section ${id} failed: ${message}`);
    result.errors.push({ section: id, message: err instanceof Error ? err.message : String(err) });
  }
  log(`   (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
clearScratch();
result.finishedAt = new Date().toISOString();
result.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);

const markdown = markdownReport(result, findPrevious(RESULTS_DIR, machine.host, opts.quick));
console.log(`\n${markdown}`);
if (opts.save) {
  for (const file of saveResult(RESULTS_DIR, result, markdown)) log(`wrote ${path.relative(process.cwd(), file)}`);
}
