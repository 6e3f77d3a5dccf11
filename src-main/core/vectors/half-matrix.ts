import { InputError } from '../errors.ts';
import type { ScoredId } from './exact.ts';
import { fromHalf, writeHalves } from './half-float.ts';
import { HALF_LANES, halfKernel, QUERY_SCALE, type HalfKernel } from './half-kernel.ts';

const PAGE = 65_536;
/** WebAssembly memories address at most 4 GiB (65,536 pages). */
const MAX_PAGES = 65_536;
/** Room for the query at the start of memory: 4,096 float32 values. */
const ROWS_AT = 16_384;
const MAX_DIM = ROWS_AT / 4;
const DEFAULT_CAPACITY = 1024;
/** Rows per kernel call in a full scan. */
const KERNEL_SLICE = 4096;
/** Ranks packed below a 32-bit score in a float64 sort key: 2^21, so key = score bits * 2^21 + rank stays under 2^53. */
const MAX_PACKED = 2 ** 21;

/**
 * One model's embeddings as float16 rows packed back to back in WebAssembly memory,
 * scored by a SIMD kernel (half-kernel.ts): the layout an exact scan wants (one
 * sequential read of 2 bytes per value) at half the memory of float32. Rows stay
 * dense: removing a vector moves the last row into its place.
 *
 * Ids are photo ids (SQLite rowids, dense from 1), mapped to rows through an array
 * indexed by id. Rows are padded with zeros to a multiple of 8 values (every CLIP and
 * SigLIP width already is one), which leaves every dot product unchanged.
 */
export class HalfMatrix {
  readonly rowBytes: number;
  /** Values per row as stored: `dim` rounded up to a multiple of 8. */
  private readonly stride: number;
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: HalfKernel;
  private capacity: number;
  private count = 0;
  private rowIds: Float64Array;
  /** Row + 1 of each id; 0 for ids not held. */
  private rowPlusOne = new Int32Array(DEFAULT_CAPACITY);

