import onnxProto from 'onnx-proto';
import * as ort from './onnxruntime.ts';
import { ModelError, errorMessage } from '../errors.ts';
import { cpuFeatures, type CpuFeatures } from './cpu-features.ts';

const { onnx } = onnxProto;

/**
 * How onnxruntime's u8 × s8 integer matrix product, which dynamically quantized models
 * run on (MatMulInteger, fused into DynamicQuantizeMatMul), behaves on this CPU:
 * - exact: the products reach their 32-bit sums intact (x86 with AVX-512 VNNI, AVX-VNNI
 *   or AMX, whose vpdpbusd and tile products add straight into 32 bits; ARM's kernels, as
 *   far as the probe can tell);
 * - saturating: pairs of u8·s8 products are first added into a signed 16-bit value that
 *   clamps at ±32,767 (vpmaddubsw: x86 with AVX2 or AVX-512 but no VNNI). Full-range
 *   8-bit weights overflow it (255 · 127 · 2 = 64,770), so int8 embeddings drift from
 *   fp32; weights within ±64 ("reduce_range" in onnxruntime's quantizer) cannot
 *   (255 · 64 · 2 = 32,640). onnxruntime's quantization guide describes this under
 *   "When and why do I need to try U8U8?".
 */
export type Int8Kernel = 'exact' | 'saturating';

/** Rows of activations and columns of weights in the probe; K must be even so products pair up. */
const M = 4;
const K = 32;
const N = 2;
const ACTIVATION = 255;
const WEIGHTS = [127, -127];

/**
 * One MatMulInteger: uint8 activations [M, K] times a constant int8 weight matrix
 * [K, N] (a column of +127 and one of -127), which onnxruntime packs and runs through
 * the same MLAS kernel as a quantized model's weight matrices.
 */
function probeModel(): Uint8Array {
  const { DataType } = onnx.TensorProto;
  const weights = new Int8Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) weights[k * N + n] = WEIGHTS[n];
  const tensorType = (elemType: number, dims: number[]) => ({
    tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'int8_kernel_probe',
      node: [{ opType: 'MatMulInteger', input: ['a', 'b'], output: ['y'] }],
      initializer: [{ name: 'b', dataType: DataType.INT8, dims: [K, N], rawData: new Uint8Array(weights.buffer) }],
      input: [{ name: 'a', type: tensorType(DataType.UINT8, [M, K]) }],
      output: [{ name: 'y', type: tensorType(DataType.INT32, [M, N]) }],
    },
  }).finish();
}

/**
 * Runs the probe: exact when every output is ±255 · 127 · K, saturating otherwise.
 * Throws ModelError when onnxruntime cannot run it (a broken install).
 */
async function probe(): Promise<Int8Kernel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(probeModel(), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  } catch (err) {
    throw new ModelError('model-invalid', 'onnxruntime-node', `onnxruntime cannot run its int8 matrix product here: ${errorMessage(err)}`, { cause: err });
  }
  try {
    const a = new ort.Tensor('uint8', new Uint8Array(M * K).fill(ACTIVATION), [M, K]);
    const y = (await session.run({ a })).y.data as Int32Array;
    const exact = y.every((value, i) => value === ACTIVATION * WEIGHTS[i % N] * K);
    return exact ? 'exact' : 'saturating';
  } finally {
    await session.release();
  }
}

let cached: Promise<Int8Kernel> | undefined;

/**
 * Asks onnxruntime itself, once per process (a few milliseconds), rather than inferring
 * from CPU flags: it is what decides, on every OS, whatever the flags say.
 */
export function int8Kernel(): Promise<Int8Kernel> {
  if (!cached) {
    cached = probe();
    cached.catch(() => (cached = undefined));
  }
  return cached;
}

/** The processor's name, flags and int8 kernel; the kernel is null when onnxruntime could not run the probe. */
export async function describeCpu(): Promise<CpuFeatures & { int8Kernel: Int8Kernel | null }> {
  return { ...cpuFeatures(), int8Kernel: await int8Kernel().catch(() => null) };
}
