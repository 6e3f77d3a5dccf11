/**
 * One cold start, run in a fresh process by the cold-start section. Prints one JSON line.
 *
 * `node --import tsx bench/cold-start-child.ts library <libraryDir> <modelDir> <query> <queries>`:
 * PhotoSearchService.open to the first answered text query (search box style), then
 * `queries` more queries once the vector graph has loaded, as a search-only session
 * goes on; reports the time to the first answer and the session's peak RSS.
 *
 * `node --import tsx bench/cold-start-child.ts text <modelDir> <query>`: what no
 * library can avoid, alone: loading the text encoder and encoding one query; and the
 * memory that takes.
 *
 * The clock starts after the modules are loaded, as they are by the time the app's
 * window asks for a library.
 */
import { PhotoSearchService } from '../src-main/core/api/service.ts';
import { loadModel } from '../src-main/core/models/clip-model.ts';
import { OnnxClipModel } from '../src-main/core/models/clip-model.ts';
import { queryTexts } from './assets/query-texts.ts';
import { peakRssMB } from './peak-rss.ts';

export interface ColdStart {
  /** PhotoSearchService.open to the first answered text query. */
  openToAnswerMs: number;
  /** Whether the first answer came before the graph had loaded (from the exact scan). */
  answeredBeforeGraph: boolean;
  /** Open until the graph was loaded. */
  graphLoadedMs: number;
  /** Whether the image encoder was loaded at any point (it should not be: no photo was embedded). */
  visionLoaded: boolean;
  hits: number;
  indexRebuilt: boolean;
  /** Peak resident memory of the whole session: first answer, graph loaded, then more queries. */
  peakRssMB: number;
}

export interface TextAlone {
  /** Loading the text encoder (tokenizer included) and encoding one query. */
  unavoidableMs: number;
  /** Resident memory once loaded and after the query, and its peak. */
  rssMB: number;
  peakRssMB: number;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'text') {
  const [modelDir, query] = args;
  const started = performance.now();
  const model = await loadModel(modelDir, { vision: 'lazy' });
  await model.encodeTexts([query]);
  const report: TextAlone = {
    unavoidableMs: performance.now() - started,
    rssMB: process.memoryUsage().rss / 2 ** 20,
    peakRssMB: peakRssMB(),
  };
  await model.dispose();
  console.log(JSON.stringify(report));
} else {
  const [libraryDir, modelDir, query, more] = args;
  const started = performance.now();
  const service = PhotoSearchService.open({ libraryDir, modelDir });
  const result = await service.search({ description: query });
  const answered = performance.now();
  const { model, index } = await service.activeModel();
  const answeredBeforeGraph = !index.graphLoaded;
  await index.whenGraphLoaded();
  const graphLoadedMs = performance.now() - started;
  for (const text of queryTexts(Number(more), 97)) await service.search({ description: text });
  const report: ColdStart = {
    openToAnswerMs: answered - started,
    answeredBeforeGraph,
    graphLoadedMs,
    visionLoaded: model instanceof OnnxClipModel ? model.visionLoaded : true,
    hits: result.hits.length,
    indexRebuilt: index.openState.rebuilt,
    peakRssMB: peakRssMB(),
  };
  await service.close();
  console.log(JSON.stringify(report));
}
