import { assembleModule, op, type Code, type WasmFunction } from './wasm-assembler.ts';

/**
 * Dot products of one float32 query with many float16 rows, in WebAssembly SIMD
 * (128-bit lanes, which every x86-64 and ARM64 CPU Node runs on has). A scan over a
 * library's vectors is bound by memory bandwidth: float16 rows halve the bytes read,
 * and converting them costs three integer instructions per four values.
 *
 * The conversion: a half's sign-extended 16 bits, shifted left by 13 and masked to
 * 0x8FFFFFFF, are the bits of a float32 with the half's sign, exponent and mantissa
 * in place, worth the half's value times 2^-112 (the exponent biases differ by
 * 127 - 15). The query is multiplied by 2^112 once instead, so each product is the
 * true one. This holds for normal halves and zero; the writer (half-float.ts)
 * flushes subnormal halves to zero, and unit vectors hold no infinities.
 */
export const QUERY_SCALE = 2 ** 112;

/** Row length in values must be a multiple of this (8 halves per 16-byte load). */
export const HALF_LANES = 8;

/** Where a kernel keeps its parameters (local indices). */
interface Params {
  query: number;
  count: number;
  dim: number;
  out: number;
}

const MASK = [0xff, 0xff, 0xff, 0x8f];

/**
 * Body shared by both kernels: `row` is a local holding the current row's address;
 * accumulates the row's dot product with the scaled query and stores it at `out`.
 */
function dotRow(p: Params, row: number, end: number, q: number, acc0: number, acc1: number, x: number): Code[] {
  const half = (extend: Code, acc: number, qOffset: number): Code[] => [
    op.localGet(acc),
    op.localGet(x),
    extend,
    op.i32Const(13),
    op.i32x4Shl,
    op.v128Const([...MASK, ...MASK, ...MASK, ...MASK]),
    op.v128And,
    op.localGet(q),
    op.v128Load(qOffset),
    op.f32x4Mul,
    op.f32x4Add,
    op.localSet(acc),
  ];
  const zero = op.v128Const(Array<number>(16).fill(0));
  return [
    [...zero, ...op.localSet(acc0)],
    [...zero, ...op.localSet(acc1)],
    op.localGet(p.query),
    op.localSet(q),
    op.localGet(row),
    op.localGet(p.dim),
    op.i32Const(1),
    op.i32Shl,
    op.i32Add,
    op.localSet(end),
    op.loop,
    op.localGet(row),
    op.v128Load(0),
    op.localSet(x),
    ...half(op.i32x4ExtendLowI16x8S, acc0, 0),
    ...half(op.i32x4ExtendHighI16x8S, acc1, 16),
    op.localGet(q),
    op.i32Const(32),
    op.i32Add,
    op.localSet(q),
    op.localGet(row),
    op.i32Const(16),
    op.i32Add,
    op.localTee(row),
    op.localGet(end),
    op.i32LtU,
    op.brIf(0),
    op.end,
    // Horizontal sum of both accumulators into out[0].
    op.localGet(p.out),
    op.localGet(acc0),
    op.localGet(acc1),
    op.f32x4Add,
    op.localTee(x),
    op.f32x4ExtractLane(0),
    op.localGet(x),
    op.f32x4ExtractLane(1),
    op.f32Add,
    op.localGet(x),
    op.f32x4ExtractLane(2),
    op.localGet(x),
    op.f32x4ExtractLane(3),
    op.f32Add,
    op.f32Add,
    op.f32Store(0),
  ];
}

/** Loop `count` times over `body`, advancing `out` by one float each time. */
function eachOutput(p: Params, body: Code[]): Code[] {
  return [
    op.block,
    op.localGet(p.count),
    op.i32Eqz,
    op.brIf(0),
    op.loop,
    ...body,
    op.localGet(p.out),
    op.i32Const(4),
    op.i32Add,
    op.localSet(p.out),
    op.localGet(p.count),
    op.i32Const(1),
    op.i32Sub,
    op.localTee(p.count),
    op.brIf(0),
    op.end,
    op.end,
  ];
}

/** scores(query, rows, count, dim, out): out[r] = query · rows[r] for r < count, rows back to back. */
const scores: WasmFunction = (() => {
  const p: Params = { query: 0, count: 2, dim: 3, out: 4 };
  const rows = 1;
  const [row, end, q, acc0, acc1, x] = [5, 6, 7, 8, 9, 10];
  return {
    exportName: 'scores',
    params: 5,
    locals: ['i32', 'i32', 'i32', 'v128', 'v128', 'v128'],
    body: [
      op.localGet(rows),
      op.localSet(row),
      // After each row `row` points at the next one, which is where the next dot product starts.
      ...eachOutput(p, dotRow(p, row, end, q, acc0, acc1, x)),
    ],
  };
})();

/** scoresOfRows(query, base, list, count, dim, out): out[i] = query · row list[i] of the rows at `base`. */
const scoresOfRows: WasmFunction = (() => {
  const p: Params = { query: 0, count: 3, dim: 4, out: 5 };
  const [base, list] = [1, 2];
  const [row, end, q, acc0, acc1, x] = [6, 7, 8, 9, 10, 11];
  return {
    exportName: 'scoresOfRows',
    params: 6,
    locals: ['i32', 'i32', 'i32', 'v128', 'v128', 'v128'],
    body: eachOutput(p, [
      op.localGet(base),
      op.localGet(list),
      op.i32Load(0),
      op.localGet(p.dim),
      op.i32Const(1),
      op.i32Shl,
      op.i32Mul,
      op.i32Add,
      op.localSet(row),
      ...dotRow(p, row, end, q, acc0, acc1, x),
      op.localGet(list),
      op.i32Const(4),
      op.i32Add,
      op.localSet(list),
    ]),
  };
})();

export interface HalfKernel {
  memory: WebAssembly.Memory;
  /** Writes `count` float32 scores at byte `out`: query (scaled, at byte `query`) · each row of `dim` halves from byte `rows`. */
  scores(query: number, rows: number, count: number, dim: number, out: number): void;
  /** The same for the rows whose indices (int32) are listed at byte `list`. */
  scoresOfRows(query: number, rows: number, list: number, count: number, dim: number, out: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** Instantiates the kernels over `memory` (the module is compiled once per process). */
export function halfKernel(memory: WebAssembly.Memory): HalfKernel {
  compiled ??= new WebAssembly.Module(assembleModule([scores, scoresOfRows]));
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Omit<HalfKernel, 'memory'>;
  return { memory, scores: exports.scores, scoresOfRows: exports.scoresOfRows };
}
