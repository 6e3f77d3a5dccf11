import os from 'node:os';
import path from 'node:path';
import { InputError, ModelError, errorMessage } from '../errors.ts';
import { readModelConfig } from './config.ts';
import { weightsFingerprint } from './identity.ts';
import { detectModelLayout, type ModelFiles } from './layout.ts';
import { weightsStamp } from './mapped-weights.ts';
import { preprocessVersion } from './preprocess.ts';
import { openImageSession, openImageSessionInWorker, type ImageSession } from './image-session.ts';
import type { RawTensor } from './session-worker.ts';
import { idTensor } from './session.ts';
import { openTextSession, type TextSession } from './text-session.ts';
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

type Vision = ImageSession;

export class OnnxClipModel implements ClipModel {
  readonly name: string;
  readonly preprocessVersion: string;
  private disposed = false;
  private vision: Promise<Vision> | null;
  /** The weights stamp of each encoder file, taken when its session opened (mapped-weights.ts). */
  private readonly stamps = new Map<string, string>();

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly dim: number,
    readonly preprocess: PreprocessSpec,
    readonly contextLength: number,
    private readonly files: ModelFiles,
    vision: Vision | null,
    /** Opens the image encoder; loadModel's checks of its input size and output dimension included. */
    private readonly openVision: () => Promise<Vision>,
    private readonly text: TextSession,
    private readonly tokenizer: TextTokenizer,
    /** Pad every text to this length instead of to the longest in its batch. */
    private readonly padTo: number | undefined,
  ) {
    this.name = path.basename(dir);
    this.preprocessVersion = preprocessVersion(preprocess);
    this.vision = vision ? Promise.resolve(vision) : null;
    this.stamps.set(files.text, weightsStamp(files.text));
    if (vision) this.stamps.set(files.vision, weightsStamp(files.vision));
  }

  changedOnDisk(): boolean {
    return [...this.stamps].some(([file, stamp]) => weightsStamp(file) !== stamp);
  }

  /** Whether the image encoder is in memory (it is loaded on the first image to embed). */
  get visionLoaded(): boolean {
    return this.vision !== null;
  }

  /** The image encoder, opened on first use; a failure is thrown to this caller and retried by the next. */
  private visionSession(): Promise<Vision> {
    if (!this.vision) {
      const opening = this.openVision().then((v) => {
        this.stamps.set(this.files.vision, weightsStamp(this.files.vision));
        return v;
      });
      opening.catch(() => (this.vision = null));
      this.vision = opening;
    }
    return this.vision;
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

  /** Runs one of the encoders and checks its output is `count` rows of `dim` values. */
  private async run(
    file: string,
    output: string,
    count: number,
    run: () => Promise<{ type: string; dims: readonly number[]; data: unknown }>,
  ): Promise<Float32Array[]> {
    const stamp = this.stamps.get(file);
    if (stamp !== undefined && weightsStamp(file) !== stamp) {
      throw new ModelError(
        'model-invalid',
        this.dir,
        `${file} has changed on disk since it was loaded. The model is loaded again for the next search or index run; run this one again then.`,
      );
    }
    let out: { type: string; dims: readonly number[]; data: unknown };
    try {
      out = await run();
    } catch (err) {
      throw new ModelError('model-invalid', this.dir, `${file} failed to run: ${errorMessage(err)}`, { cause: err });
    }
    if (out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== count || out.dims[1] !== this.dim) {
      throw new ModelError(
        'model-invalid',
        this.dir,
        `${file}: output ${output} is ${out.type} [${out.dims.join(', ')}], expected float32 [${count}, ${this.dim}]`,
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
    const vision = await this.visionSession();
    return this.run(this.files.vision, vision.io.output, count, () => vision.run(pixels, [count, 3, height, width]));
  }

  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    this.live();
    const rows: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += TEXT_CHUNK) {
      const batch = this.tokenize(texts.slice(start, start + TEXT_CHUNK));
      const dims = [batch.count, batch.length];
      const { ids, mask } = this.text.io;
      const feeds: Record<string, RawTensor> = { [ids.name]: idTensor(batch.ids, ids.type, dims) };
      if (mask) feeds[mask.name] = idTensor(batch.attentionMask, mask.type, dims);
      rows.push(...(await this.run(this.files.text, this.text.io.output, batch.count, () => this.text.run(feeds))));
    }
    return rows;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const vision = await this.vision?.catch(() => null);
    await Promise.all([vision?.release(), this.text.release()]);
  }
}

