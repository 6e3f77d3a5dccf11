import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder, attr } from '../../fixtures/onnx/builder.ts';

const { onnx } = onnxProto;

async function session(g: OnnxGraphBuilder): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(g.serialize(), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
}

describe('OnnxGraphBuilder', () => {
  it('builds a graph onnxruntime runs, with symbolic dimensions kept', async () => {
    const g = new OnnxGraphBuilder('affine');
    const x = g.input('x', 'float32', ['batch', 2]);
    const y = g.op('Gemm', [x, g.float('w', [1, 2, 3, 4], [2, 2]), g.float('b', [10, 20])], { alpha: attr.float(2), transB: attr.int(1) });
    g.op('ReduceSum', [y, g.int64('axes', [1])], { keepdims: attr.int(0) }, 'sum');
    g.output('sum', 'float32', ['batch']);
    const s = await session(g);
    expect(s.inputMetadata[0]).toMatchObject({ name: 'x', type: 'float32', shape: ['batch', 2] });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 0, 1]), [2, 2]) });
    // alpha * x @ w^T + b: [2*3+10, 2*7+20] = [16, 34] -> 50; [2*2+10, 2*4+20] = [14, 28] -> 42
    expect([...(out.sum.data as Float32Array)]).toEqual([50, 42]);
    await s.release();
  });

  it('writes string, ints and floats attributes', async () => {
    const g = new OnnxGraphBuilder('pad');
    const x = g.input('x', 'float32', [3]);
    const padded = g.op('Pad', [x, g.int64('pads', [1, 1])], { mode: attr.string('reflect') });
    g.op('Mul', [padded, g.op('Constant', [], { value_floats: attr.floats([1, 2, 3, 4, 5]) })], {}, 'y');
    g.output('y', 'float32', [5]);
    const s = await session(g);
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) });
    expect([...(out.y.data as Float32Array)]).toEqual([2, 2, 6, 12, 10]);
    await s.release();
  });

  it('writes subgraph and tensor attributes (If with two branches)', async () => {
    const branch = (name: string, value: number): OnnxGraphBuilder => {
      const b = new OnnxGraphBuilder(name);
      b.op('Constant', [], { value: attr.tensor('float32', Float32Array.from([value]), [1]) }, `${name}_out`);
      b.output(`${name}_out`, 'float32', [1]);
      return b;
    };
    const g = new OnnxGraphBuilder('choose');
    const cond = g.input('cond', 'bool', []);
    g.op('If', [cond], { then_branch: attr.graph(branch('then', 1)), else_branch: attr.graph(branch('else', -1)) }, 'y');
    g.output('y', 'float32', [1]);
    const s = await session(g);
    const yes = await s.run({ cond: new ort.Tensor('bool', Uint8Array.from([1]), []) });
    const no = await s.run({ cond: new ort.Tensor('bool', Uint8Array.from([0]), []) });
    expect([yes.y.data[0], no.y.data[0]]).toEqual([1, -1]);
    await s.release();
  });

  it('stores initializers as little-endian raw data', () => {
    const g = new OnnxGraphBuilder('raw');
    g.float('f', [1.5, -2]);
    g.int64('i', [1, -1]);
    const model = onnx.ModelProto.decode(g.serialize());
    const [f, i] = model.graph!.initializer!;
    const fb = Buffer.from(f.rawData!);
    const ib = Buffer.from(i.rawData!);
    expect([fb.readFloatLE(0), fb.readFloatLE(4)]).toEqual([1.5, -2]);
    expect([ib.readBigInt64LE(0), ib.readBigInt64LE(8)]).toEqual([1n, -1n]);
    expect(Number(model.opsetImport[0].version)).toBe(17);
  });

  it('rejects an initializer whose data does not fill its shape, and a value name used twice', () => {
    const g = new OnnxGraphBuilder('bad');
    expect(() => g.float('w', [1, 2, 3], [2, 2])).toThrow(/3 values for shape \[2, 2\]/);
    g.float('v', [1]);
    expect(() => g.float('v', [2])).toThrow(/used twice/);
  });
});
