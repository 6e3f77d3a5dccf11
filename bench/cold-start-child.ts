/**
 * One cold start, run in a fresh process by the cold-start section:
 * `node --import tsx bench/cold-start-child.ts <libraryDir> <modelDir> <query>`.
 * Prints one JSON line. The clock starts after the modules are loaded, as they
 * are by the time the app's window asks for a library.
 */
import { PhotoSearchService } from '../src-main/core/api/service.ts';

export interface ColdStart {
  /** PhotoSearchService.open to the first answered text query. */
  openToAnswerMs: number;
  /** Loading the model and the vector index (the first half of the above). */
  loadMs: number;
  firstQueryMs: number;
  /** Process start (including module loading through tsx) to the first answer. */
  processToAnswerMs: number;
  hits: number;
  indexRebuilt: boolean;
  peakRssMB: number;
}

const [libraryDir, modelDir, query] = process.argv.slice(2);
const started = performance.now();
const service = PhotoSearchService.open({ libraryDir, modelDir });
const { index } = await service.activeModel();
const loaded = performance.now();
const result = await service.search({ terms: [{ kind: 'text', text: query }] });
const answered = performance.now();
const report: ColdStart = {
  openToAnswerMs: answered - started,
  loadMs: loaded - started,
  firstQueryMs: answered - loaded,
  processToAnswerMs: answered,
  hits: result.hits.length,
  indexRebuilt: index.openState.rebuilt,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
};
await service.close();
console.log(JSON.stringify(report));