/**
 * Loads a model directory (Hugging Face ONNX or Immich layout). Input and output
 * names, the attention-mask input and fixed shapes are read from the sessions. With
 * `vision: 'lazy'` only the text encoder is loaded now and the image encoder on the
 * first image to embed (its problems are then thrown from encodeImages); the model's
 * id does not need it (it fingerprints the files).
 * @throws ModelError when a file is missing, unreadable or inconsistent with the others
 */
export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<ClipModel> {
  const files = await detectModelLayout(dir, opts.variant);
  const config = await readModelConfig(files);
  const threads = opts.intraOpThreads ?? os.availableParallelism();
  const spec = config.preprocess;
  // With the encoder on a worker, the tokenizer (tens of milliseconds of JavaScript) is read while it loads.
  const textOpening = openTextSession(files.text, files.dir, threads, opts.textInWorker === true);
  const tokenizerLoading = TextTokenizer.load(files, config.contextLength ?? DEFAULT_CONTEXT_LENGTH);
  tokenizerLoading.catch(() => undefined);
  const textSession = await textOpening;
  let vision: Vision | null = null;
  try {
    const text = textSession.io;
    const openVision = async (dim: number | undefined): Promise<Vision> => {
      const session = await (opts.visionInWorker ? openImageSessionInWorker : openImageSession)(files.vision, files.dir, threads);
      try {
        const io = session.io;
        if (io.size && (io.size[0] !== spec.height || io.size[1] !== spec.width)) {
          throw new ModelError(
            'model-invalid',
            files.dir,
            `${files.vision} takes ${io.size[0]}x${io.size[1]} images but ${files.preprocessor} prepares ${spec.height}x${spec.width}`,
          );
        }
        if (dim !== undefined && io.dim !== undefined && io.dim !== dim) {
          throw new ModelError('model-invalid', files.dir, `${files.dir}: image embeddings have ${io.dim} dimensions, expected ${dim}`);
        }
        return session;
      } catch (err) {
        await session.release();
        throw err;
      }
    };
    const known = text.dim ?? config.projectionDim;
    if (opts.vision !== 'lazy' || known === undefined) vision = await openVision(known);
    const dim = vision?.io.dim ?? known;
    if (dim === undefined)
      throw new ModelError('model-invalid', files.dir, `${files.dir}: neither the ONNX outputs nor ${files.config} state the embedding dimension`);
    if (text.dim !== undefined && text.dim !== dim) {
      throw new ModelError('model-invalid', files.dir, `${files.dir}: text embeddings have ${text.dim} dimensions, expected ${dim}`);
    }
    const contextLength = text.sequence ?? config.contextLength ?? DEFAULT_CONTEXT_LENGTH;
    const tokenizer = (await tokenizerLoading).withContextLength(contextLength);
    // The weights alone name the model: moving or renaming its folder must not orphan the library's embeddings.
    const id = `${dim}d-${await weightsFingerprint([files.vision, files.text], files.dir)}`;
    const padTo = text.sequence ?? (config.padToContext ? contextLength : undefined);
    return new OnnxClipModel(id, files.dir, dim, spec, contextLength, files, vision, () => openVision(dim), textSession, tokenizer, padTo);
  } catch (err) {
    await Promise.all([vision?.release(), textSession.release()]);
    throw err;
  }
}

/** What a library files a model's vectors under: the `id` and `dim` loadModel gives it, its folder and name. */
export interface ModelIdentity {
  id: string;
  dim: number;
  name: string;
  dir: string;
}

/**
 * The identity loadModel will give the model in `dir`, from its files alone (the
 * configs and a few megabytes of the encoders, no session), so that a caller can start
 * reading the model's vector index while the encoder loads. Null when only the
 * encoders state the embedding dimension; loadModel's own identity is the one that
 * counts when the two differ.
 * @throws ModelError as loadModel does for a directory that is not a model
 */
export async function identifyModel(dir: string, variant?: LoadModelOptions['variant']): Promise<ModelIdentity | null> {
  const files = await detectModelLayout(dir, variant);
  const dim = (await readModelConfig(files)).projectionDim;
  if (dim === undefined) return null;
  return { id: `${dim}d-${await weightsFingerprint([files.vision, files.text], files.dir)}`, dim, name: path.basename(files.dir), dir: files.dir };
}
