/**
 * Entry of the engine process (an Electron utilityProcess). Decoding, ONNX,
 * HNSW and SQLite writes happen here, off the main process, so a native crash
 * costs a restart of this process and never the window.
 */
import { PhotoSearchService } from '../core/api/service.ts';
import { serveEngine } from './worker-host.ts';

serveEngine({
  port: process.parentPort,
  open: ({ libraryDir, modelDir }) => PhotoSearchService.open({ libraryDir, modelDir: modelDir ?? undefined }),
  exit: (code) => process.exit(code),
  log: (message) => console.error(`[engine] ${message}`),
});
