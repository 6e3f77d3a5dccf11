import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError, ModelError, errorMessage } from '../errors.ts';
import { readModelConfig } from './config.ts';
import { weightsFingerprint } from './identity.ts';
import { detectModelLayout, type ModelFiles } from './layout.ts';
import { preprocessVersion } from './preprocess.ts';
import { idTensor, openSession, textIo, visionIo, type TextIo, type VisionIo } from './session.ts';
import { TextTokenizer, type TokenBatch } from './tokenizer.ts';
import type { ClipModel, LoadModelOptions, PreprocessSpec } from './types.ts';

/** CLIP's context length, for models whose config does not state one. */
const DEFAULT_CONTEXT_LENGTH = 77;
/** Texts per text-graph run: bounds memory when a caller embeds hundreds of prompts at once. */
const TEXT_CHUNK = 64;

function normalisedRows(data: Float32Array, count: number, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let r = 0; r < count; r++) {
    const row = data.slice(r * dim, (r + 1) * dim);
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += row[i] * row[i];
    // A zero vector stays zero: dividing would fill it with NaN and poison every score.
    if (sum > 0) {
      const inv = 1 / Math.sqrt(sum);
      for (let i = 0; i < dim; i++) row[i] *= inv;
    }
    rows.push(row);
  }
  return rows;
}

export class OnnxClipModel implements ClipModel {
  readonly name: string;
  readonly preprocessVersion: string;
  private disposed = false;

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly dim: number,
    readonly preprocess: PreprocessSpec,
    readonly contextLength: number,
    private readonly files: ModelFiles,
    private readonly vision: { session: ort.InferenceSession; io: VisionIo },
    private readonly text: { session: ort.InferenceSession; io: TextIo },
    private readonly tokenizer: TextTokenizer,
    /** Pad every text to this length instead of to the longest in its batch. */
    private readonly padTo: number | undefined,
  ) {
    this.name = path.basename(dir);
    this.preprocessVersion = preprocessVersion(preprocess);
  }

  get variant(): ModelFiles['variant'] {
    return this.files.variant;
  }

  private live(): void {
    if (this.disposed) throw new ModelError('model-missing', this.dir, `Model ${this.name} was unloaded; load it again to embed.`);
  }

  /** The token batch encodeTexts feeds to the text graph for these texts. */
  tokenize(texts: readonly string[]): TokenBatch {
    return this.tokenizer.batch(texts, this.padTo);
  }

  private async run(which: 'vision' | 'text', feeds: Record<string, ort.Tensor>, count: number): Promise<Float32Array[]> {
    const { session, io } = this[which];
    const file = which === 'vision' ? this.files.vision : this.files.text;
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await session.run(feeds, [io.output]);
    } catch (err) {
      throw new ModelError('model-invalid', this.dir, `${file} failed to run: ${errorMessage(err)}`, { cause: err });
    }
    const out = result[io.output];
    if (out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== count || out.dims[1] !== this.dim) {
      throw new ModelError(
        'model-invalid',
        this.dir,
        `${file}: output ${io.output} is ${out.type} [${out.dims.join(', ')}], expected float32 [${count}, ${this.dim}]`,
      );
    }
    return normalisedRows(out.data as Float32Array, count, this.dim);
  }

  async encodeImages(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    this.live();
    const { width, height } = this.preprocess;
    const expected = count * 3 * height * width;
    if (!Number.isInteger(count) || count < 0 || pixels.length !== expected) {
      throw new InputError(String(count), `encodeImages: ${pixels.length} values given for ${count} images of 3x${height}x${width} (${expected} expected)`);
    }
    if (count === 0) return [];
    const tensor = new ort.Tensor('float32', pixels, [count, 3, height, width]);
    return this.run('vision', { [this.vision.io.input]: tensor }, count);
  }

  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    this.live();
    const rows: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += TEXT_CHUNK) {
      const batch = this.tokenize(texts.slice(start, start + TEXT_CHUNK));
      const dims = [batch.count, batch.length];
      const { ids, mask } = this.text.io;
      const feeds: Record<string, ort.Tensor> = { [ids.name]: idTensor(batch.ids, ids.type, dims) };
      if (mask) feeds[mask.name] = idTensor(batch.attentionMask, mask.type, dims);
      rows.push(...(await this.run('text', feeds, batch.count)));
    }
    return rows;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([this.vision.session.release(), this.text.session.release()]);
  }
}

async function openBoth(files: ModelFiles, threads: number): Promise<[ort.InferenceSession, ort.InferenceSession]> {
  const [vision, text] = await Promise.allSettled([openSession(files.vision, files.dir, threads), openSession(files.text, files.dir, threads)]);
  if (vision.status === 'fulfilled' && text.status === 'fulfilled') return [vision.value, text.value];
  await Promise.all([vision, text].flatMap((s) => (s.status === 'fulfilled' ? [s.value.release()] : [])));
  throw (vision.status === 'rejected' ? vision.reason : (text as PromiseRejectedResult).reason) as Error;
}

/**
 * Loads a model directory (Hugging Face ONNX or Immich layout). Input and output
 * names, the attention-mask input and fixed shapes are read from the sessions.
 */
export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<ClipModel> {
  const files = await detectModelLayout(dir, opts.variant);
  const config = await readModelConfig(files);
  const threads = opts.intraOpThreads ?? os.availableParallelism();
  const [visionSession, textSession] = await openBoth(files, threads);
  try {
    const vision = visionIo(visionSession, files.vision, files.dir);
    const text = textIo(textSession, files.text, files.dir);
    const spec = config.preprocess;
    if (vision.size && (vision.size[0] !== spec.height || vision.size[1] !== spec.width)) {
      throw new ModelError(
        'model-invalid',
        files.dir,
        `${files.vision} takes ${vision.size[0]}x${vision.size[1]} images but ${files.preprocessor} prepares ${spec.height}x${spec.width}`,
      );
    }
    const dim = vision.dim ?? text.dim ?? config.projectionDim;
    if (dim === undefined)
      throw new ModelError('model-invalid', files.dir, `${files.dir}: neither the ONNX outputs nor ${files.config} state the embedding dimension`);
    for (const [what, d] of [
      ['image', vision.dim],
      ['text', text.dim],
    ] as const) {
      if (d !== undefined && d !== dim)
        throw new ModelError('model-invalid', files.dir, `${files.dir}: ${what} embeddings have ${d} dimensions, expected ${dim}`);
    }
    const contextLength = text.sequence ?? config.contextLength ?? DEFAULT_CONTEXT_LENGTH;
    const tokenizer = await TextTokenizer.load(files, contextLength);
    // The weights alone name the model: moving or renaming its folder must not orphan the library's embeddings.
    const id = `${dim}d-${await weightsFingerprint([files.vision, files.text], files.dir)}`;
    const padTo = text.sequence ?? (config.padToContext ? contextLength : undefined);
    return new OnnxClipModel(
      id,
      files.dir,
      dim,
      spec,
      contextLength,
      files,
      { session: visionSession, io: vision },
      { session: textSession, io: text },
      tokenizer,
      padTo,
    );
  } catch (err) {
    await Promise.all([visionSession.release(), textSession.release()]);
    throw err;
  }
}
