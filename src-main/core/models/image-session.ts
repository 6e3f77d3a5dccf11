import * as ort from './onnxruntime.ts';
import { openSessionInWorker } from './session-worker.ts';
import { openSession, sessionOptions, visionIo, type VisionIo } from './session.ts';

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
 * The image encoder on a worker thread (session-worker.ts): its runs (hundreds of
 * milliseconds for a batch) leave the event loop free, so a process that indexes can
 * answer queries meanwhile (the desktop app's engine, `photo-search serve`). Pixels are
 * copied to the worker, embeddings transferred back.
 * @throws ModelError when the file is not a loadable image encoder
 */
export async function openImageSessionInWorker(file: string, dir: string, threads: number): Promise<ImageSession> {
  const session = await openSessionInWorker(file, dir, sessionOptions(threads, 'batches'), 'image encoder');
  try {
    const io = visionIo(session.meta, file, dir);
    return {
      io,
      async run(pixels, dims) {
        const out = await session.run({ [io.input]: { type: 'float32', data: pixels, dims } }, io.output);
        return { type: out.type, dims: out.dims, data: out.data as Float32Array };
      },
      release: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}
