import { InputError } from '../errors.ts';
import { PERCEPTUAL_HASH_BITS } from '../media/perceptual-hash.ts';
import type { NeighbourGraph } from './neighbour-graph.ts';

/**
 * Near-duplicate groups (bursts, resized or re-encoded copies, edits, a HEIC and its
 * JPEG export) found on the neighbour graph of the embeddings, never by comparing
 * every photo with every other:
 *
 * 1. Candidates: each photo and the neighbours the graph links it to, when their
 *    embeddings' cosine reaches the threshold. hnswlib keeps each photo's nearest
 *    neighbour among its links and spreads the others around it, so the photos of a
 *    group are linked to one another directly or through other members: grouping is
 *    single linkage along those links.
 * 2. Confirmation: an embedding says what a photo shows, not that it is the same
 *    picture (two photos of the same kind of scene, or for the tiny test model any two
 *    photos of the same colours, embed alike). A pair joins only when the perceptual
 *    hashes of their content (media/perceptual-hash.ts) also differ in few enough bits.
 * 3. A pair the hash turns down may hide others: hnswlib drops a link A-C when C is
 *    closer to B than to A, so when B is a different picture that looks alike, A is
 *    also paired with B's neighbours and B with A's (two hops).
 *
 * One threshold moves both: from copies only (cosine near 1, a few bits) to similar
 * shots such as a burst (lower cosine, more bits), see hashLimitFor.
 */
export interface DuplicateOptions {
  /** Least cosine of two photos' embeddings, 0..1. */
  threshold: number;
  /** Most bits their perceptual hashes may differ in; hashLimitFor(threshold) when absent. */
  hashLimit?: number;
}

/** The default threshold: resized, re-encoded, converted and lightly edited copies, and tight bursts. */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.9;

/**
 * The hash difference allowed at a threshold: 4 bits for copies only (threshold 1),
 * one more bit per 0.0125 of cosine, at most 20. On the generated set of
 * test/integration/learn-duplicates.test.ts a photo's copies (resized, re-encoded,
 * cropped by 2%, rotated by EXIF, converted, brightened) stay within 10 bits of
 * another copy and different photos are 18 bits or more apart; unrelated photos
 * differ in 32 bits on average with a spread of 4, so 20 bits is 3 spreads below.
 */
export function hashLimitFor(threshold: number): number {
  return Math.max(4, Math.min(20, Math.round(4 + (1 - threshold) * 80)));
}

export interface DuplicateGrouping {
  /** Groups of two or more photo ids, each in graph order. */
  groups: number[][];
  /** Linked pairs whose embeddings reached the threshold. */
  similarPairs: number;
  /** Of those, pairs the perceptual hashes turned down (each then looked at through the other's links). */
  rejectedPairs: number;
  /** Live photos without a perceptual hash: they are in no group until hashed. */
  unhashed: number;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[x] !== root) {
      const next = this.parent[x];
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Groups the photos of `graph` (see the module comment).
 * @param hashOf the perceptual hash of a photo id, undefined when it has none yet
 * @throws InputError for a threshold outside 0..1 or a hash limit outside 0..64
 */
export function groupNearDuplicates(graph: NeighbourGraph, hashOf: (id: number) => bigint | undefined, opts: DuplicateOptions): DuplicateGrouping {
  const { threshold } = opts;
  const limit = opts.hashLimit ?? hashLimitFor(threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new InputError(String(threshold), 'The similarity threshold is a number from 0 to 1.');
  if (!(Number.isInteger(limit) && limit >= 0 && limit <= PERCEPTUAL_HASH_BITS)) {
    throw new InputError(String(limit), `The hash difference is a whole number of bits from 0 to ${PERCEPTUAL_HASH_BITS}.`);
  }
  const n = graph.size;
  const high = new Uint32Array(n);
  const low = new Uint32Array(n);
  const usable = new Uint8Array(n);
  let unhashed = 0;
  for (let row = 0; row < n; row++) {
    if (!graph.live(row)) continue;
    const hash = hashOf(graph.id(row));
    if (hash === undefined) {
      unhashed++;
      continue;
    }
    high[row] = Number(hash >> 32n);
    low[row] = Number(hash & 0xffffffffn);
    usable[row] = 1;
  }
  const sets = new UnionFind(n);
  let similarPairs = 0;
  let rejectedPairs = 0;
  const sameContent = (a: number, b: number) => popcount32(high[a] ^ high[b]) + popcount32(low[a] ^ low[b]) <= limit;
  const apart = (a: number, b: number) => a === b || !usable[b] || sets.find(a) === sets.find(b);
  /** A linked pair: joined when both tests pass; true when the embeddings are alike but the hashes say otherwise. */
  const linked = (a: number, b: number): boolean => {
    if (apart(a, b) || graph.similarity(a, b) < threshold) return false;
    similarPairs++;
    if (sameContent(a, b)) {
      sets.union(a, b);
      return false;
    }
    rejectedPairs++;
    return true;
  };
  /** A pair two hops apart: the cheap hash test first, as most of them are different pictures. */
  const hop = (a: number, c: number): void => {
    if (!apart(a, c) && sameContent(a, c) && graph.similarity(a, c) >= threshold) sets.union(a, c);
  };
  for (let a = 0; a < n; a++) {
    if (!usable[a]) continue;
    const links = graph.neighbours(a);
    for (let i = 0; i < links.length; i++) {
      const b = links[i];
      // A link both ways is looked at once, from its smaller end.
      if (b < a && usable[b] && graph.neighbours(b).includes(a)) continue;
      if (!linked(a, b)) continue;
      for (const c of graph.neighbours(b)) hop(a, c);
      for (const c of links) hop(b, c);
    }
  }
  const byRoot = new Map<number, number[]>();
  for (let row = 0; row < n; row++) {
    if (!usable[row]) continue;
    const root = sets.find(row);
    const members = byRoot.get(root);
    if (members) members.push(graph.id(row));
    else byRoot.set(root, [graph.id(row)]);
  }
  const groups = [...byRoot.values()].filter((g) => g.length > 1);
  return { groups, similarPairs, rejectedPairs, unhashed };
}
