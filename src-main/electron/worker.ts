/**
 * Entry of the engine process (an Electron utilityProcess). Decoding, ONNX,
 * HNSW and SQLite writes happen here, off the main process, so a native crash
 * costs a restart of this process and never the window.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PhotoSearchService } from '../core/api/service.ts';
import { sqliteBinding } from './native-binding.ts';
import { serveEngine } from './worker-host.ts';

const log = (message: string) => console.error(`[engine] ${message}`);

// This bundle is out/main/worker.js: two folders down from the project (or app.asar).
const nativeBinding = sqliteBinding({
  root: path.resolve(import.meta.dirname, '..', '..'),
  electronVersion: process.versions.electron,
  exists: fs.existsSync,
  log,
});

serveEngine({
  port: process.parentPort,
  open: ({ libraryDir, modelDir }, decodeProbe) => PhotoSearchService.open({ libraryDir, modelDir: modelDir ?? undefined, nativeBinding, decodeProbe }),
  exit: (code) => process.exit(code),
  log,
});