  /** @throws InputError for a dimension that is not a whole number from 1 to 4096 */
  constructor(
    readonly dim: number,
    capacity = DEFAULT_CAPACITY,
  ) {
    if (!Number.isInteger(dim) || dim <= 0 || dim > MAX_DIM) {
      throw new InputError(String(dim), `A vector dimension must be a whole number from 1 to ${MAX_DIM}.`);
    }
    this.stride = Math.ceil(dim / HALF_LANES) * HALF_LANES;
    this.rowBytes = this.stride * 2;
    this.capacity = Math.max(1, Math.floor(capacity));
    this.memory = new WebAssembly.Memory({ initial: pagesFor(this.bytesFor(this.capacity, 0)), maximum: MAX_PAGES });
    this.kernel = halfKernel(this.memory);
    this.rowIds = new Float64Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes this matrix holds in memory (rows, ids and the id map). */
  get bytes(): number {
    return this.memory.buffer.byteLength + this.rowIds.byteLength + this.rowPlusOne.byteLength;
  }

  has(id: number): boolean {
    return this.rowOf(id) !== undefined;
  }

  rowOf(id: number): number | undefined {
    const r = Number.isInteger(id) && id >= 0 && id < this.rowPlusOne.length ? this.rowPlusOne[id] : 0;
    return r === 0 ? undefined : r - 1;
  }

  idAt(row: number): number {
    return this.rowIds[row];
  }

  /** Stores `v` (`[dim]`, float32) under `id`, replacing the vector it held. */
  add(id: number, v: Float32Array): void {
    this.check(v);
    if (!Number.isInteger(id) || id < 0 || id > 0x7ffffffe) throw new InputError(String(id), 'Vector ids must be integers from 0 to 2^31 - 2.');
    let row = this.rowOf(id);
    if (row === undefined) {
      if (this.count === this.capacity) this.grow(this.capacity * 2);
      row = this.count++;
      this.rowIds[row] = id;
      this.mapId(id, row);
    }
    writeHalves(v, this.halves(), (ROWS_AT + row * this.rowBytes) / 2);
  }

  remove(id: number): void {
    const row = this.rowOf(id);
    if (row === undefined) return;
    const last = --this.count;
    if (row !== last) {
      const bytes = new Uint8Array(this.memory.buffer);
      bytes.copyWithin(ROWS_AT + row * this.rowBytes, ROWS_AT + last * this.rowBytes, ROWS_AT + (last + 1) * this.rowBytes);
      const moved = this.rowIds[last];
      this.rowIds[row] = moved;
      this.rowPlusOne[moved] = row + 1;
    }
    this.rowPlusOne[id] = 0;
  }

  /** The stored vector of `id` as float32 (each value as its half), or undefined. */
  vector(id: number): Float32Array | undefined {
    const row = this.rowOf(id);
    if (row === undefined) return undefined;
    const halves = this.halves();
    const at = (ROWS_AT + row * this.rowBytes) / 2;
    const values = halfValues();
    const out = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = values[halves[at + i]];
    return out;
  }

  /** A new matrix of the rows of `ids` that this one holds, in that order, copied as stored (no conversion). */
  subset(ids: readonly number[]): HalfMatrix {
    const rows = ids.flatMap((id) => this.rowOf(id) ?? []);
    const out = new HalfMatrix(this.dim, Math.max(1, rows.length));
    const target = out.reserve(rows.length);
    const source = new Uint8Array(this.memory.buffer, ROWS_AT);
    rows.forEach((row, i) => target.set(source.subarray(row * this.rowBytes, (row + 1) * this.rowBytes), i * this.rowBytes));
    out.commit(Float64Array.from(rows, (row) => this.rowIds[row]));
    return out;
  }

  /** sqrt(trace(covariance) / dim) of the rows as stored: the root mean square spread per dimension; 0 under two rows. */
  spread(): number {
    const n = this.count;
    if (n < 2) return 0;
    const values = halfValues();
    const halves = this.halves();
    const sums = new Float64Array(this.dim);
    let squares = 0;
    for (let row = 0; row < n; row++) {
      const at = (ROWS_AT + row * this.rowBytes) / 2;
      for (let d = 0; d < this.dim; d++) {
        const v = values[halves[at + d]];
        sums[d] += v;
        squares += v * v;
      }
    }
    // Sum of squared deviations = sum of squares - n * |mean|^2.
    let meanPart = 0;
    for (let d = 0; d < this.dim; d++) meanPart += (sums[d] * sums[d]) / n;
    return Math.sqrt(Math.max(0, squares - meanPart) / (n - 1) / this.dim);
  }

  /**
   * Scores of `query` (`[dim]`, float32) with every row, in row order. The kernel is
   * called on slices of rows: V8 compiles WebAssembly with its baseline compiler first
   * and swaps in optimised code between calls, so a process's first scan of a large
   * library would otherwise run entirely at baseline speed (about 8 times slower).
   */
  scores(query: Float32Array): Float32Array {
    this.setQuery(query);
    const out = this.scratch(this.count * 4);
    for (let start = 0; start < this.count; start += KERNEL_SLICE) {
      const rows = Math.min(KERNEL_SLICE, this.count - start);
      this.kernel.scores(0, ROWS_AT + start * this.rowBytes, rows, this.stride, out + start * 4);
    }
    return new Float32Array(this.memory.buffer, out, this.count).slice();
  }

  /** Scores of `query` with the given rows, in their order. */
  scoresOfRows(query: Float32Array, rows: Int32Array): Float32Array {
    for (const row of rows) if (!(row >= 0 && row < this.count)) throw new InputError(String(row), `Row ${row} is not in a matrix of ${this.count} rows.`);
    this.setQuery(query);
    const list = this.scratch(rows.length * 8);
    const out = list + rows.length * 4;
    new Int32Array(this.memory.buffer, list, rows.length).set(rows);
    this.kernel.scoresOfRows(0, ROWS_AT, list, rows.length, this.stride, out);
    return new Float32Array(this.memory.buffer, out, rows.length).slice();
  }

  /**
   * Scores of `query` with the vectors of `ids` that the matrix holds, best first
   * (equal scores: smaller id first); ids it does not hold, and repeats, are left out.
   * Sorted natively: each score's order-preserving bits and the id's rank are packed
   * into one float64 key, so 100,000 scores sort in a few milliseconds.
   */
  scoreIds(query: Float32Array, ids: Iterable<number>): ScoredId[] {
    // Held ids once each, ascending: a typed array sorts natively, where a comparator sort of 10,000 ids took milliseconds.
    const all = Float64Array.from(ids).sort();
    const byId = new Float64Array(all.length);
    const rows = new Int32Array(all.length);
    let n = 0;
    for (let i = 0; i < all.length; i++) {
      const id = all[i];
      if (n > 0 && byId[n - 1] === id) continue;
      const row = this.rowOf(id);
      if (row === undefined) continue;
      byId[n] = id;
      rows[n++] = row;
    }
    const scores = this.scoresOfRows(query, rows.subarray(0, n));
    if (n > MAX_PACKED) return Array.from(scores, (score, i): ScoredId => ({ id: byId[i], score })).sort((a, b) => b.score - a.score || a.id - b.id);
    const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const b = bits[i];
      // Larger floats get smaller keys: flip a positive float's sign bit, all bits of a negative one, then invert.
      const ordered = (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
      keys[i] = (0xffffffff - ordered) * MAX_PACKED + i;
    }
    keys.sort();
    return Array.from(keys, (key): ScoredId => {
      const i = key % MAX_PACKED;
      return { id: byId[i], score: scores[i] };
    });
  }

  /** The `k` best rows for `query` among those `accept` lets through (all by default), best first. */
  topK(query: Float32Array, k: number, accept?: (id: number) => boolean): ScoredId[] {
    const limit = Math.min(Math.floor(k), this.count);
    if (!(limit > 0)) return [];
    const scores = this.scores(query);
    const heap = new MinHeap(limit);
    for (let row = 0; row < this.count; row++) {
      const score = scores[row];
      if (heap.full && !heap.beats(score, this.rowIds[row])) continue;
      const id = this.rowIds[row];
      if (accept && !accept(id)) continue;
      heap.push(score, id);
    }
    return heap.drain();
  }

  /** The rows as stored (float16 bytes, row after row), for saving; valid until the next change. */
  rowBytesView(): Uint8Array {
    return new Uint8Array(this.memory.buffer, ROWS_AT, this.count * this.rowBytes);
  }

  /** Row ids in row order, for saving; valid until the next change. */
  idsView(): Float64Array {
    return this.rowIds.subarray(0, this.count);
  }

  /**
   * Makes room for `rows` rows and returns the bytes they go into (float16, row after
   * row), for loading a saved matrix without converting it; `commit(ids)` then adopts
   * them. Replaces what the matrix held.
   */
  reserve(rows: number): Uint8Array {
    if (rows > this.capacity) this.grow(rows);
    this.count = 0;
    this.rowPlusOne.fill(0);
    return new Uint8Array(this.memory.buffer, ROWS_AT, rows * this.rowBytes);
  }

  /** Adopts the rows written into the bytes `reserve` returned, with their ids in row order. */
  commit(ids: Float64Array): void {
    if (ids.length > this.capacity) throw new InputError(String(ids.length), `Only ${this.capacity} rows were reserved.`);
    for (let row = 0; row < ids.length; row++) {
      const id = ids[row];
      if (this.rowOf(id) !== undefined) throw new InputError(String(id), `Vector id ${id} appears twice.`);
      this.rowIds[row] = id;
      this.mapId(id, row);
    }
    this.count = ids.length;
  }

  private check(v: Float32Array): void {
    if (v.length !== this.dim) throw new InputError(`${v.length} values`, `Expected a vector of ${this.dim} values.`);
  }

  private halves(): Uint16Array {
    return new Uint16Array(this.memory.buffer);
  }

  private setQuery(query: Float32Array): void {
    this.check(query);
    const q = new Float32Array(this.memory.buffer, 0, this.stride);
    for (let i = 0; i < this.dim; i++) q[i] = query[i] * QUERY_SCALE;
    q.fill(0, this.dim);
  }

  private mapId(id: number, row: number): void {
    if (id >= this.rowPlusOne.length) {
      const grown = new Int32Array(Math.max(id + 1, this.rowPlusOne.length * 2));
      grown.set(this.rowPlusOne);
      this.rowPlusOne = grown;
    }
    this.rowPlusOne[id] = row + 1;
  }

  private bytesFor(rows: number, scratch: number): number {
    return ROWS_AT + rows * this.rowBytes + scratch;
  }

  /** Byte offset of `bytes` of scratch space after the rows. */
  private scratch(bytes: number): number {
    const at = this.bytesFor(this.capacity, 0);
    this.ensure(at + bytes);
    return at;
  }

  private ensure(bytes: number): void {
    const pages = pagesFor(bytes);
    const have = this.memory.buffer.byteLength / PAGE;
    if (pages > MAX_PAGES) throw new InputError(`${bytes} bytes`, 'The vectors do not fit in the 4 GiB a WebAssembly memory can address.');
    if (pages > have) this.memory.grow(pages - have);
  }

  private grow(capacity: number): void {
    this.ensure(this.bytesFor(capacity, 0));
    const ids = new Float64Array(capacity);
    ids.set(this.rowIds.subarray(0, this.count));
    this.rowIds = ids;
    this.capacity = capacity;
  }
}

let valueOfHalf: Float32Array | null = null;

/** Every half's float32 value, by its bits (256 KB, made on first use): decoding rows is then one load per value. */
function halfValues(): Float32Array {
  if (!valueOfHalf) {
    valueOfHalf = new Float32Array(65_536);
    const bits = new Uint32Array(valueOfHalf.buffer);
    for (let h = 0; h < 65_536; h++) {
      const exponent = (h >>> 10) & 0x1f;
      // Zero and subnormals (2,048 halves) have no float32 exponent to move; the others keep sign and mantissa bits, rebased.
      if (exponent === 0) valueOfHalf[h] = fromHalf(h);
      else bits[h] = (((h & 0x8000) << 16) | ((exponent === 0x1f ? 0xff : exponent + 112) << 23) | ((h & 0x3ff) << 13)) >>> 0;
    }
  }
  return valueOfHalf;
}

function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / PAGE));
}

