import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { suggestKeep, type KeepCandidate } from '../../../src-main/core/learn/keep-suggestion.ts';
import type { NeighbourGraph } from '../../../src-main/core/learn/neighbour-graph.ts';
import { groupNearDuplicates, hashLimitFor } from '../../../src-main/core/learn/near-duplicates.ts';

/** A graph given by its links and a similarity table, rows numbered as ids 100 + row. */
function graphOf(links: number[][], similarity: (a: number, b: number) => number, removed: number[] = []): NeighbourGraph {
  return {
    size: links.length,
    dim: 1,
    id: (row) => 100 + row,
    live: (row) => !removed.includes(row),
    neighbours: (row) => Uint32Array.from(links[row]),
    similarity,
    vector: () => new Float32Array(1),
  };
}

const SAME = 0x0123_4567_89ab_cdefn;
const OTHER = ~SAME & 0xffff_ffff_ffff_ffffn;

describe('grouping near-duplicates on the neighbour graph', () => {
  it('joins a copy hidden behind a look-alike, through the look-alike’s links', () => {
    // 0 and 2 are the same picture, 1 only looks alike; the graph never links 0 and 2.
    const links = [[1], [0, 2], [1]];
    const grouping = groupNearDuplicates(
      graphOf(links, () => 0.97),
      (id) => (id === 101 ? OTHER : SAME),
      { threshold: 0.9 },
    );
    expect(grouping.groups).toEqual([[100, 102]]);
    expect(grouping.rejectedPairs).toBeGreaterThan(0);
  });

  it('leaves out photos below the threshold, removed ones and those without a hash', () => {
    const links = [[1, 2, 3], [0], [0], [0]];
    const similarity = (a: number, b: number) => (a + b === 1 ? 0.8 : 0.95);
    const grouping = groupNearDuplicates(graphOf(links, similarity, [3]), (id) => (id === 102 ? undefined : SAME), { threshold: 0.9 });
    expect(grouping.groups).toEqual([]);
    expect(grouping.unhashed).toBe(1);
    const looser = groupNearDuplicates(graphOf(links, similarity, [3]), (id) => (id === 102 ? undefined : SAME), { threshold: 0.75 });
    expect(looser.groups).toEqual([[100, 101]]);
  });

  it.each([
    ['a threshold above 1', { threshold: 1.2 }],
    ['a negative hash limit', { threshold: 0.9, hashLimit: -1 }],
  ])('refuses %s', (_label, opts) => {
    expect(() =>
      groupNearDuplicates(
        graphOf([[]], () => 1),
        () => SAME,
        opts,
      ),
    ).toThrow(InputError);
  });
});

describe('the hash difference allowed', () => {
  it('grows as the threshold falls, from copies only to bursts, within 4 to 20 bits', () => {
    expect(hashLimitFor(1)).toBe(4);
    expect(hashLimitFor(0.9)).toBe(12);
    expect(hashLimitFor(0.5)).toBe(20);
    expect(hashLimitFor(0.95)).toBeLessThan(hashLimitFor(0.85));
  });
});

describe('which copy to keep', () => {
  const base: KeepCandidate = { id: 1, width: 4000, height: 3000, size: 3_000_000, format: 'jpeg', takenAt: 1000, mtimeMs: 5000 };

  it.each([
    [
      'the one with most pixels',
      [
        { ...base, id: 1, width: 2000, height: 1500 },
        { ...base, id: 2 },
      ],
      2,
      'most pixels',
    ],
    [
      'the HEIC over its JPEG export',
      [
        { ...base, id: 1 },
        { ...base, id: 2, format: 'heif', size: 1_500_000 },
      ],
      2,
      'original format',
    ],
    [
      'the JPEG over a WebP conversion',
      [
        { ...base, id: 1, format: 'webp' },
        { ...base, id: 2 },
      ],
      2,
      'original format',
    ],
    [
      'the earliest taken among equals',
      [
        { ...base, id: 1, takenAt: 3000 },
        { ...base, id: 2, takenAt: 2000 },
      ],
      2,
      'earliest',
    ],
    [
      'the earliest file when taken alike',
      [
        { ...base, id: 1, mtimeMs: 9000 },
        { ...base, id: 2, mtimeMs: 6000 },
      ],
      2,
      'earliest',
    ],
    [
      'the larger file last of all',
      [
        { ...base, id: 1 },
        { ...base, id: 2, size: 3_500_000 },
      ],
      2,
      'largest file',
    ],
  ])('is %s', (_label, photos, keep, reason) => {
    const chosen = suggestKeep(photos);
    expect(chosen.keep.id).toBe(keep);
    expect(chosen.reasons).toEqual([reason]);
    expect(chosen.others.map((p) => p.id)).toEqual(photos.filter((p) => p.id !== keep).map((p) => p.id));
  });
});
