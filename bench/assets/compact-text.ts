import onnxProto from 'onnx-proto';
import { ModelError } from '../../src-main/core/errors.ts';
import { writeHalves } from '../../src-main/core/vectors/half-float.ts';

const { onnx } = onnxProto;
type TensorProto = onnxProto.onnx.ITensorProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;
const INT8 = onnx.TensorProto.DataType.INT8;
const INT64 = onnx.TensorProto.DataType.INT64;

/**
 * How the token embedding table of a text encoder is stored: as exported (float32),
 * as halves (float16, cast back on lookup; values under 2^-14 become zero, vectors/half-float.ts), or as int8 with one float32 scale per
 * token (symmetric, the row's largest magnitude at 127). Only the rows of the tokens in
 * a query are ever read, so the cast costs nothing measurable, while the table is most
 * of a large-vocabulary tower: SigLIP 2's Gemma vocabulary of 256,000 tokens at width
 * 768 is 786 MB of its 1.1 GB text encoder in float32, 393 MB in float16 and 197 MB
 * in int8.
 *
 * The models section measures these variants against the app's own way of opening an
 * encoder (src-main/core/models/mapped-weights.ts): with the weights memory-mapped, the
 * table's unread rows are never resident, so a compact table saves disk, not memory,
 * and the app does not offer one.
 */
export type EmbeddingTable = 'float16' | 'int8';

/** A table smaller than this many rows (tokens) is left alone: CLIP's 49,408 are 101 MB at width 512, a fraction of its tower. */
export const COMPACT_MIN_VOCABULARY = 100_000;

function rawFloats(t: TensorProto): Float32Array {
  const raw = t.rawData;
  if (!raw || raw.length === 0) {
    if (t.floatData && t.floatData.length > 0) return Float32Array.from(t.floatData);
    throw new Error(`initializer ${t.name} holds no data`);
  }
  // A copy: raw_data need not be 4-byte aligned inside the model buffer.
  const out = new Float32Array(raw.length / 4);
  new Uint8Array(out.buffer).set(raw);
  return out;
}

function halves(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  writeHalves(values, out, 0);
  return out;
}

/** Symmetric int8 per row: [rows, width] values and one scale per row. */
function int8Rows(values: Float32Array, rows: number, width: number): { data: Int8Array; scales: Float32Array } {
  const data = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = r * width; i < (r + 1) * width; i++) max = Math.max(max, Math.abs(values[i]));
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    for (let i = r * width; i < (r + 1) * width; i++) data[i] = Math.round(values[i] / scale);
  }
  return { data, scales };
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Rewrites a text encoder (ONNX bytes) so that its token embedding table (the float32
 * initializer of at least COMPACT_MIN_VOCABULARY rows that a Gather reads rows of) is
 * stored as `table`; every other node and weight is kept as it is. The lookup becomes
 * Gather + Cast (float16), or Gather + Cast times the gathered row scales (int8).
 * Returns the new model's bytes. Little-endian hosts only, as ONNX raw data is.
 * @throws ModelError when the graph has no such table or is not a readable ONNX model
 */
export function compactTextEncoder(model: Uint8Array, table: EmbeddingTable, subject: string): Buffer {
  let proto: onnxProto.onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(model);
  } catch (err) {
    throw new ModelError('model-invalid', subject, `${subject} is not a readable ONNX model (${(err as Error).message})`, { cause: err });
  }
  const graph = proto.graph;
  const initializers = graph?.initializer ?? [];
  const byName = new Map(initializers.map((t, i) => [t.name ?? '', i]));
  const gather = graph?.node?.find((n) => {
    if (n.opType !== 'Gather' || !n.input || n.input.length < 2) return false;
    const t = initializers[byName.get(n.input[0]) ?? -1];
    return t !== undefined && t.dataType === FLOAT && t.dims?.length === 2 && Number(t.dims[0]) >= COMPACT_MIN_VOCABULARY;
  });
  if (!graph || !gather) {
    throw new ModelError('model-invalid', subject, `${subject} has no token embedding table of ${COMPACT_MIN_VOCABULARY} tokens or more to store compactly`);
  }
  const [table0, ids] = gather.input ?? [];
  const gathered = (gather.output ?? [])[0];
  const attribute = gather.attribute ?? [];
  const index = byName.get(table0)!;
  const original = initializers[index];
  const [rows, width] = (original.dims ?? []).map(Number);
  const values = rawFloats(original);
  const name = original.name ?? 'token_embedding';
  const nodes = [...(graph.node ?? [])];
  const at = nodes.indexOf(gather);
  if (table === 'float16') {
    initializers[index] = { name: `${name}.float16`, dataType: FLOAT16, dims: [rows, width], rawData: bytesOf(halves(values)) };
    nodes.splice(
      at,
      1,
      onnx.NodeProto.create({ opType: 'Gather', input: [`${name}.float16`, ids], output: [`${gathered}.float16`], attribute }),
      onnx.NodeProto.create({
        opType: 'Cast',
        input: [`${gathered}.float16`],
        output: [gathered],
        attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
      }),
    );
  } else {
    const { data, scales } = int8Rows(values, rows, width);
    initializers[index] = { name: `${name}.int8`, dataType: INT8, dims: [rows, width], rawData: bytesOf(data) };
    initializers.push(
      { name: `${name}.scale`, dataType: FLOAT, dims: [rows], rawData: bytesOf(scales) },
      { name: `${name}.last_axis`, dataType: INT64, dims: [1], rawData: bytesOf(BigInt64Array.of(-1n)) },
    );
    const node = (opType: string, input: string[], output: string, attribute: onnxProto.onnx.IAttributeProto[] = []) =>
      onnx.NodeProto.create({ opType, input, output: [output], attribute });
    nodes.splice(
      at,
      1,
      node('Gather', [`${name}.int8`, ids], `${gathered}.int8`, attribute),
      node('Cast', [`${gathered}.int8`], `${gathered}.unscaled`, [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }]),
      node('Gather', [`${name}.scale`, ids], `${gathered}.scale`, attribute),
      node('Unsqueeze', [`${gathered}.scale`, `${name}.last_axis`], `${gathered}.row_scale`),
      node('Mul', [`${gathered}.unscaled`, `${gathered}.row_scale`], gathered),
    );
  }
  graph.node = nodes;
  graph.initializer = initializers;
  const bytes = onnx.ModelProto.encode(proto).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