/** Equal scores: the smaller id ranks first, so results are reproducible. */
function ranksBelow(scoreA: number, idA: number, scoreB: number, idB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && idA > idB);
}

/** The k best (score, id) pairs seen, in two typed arrays. */
class MinHeap {
  private readonly scores: Float64Array;
  private readonly ids: Float64Array;
  private filled = 0;

  constructor(private readonly limit: number) {
    this.scores = new Float64Array(limit);
    this.ids = new Float64Array(limit);
  }

  get full(): boolean {
    return this.filled === this.limit;
  }

  /** Whether (score, id) would enter the heap once it is full. */
  beats(score: number, id: number): boolean {
    return ranksBelow(this.scores[0], this.ids[0], score, id);
  }

  push(score: number, id: number): void {
    if (this.filled < this.limit) {
      let i = this.filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksBelow(score, id, this.scores[parent], this.ids[parent])) break;
        this.scores[i] = this.scores[parent];
        this.ids[i] = this.ids[parent];
        i = parent;
      }
      this.scores[i] = score;
      this.ids[i] = id;
    } else if (this.beats(score, id)) {
      this.siftDown(this.filled, score, id);
    }
  }

  /** The pairs best first; empties the heap. */
  drain(): ScoredId[] {
    const out = new Array<ScoredId>(this.filled);
    for (let end = this.filled - 1; end >= 0; end--) {
      out[end] = { id: this.ids[0], score: this.scores[0] };
      if (end > 0) this.siftDown(end, this.scores[end], this.ids[end]);
    }
    this.filled = 0;
    return out;
  }

  private siftDown(length: number, score: number, id: number): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && ranksBelow(this.scores[right], this.ids[right], this.scores[left], this.ids[left]) ? right : left;
      if (!ranksBelow(this.scores[child], this.ids[child], score, id)) break;
      this.scores[i] = this.scores[child];
      this.ids[i] = this.ids[child];
      i = child;
    }
    this.scores[i] = score;
    this.ids[i] = id;
  }
}
