import * as ort from './onnxruntime.ts';
import { openSessionInWorker, type RawTensor } from './session-worker.ts';
import { openSession, sessionOptions, textIo, type TextIo } from './session.ts';

/** An opened text encoder: its inputs and outputs, and a run over a batch of token ids. */
export interface TextSession {
  io: TextIo;
  /** Runs the graph on token ids (and the mask), `[batch, sequence]` each; returns the embeddings output, `[batch, D]`. */
  run(feeds: Record<string, RawTensor>): Promise<RawTensor>;
  release(): Promise<void>;
}

/**
 * Opens the text encoder, tuned for single queries (session.ts 'queries'), on this
 * thread or on a worker thread (session-worker.ts). On a worker, loading it leaves
 * the event loop free: a process opening a library reads the library's vectors and
 * prepares its search while the encoder loads, instead of after it (measured at 100,000
 * photos: open to first answer down by about 250 ms); each query then pays a message to
 * the worker and back (a few tenths of a millisecond).
 * @throws ModelError when the file is not a loadable text encoder
 */
export async function openTextSession(file: string, dir: string, threads: number, inWorker: boolean): Promise<TextSession> {
  if (inWorker) {
    const session = await openSessionInWorker(file, dir, sessionOptions(threads, 'queries'), 'text encoder');
    try {
      const io = textIo(session.meta, file, dir);
      return { io, run: (feeds) => session.run(feeds, io.output), release: () => session.release() };
    } catch (err) {
      await session.release();
      throw err;
    }
  }
  const session = await openSession(file, dir, threads, 'queries');
  try {
    const io = textIo(session, file, dir);
    return {
      io,
      async run(feeds) {
        const tensors: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.type as 'int64', t.data as BigInt64Array, t.dims);
        const out = (await session.run(tensors, [io.output]))[io.output];
        return { type: out.type, dims: out.dims, data: out.data as Float32Array };
      },
      release: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}
