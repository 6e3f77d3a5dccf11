import { l2normalize } from '../../../src-main/core/vectors/math.ts';

export { seededRandom } from '../../../src-main/core/learn/heads/random.ts';

function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function randomUnitVector(dim: number, rand: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = gaussian(rand);
  return l2normalize(v);
}

/**
 * Unit vectors grouped around random centres, like embeddings of a photo library
 * (many near-duplicates and themes) rather than uniform noise.
 */
export function clusteredVectors(count: number, dim: number, clusters: number, spread: number, rand: () => number): Float32Array[] {
  const centres = Array.from({ length: clusters }, () => randomUnitVector(dim, rand));
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(rand() * clusters)];
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = centre[i] + spread * gaussian(rand);
    return l2normalize(v);
  });
}
