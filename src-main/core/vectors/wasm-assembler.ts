/**
 * Just enough of the WebAssembly binary format (WebAssembly Core Specification 2.0,
 * chapter 5, and the fixed-width SIMD proposal merged into it) to write the few small
 * kernels this app runs over vectors: one imported memory, functions of i32
 * parameters, and the instructions below. Writing the bytes here keeps the kernels
 * readable as code next to what calls them, with no toolchain to install.
 */

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

const I32 = 0x7f;
const V128 = 0x7b;
const SIMD = 0xfd;

/** Memory access alignment (log2 of bytes) and offset. */
const memarg = (alignLog2: number, offset = 0): number[] => [...uleb(alignLog2), ...uleb(offset)];

/** The instructions the kernels use, each as its encoded bytes. */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32LtU: [0x49],
  i32Eqz: [0x45],
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  f32Add: [0x92],
  f32Store: (offset = 0) => [0x38, ...memarg(2, offset)],
  /** A block or loop with no result. */
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  v128Load: (offset = 0) => [SIMD, ...uleb(0x00), ...memarg(4, offset)],
  v128Const: (bytes: readonly number[]) => [SIMD, ...uleb(0x0c), ...bytes],
  v128And: [SIMD, ...uleb(0x4e)],
  i32x4Splat: [SIMD, ...uleb(0x11)],
  i32x4ExtendLowI16x8S: [SIMD, ...uleb(0xa7)],
  i32x4ExtendHighI16x8S: [SIMD, ...uleb(0xa8)],
  i32x4Shl: [SIMD, ...uleb(0xab)],
  f32x4ExtractLane: (lane: number) => [SIMD, ...uleb(0x1f), lane],
  f32x4Add: [SIMD, ...uleb(0xe4)],
  f32x4Mul: [SIMD, ...uleb(0xe6)],
} as const;

/** The bytes of one or a few instructions. */
export type Code = readonly number[];

export interface WasmFunction {
  exportName: string;
  /** Number of i32 parameters; functions return nothing. */
  params: number;
  /** Extra locals after the parameters, in order. */
  locals: Array<'i32' | 'v128'>;
  body: Code[];
}

/** A module importing `env.memory` and exporting `functions`. */
export function assembleModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const arities = [...new Set(functions.map((f) => f.params))];
  const types = arities.map((n) => [0x60, ...uleb(n), ...Array<number>(n).fill(I32), 0x00]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(0)];
  const codes = functions.map((f) => {
    const locals = f.locals.map((t) => [...uleb(1), t === 'i32' ? I32 : V128]);
    const body = [...vec(locals), ...f.body.flat(), ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((f) => uleb(arities.indexOf(f.params))))),
    ...section(7, vec(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}
