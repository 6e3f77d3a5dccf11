import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { ModelError, errorMessage } from '../errors.ts';
import { openSession, visionIo, type VisionIo } from './session.ts';

/** The image encoder's output: `dims` [count, D] of `data`. */
export interface ImageOutput {
  type: string;
  dims: readonly number[];
  data: Float32Array;
}

/** An opened image encoder: its inputs and outputs, and a run over a batch of CHW images. */
export interface ImageSession {
  io: VisionIo;
  /** `pixels`: `count` images of [3, H, W] back to back; `dims` [count, 3, H, W]. */
  run(pixels: Float32Array, dims: readonly number[]): Promise<ImageOutput>;
  release(): Promise<void>;
}

/** The image encoder on this thread: each run holds the event loop until it ends (onnxruntime-node runs synchronously). */
export async function openImageSession(file: string, dir: string, threads: number): Promise<ImageSession> {
  const session = await openSession(file, dir, threads);
  try {
    const io = visionIo(session, file, dir);
    return {
      io,
      async run(pixels, dims) {
        const out = (await session.run({ [io.input]: new ort.Tensor('float32', pixels, dims) }, [io.output]))[io.output];
        return { type: out.type, dims: out.dims, data: out.data as Float32Array };
      },
      release: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
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
      session = await ort.InferenceSession.create(workerData.file, workerData.options);
      parentPort.postMessage({ id: m.id, ok: true, meta: meta(session) });
    } else if (m.kind === 'run') {
      const result = await session.run({ [m.input]: new ort.Tensor('float32', m.pixels, m.dims) }, [m.output]);
      const out = result[m.output];
      const data = new Float32Array(out.data);
      parentPort.postMessage({ id: m.id, ok: true, type: out.type, dims: out.dims, data }, [data.buffer]);
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
  meta?: Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'>;
  type?: string;
  dims?: number[];
  data?: Float32Array;
}

/**
 * The image encoder on a worker thread: its runs (hundreds of milliseconds for a batch)
 * leave the event loop free, so a process that indexes can answer queries meanwhile
 * (the desktop app's engine, `photo-search serve`). Pixels are copied to the worker,
 * embeddings transferred back. A run that fails rejects with ModelError; a worker that
 * dies rejects every run in flight.
 * @throws ModelError when the file is not a loadable image encoder
 */
export async function openImageSessionInWorker(file: string, dir: string, threads: number): Promise<ImageSession> {
  const onnxruntime = createRequire(import.meta.url).resolve('onnxruntime-node');
  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { onnxruntime, file, options } });
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
  worker.on('error', (err) => fail(new ModelError('model-invalid', dir, `${file}: the image encoder's thread failed: ${errorMessage(err)}`, { cause: err })));
  worker.on('exit', (code) => fail(new ModelError('model-invalid', dir, `${file}: the image encoder's thread stopped (exit code ${code})`)));
  const ask = (message: Record<string, unknown>, transfer: readonly Transferable[] = []): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id }, transfer as never);
    });

  let io: VisionIo;
  try {
    const opened = await ask({ kind: 'open' });
    io = visionIo(opened.meta as ort.InferenceSession, file, dir);
  } catch (err) {
    await worker.terminate();
    if (err instanceof ModelError && /is not a loadable/.test(err.message)) throw err;
    throw new ModelError('model-invalid', dir, `${file} is not a loadable ONNX model: ${errorMessage(err)}`, { cause: err });
  }
  return {
    io,
    async run(pixels, dims) {
      const r = await ask({ kind: 'run', input: io.input, output: io.output, pixels, dims });
      return { type: r.type!, dims: r.dims!, data: r.data! };
    },
    async release() {
      await ask({ kind: 'release' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
