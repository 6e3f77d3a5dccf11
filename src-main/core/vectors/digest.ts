import crypto from 'node:crypto';
import { toBlob } from './math.ts';

/**
 * A digest of a set of (id, vector) pairs that is kept up to date one pair at a
 * time, so the store (in SQL triggers) and an index in memory (in JS) can each
 * maintain theirs as rows come and go, and comparing the two costs nothing.
 *
 * Each pair hashes to a 48-bit number: the first 6 bytes of SHA-256 over the id as
 * 8 little-endian bytes followed by the vector's little-endian float32 bytes (the
 * stored blob). The set's digest is the sum of its pairs' numbers modulo 2^52: sums
 * commute, so order does not matter, and removing a pair subtracts it. Every
 * intermediate value stays below 2^53, exact in a double and in SQLite's 64-bit
 * integers, so both sides compute the same number.
 *
 * It tells accidental differences apart (another library's index, other vectors
 * under the same ids), with a chance of about 2^-48 per difference of missing one;
 * it is not meant to resist someone forging a collision.
 */
export const DIGEST_MODULUS = 2 ** 52;

/** The digest of one pair; `vector` as float32 values or as the stored little-endian blob. */
export function pairDigest(id: number, vector: Float32Array | Uint8Array): number {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(id % 2 ** 32, 0);
  head.writeUInt32LE(Math.floor(id / 2 ** 32), 4);
  const bytes = vector instanceof Float32Array ? toBlob(vector) : vector;
  return crypto.createHash('sha256').update(head).update(bytes).digest().readUIntLE(0, 6);
}

/** `sum` with one pair's digest added. */
export function addDigest(sum: number, pair: number): number {
  return (sum + pair) % DIGEST_MODULUS;
}

/** `sum` with one pair's digest taken out. */
export function removeDigest(sum: number, pair: number): number {
  return (sum - pair + DIGEST_MODULUS) % DIGEST_MODULUS;
}
