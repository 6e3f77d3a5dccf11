/** A seeded uniform [0, 1) generator (mulberry32, Tommy Ettinger's 32-bit mixer): the same seed gives the same draws on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Stratified k-fold assignment: the items of each stratum are shuffled and dealt
 * round-robin, so every fold holds about the same share of every stratum.
 * @returns the fold (0..folds-1) of each item, in order
 */
export function stratifiedFolds(strata: readonly string[], folds: number, random: () => number): number[] {
  const out = new Array<number>(strata.length).fill(0);
  const byStratum = new Map<string, number[]>();
  strata.forEach((s, i) => byStratum.set(s, [...(byStratum.get(s) ?? []), i]));
  let offset = 0;
  for (const members of byStratum.values()) {
    shuffled(members, random).forEach((i, n) => (out[i] = (n + offset) % folds));
    offset += members.length;
  }
  return out;
}
