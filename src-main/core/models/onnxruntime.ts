import { createRequire } from 'node:module';

/**
 * onnxruntime-node with its telemetry off. From version 1.30 onnxruntime queues usage
 * events (operating system, CPU, memory, its error messages, a device id) in
 * ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ for upload to Microsoft, unless
 * ORT_DISABLE_TELEMETRY is set when its environment is created, which happens with the
 * first session of the process. Nothing about a user's machine leaves it, so the engine
 * takes onnxruntime only from this module (a lint rule, build/eslint/import-boundaries.ts,
 * holds every other engine module to that). Setting the variable here, on the main
 * thread, sets it for the process: a worker thread's sessions share the environment.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

export * from 'onnxruntime-node';

/** Where onnxruntime-node's entry point is, for a worker thread to require (session-worker.ts). */
export function onnxruntimeEntry(): string {
  return createRequire(import.meta.url).resolve('onnxruntime-node');
}
