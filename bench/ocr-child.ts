/**
 * One index run for the ocr section, in a fresh process so its peak RSS is its own.
 * Prints one JSON line.
 *
 * `node --import tsx bench/ocr-child.ts <photosDir> <libraryDir> <modelDir> <on|off>`:
 * indexes the folder into a new library with reading words in photos on or off, and
 * reports how long the embedding stage took (its start to the organizing phase; the
 * scan and the model load before it are not counted), how long the words took, and the
 * run's peak resident memory.
 */
import { PhotoSearchService } from '../src-main/core/api/service.ts';
import { peakRssMB } from './peak-rss.ts';

export interface OcrRun {
  /** The embedding stage, from its start to the organizing phase, ms. */
  embeddingMs: number;
  /** The text step of the organizing phase, ms (0 with reading off). */
  textMs: number;
  photos: number;
  peakRssMB: number;
}

const [photosDir, libraryDir, modelDir, reading] = process.argv.slice(2);
const service = PhotoSearchService.open({ libraryDir, modelDir });
await service.setTextReading({ enabled: reading === 'on' });
let started = 0;
let embedded = 0;
let textStarted = 0;
let textEnded = 0;
service.events.on('index-progress', (p) => {
  if (p.phase === 'embedding' && started === 0) started = performance.now();
  if (p.phase === 'organizing' && embedded === 0) embedded = performance.now();
  if (p.step?.name === 'text' && textStarted === 0) textStarted = performance.now();
  if (p.phase === 'done' && textStarted > 0 && textEnded === 0) textEnded = performance.now();
});
const result = await service.index({ paths: [photosDir] });
const report: OcrRun = {
  embeddingMs: started ? (embedded || performance.now()) - started : 0,
  textMs: textStarted ? (textEnded || performance.now()) - textStarted : 0,
  photos: result.embedded,
  peakRssMB: peakRssMB(),
};
await service.close();
console.log(JSON.stringify(report));
