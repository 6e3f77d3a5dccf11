import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { ModelError, errorMessage } from '../errors.ts';
import { sessionSource } from './mapped-weights.ts';
import { unloadableModel } from './model-file-problem.ts';
import { onnxruntimeEntry } from './onnxruntime.ts';

/** A tensor as it crosses to and from a worker thread: element type, shape and values. */
export interface RawTensor {
  type: string;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** What a session says about its inputs and outputs (session.ts reads these). */
export type SessionMeta = Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'>;

/** An ONNX session on a thread of its own. */
export interface WorkerSession {
  meta: SessionMeta;
  /** Runs the graph on `feeds` and returns `output`; the output's values are transferred, not copied. */
  run(feeds: Record<string, RawTensor>, output: string): Promise<RawTensor>;
  release(): Promise<void>;
}

/**
 * The worker's code. It is plain JavaScript evaluated by `new Worker(..., { eval: true })`,
 * so that it runs the same under tsx, in tests and in the desktop app's bundle, where a
 * separate worker file would need a bundler of its own; it loads onnxruntime-node from the
 * path the main thread resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.onnxruntime);
let session = null;
const meta = (s) => ({ inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata: s.inputMetadata, outputMetadata: s.outputMetadata });
parentPort.on('message', async (m) => {
  try {
    if (m.kind === 'open') {
      session = await ort.InferenceSession.create(m.model, m.options);
      parentPort.postMessage({ id: m.id, ok: true, meta: meta(session) });
    } else if (m.kind === 'run') {
      const feeds = {};
      for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const out = (await session.run(feeds, [m.output]))[m.output];
      const data = out.data.slice();
      parentPort.postMessage({ id: m.id, ok: true, tensor: { type: out.type, dims: out.dims, data } }, [data.buffer]);
    } else {
      if (session) await session.release();
      parentPort.postMessage({ id: m.id, ok: true });
    }
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: String((err && err.message) || err) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
  meta?: SessionMeta;
  tensor?: RawTensor;
}

/**
 * Opens `file` with `options` on a worker thread: onnxruntime-node creates sessions and
 * runs them holding the thread that calls it, so a session here leaves the event loop
 * free (queries answered while a batch of photos is in the model; the library's vectors
 * read while the text encoder loads). `role` names the encoder in messages ("image
 * encoder"). A run that fails rejects with ModelError; a worker that dies rejects every
 * run in flight; an idle worker does not keep the process alive.
 * @throws ModelError when the file is not a loadable ONNX model
 */
export async function openSessionInWorker(file: string, dir: string, options: ort.InferenceSession.SessionOptions, role: string): Promise<WorkerSession> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { onnxruntime: onnxruntimeEntry() } });
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  const fail = (err: Error): void => {
    failure = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (r: Reply) => {
    const w = waiting.get(r.id);
    waiting.delete(r.id);
    // Only a run in flight keeps the process alive: an idle encoder must not hold it open.
    if (waiting.size === 0) worker.unref();
    if (!w) return;
    if (r.ok) w.resolve(r);
    else w.reject(new ModelError('model-invalid', dir, `${file}: ${r.message ?? 'failed'}`));
  });
  worker.on('error', (err) => fail(new ModelError('model-invalid', dir, `${file}: the ${role}'s thread failed: ${errorMessage(err)}`, { cause: err })));
  worker.on('exit', (code) => fail(new ModelError('model-invalid', dir, `${file}: the ${role}'s thread stopped (exit code ${code})`)));
  const ask = (message: Record<string, unknown>): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });

  let meta: SessionMeta;
  try {
    // The worker boots and loads onnxruntime while the graph is read here.
    const source = sessionSource(file, options);
    meta = (await ask({ kind: 'open', model: source.model, options: source.options })).meta!;
  } catch (err) {
    await worker.terminate();
    throw unloadableModel(file, dir, err);
  }
  return {
    meta,
    async run(feeds, output) {
      return (await ask({ kind: 'run', feeds, output })).tensor!;
    },
    async release() {
      await ask({ kind: 'release' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
