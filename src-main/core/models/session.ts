import * as ort from './onnxruntime.ts';
import { ModelError } from '../errors.ts';
import { sessionSource } from './mapped-weights.ts';
import { unloadableModel } from './model-file-problem.ts';
import type { RawTensor, SessionMeta } from './session-worker.ts';

type TensorMetadata = ort.InferenceSession.TensorValueMetadata;
export type IdType = 'int64' | 'int32';

export interface VisionIo {
  input: string;
  output: string;
  /** Fixed [height, width] when the graph declares them. */
  size: [number, number] | undefined;
  dim: number | undefined;
}

export interface TextIo {
  ids: { name: string; type: IdType };
  mask: { name: string; type: IdType } | undefined;
  output: string;
  /** Fixed sequence length when the graph declares one. */
  sequence: number | undefined;
  dim: number | undefined;
}

/** How a session is tuned: for throughput (image batches) or for short, occasional runs in little memory (one query's text). */
export type SessionUse = 'batches' | 'queries';

/**
 * Opens an ONNX graph on the CPU. For 'queries' the session's threads sleep as soon as
 * a run ends instead of spinning for more work (onnxruntime's
 * session.intra_op.allow_spinning), so they do not take the cores from an index run's
 * image batches, and the graph is optimised up to 'extended': the 'all' level adds
 * onnxruntime's CPU layout transformations, which keep a second copy of the weight
 * matrices (measured on the ViT-B/32-shaped text tower: 476 MB resident instead of
 * 382 MB, for the same encoding time).
 */
export async function openSession(file: string, dir: string, intraOpThreads: number, use: SessionUse = 'batches'): Promise<ort.InferenceSession> {
  try {
    const source = sessionSource(file, sessionOptions(intraOpThreads, use));
    return await ort.InferenceSession.create(source.model as Uint8Array, source.options);
  } catch (err) {
    throw unloadableModel(file, dir, err);
  }
}

/** The session options openSession uses, for a session opened elsewhere (session-worker.ts). */
export function sessionOptions(intraOpThreads: number, use: SessionUse): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: use === 'queries' ? 'extended' : 'all',
    intraOpNumThreads: intraOpThreads,
    ...(use === 'queries' ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
}

function tensorMeta(session: SessionMeta, name: string, kind: 'input' | 'output', file: string, dir: string): TensorMetadata {
  const list = kind === 'input' ? session.inputMetadata : session.outputMetadata;
  const meta = list.find((m) => m.name === name);
  if (!meta?.isTensor) throw new ModelError('model-invalid', dir, `${file}: ${kind} ${name} is not a tensor`);
  return meta;
}

/** The first of the conventional names present, or the only one there is. */
function pick(names: readonly string[], preferred: readonly string[], what: string, file: string, dir: string): string {
  const found = preferred.find((p) => names.includes(p)) ?? (names.length === 1 ? names[0] : undefined);
  if (found === undefined) {
    throw new ModelError(
      'model-invalid',
      dir,
      `${file}: cannot tell which is the ${what} among [${names.join(', ')}] (expected one of ${preferred.join(', ')})`,
    );
  }
  return found;
}

const fixed = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);

function idType(meta: TensorMetadata, file: string, dir: string): IdType {
  if (meta.type === 'int64' || meta.type === 'int32') return meta.type;
  throw new ModelError('model-invalid', dir, `${file}: input ${meta.name} is ${meta.type}, expected int64 or int32 token ids`);
}

function embeddingDim(meta: TensorMetadata, file: string, dir: string): number | undefined {
  if (meta.shape.length !== 0 && meta.shape.length !== 2) {
    throw new ModelError('model-invalid', dir, `${file}: output ${meta.name} has shape [${meta.shape.join(', ')}], expected [batch, dim]`);
  }
  return fixed(meta.shape[1]);
}

export function visionIo(session: SessionMeta, file: string, dir: string): VisionIo {
  const input = pick(session.inputNames, ['pixel_values', 'image'], 'image input', file, dir);
  const output = pick(session.outputNames, ['image_embeds', 'embedding', 'embeddings'], 'image embedding output', file, dir);
  const inMeta = tensorMeta(session, input, 'input', file, dir);
  if (inMeta.type !== 'float32' || (inMeta.shape.length !== 0 && inMeta.shape.length !== 4)) {
    throw new ModelError(
      'model-invalid',
      dir,
      `${file}: input ${input} is ${inMeta.type} [${inMeta.shape.join(', ')}], expected float32 [batch, 3, height, width]`,
    );
  }
  const h = fixed(inMeta.shape[2]);
  const w = fixed(inMeta.shape[3]);
  return {
    input,
    output,
    size: h !== undefined && w !== undefined ? [h, w] : undefined,
    dim: embeddingDim(tensorMeta(session, output, 'output', file, dir), file, dir),
  };
}

export function textIo(session: SessionMeta, file: string, dir: string): TextIo {
  const idsName = pick(session.inputNames, ['input_ids', 'text'], 'token id input', file, dir);
  const maskName = session.inputNames.includes('attention_mask') ? 'attention_mask' : undefined;
  const unknown = session.inputNames.filter((n) => n !== idsName && n !== maskName);
  if (unknown.length > 0) {
    throw new ModelError('model-invalid', dir, `${file}: text inputs [${unknown.join(', ')}] are not supported (only token ids and attention_mask are fed)`);
  }
  const output = pick(session.outputNames, ['text_embeds', 'embedding', 'embeddings'], 'text embedding output', file, dir);
  const idsMeta = tensorMeta(session, idsName, 'input', file, dir);
  if (idsMeta.shape.length !== 0 && idsMeta.shape.length !== 2) {
    throw new ModelError('model-invalid', dir, `${file}: input ${idsName} has shape [${idsMeta.shape.join(', ')}], expected [batch, sequence]`);
  }
  const mask = maskName ? { name: maskName, type: idType(tensorMeta(session, maskName, 'input', file, dir), file, dir) } : undefined;
  return {
    ids: { name: idsName, type: idType(idsMeta, file, dir) },
    mask,
    output,
    sequence: fixed(idsMeta.shape[1]),
    dim: embeddingDim(tensorMeta(session, output, 'output', file, dir), file, dir),
  };
}

/** Token ids (or a mask) as the text graph takes them: `dims` [batch, sequence] of int64 or int32. */
export function idTensor(values: Int32Array, type: IdType, dims: readonly number[]): RawTensor {
  if (type === 'int32') return { type, data: values, dims };
  const wide = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) wide[i] = BigInt(values[i]);
  return { type, data: wide, dims };
}
