import { describe, expect, it } from 'vitest';
import { placeLabels, type PlacedLabel } from '../../../src-main/core/learn/labels/hierarchy.ts';

const set = (...ids: number[]) => new Set(ids);
const dog: PlacedLabel = { key: 'dog', parent: null, photos: set(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) };
const cat: PlacedLabel = { key: 'cat', parent: null, photos: set(11, 12, 13, 14, 15, 16) };

describe('placing labels added later in the hierarchy', () => {
  it.each([
    ['inside one label', { key: 'puppy', photos: set(1, 2, 3, 4, 5) }, 'dog'],
    ['mostly inside one label (80%)', { key: 'terrier', photos: set(1, 2, 3, 4, 11) }, 'dog'],
    ['split between two labels', { key: 'pet', photos: set(1, 2, 3, 11, 12) }, null],
    ['broader than any label', { key: 'animal', photos: set(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) }, null],
    ['without photos', { key: 'unicorn', photos: set() }, null],
  ])('a label %s goes under %s', (_what, label, parent) => {
    expect(placeLabels([label], [dog, cat]).get(label.key)).toBe(parent);
  });

  it('never moves a label already placed, nor puts one under a refinement', () => {
    const puppy: PlacedLabel = { key: 'puppy', parent: 'dog', photos: set(1, 2, 3) };
    const placed = placeLabels(
      [
        { key: 'animal', photos: set(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13) },
        { key: 'small puppy', photos: set(1, 2) },
      ],
      [dog, cat, puppy],
    );
    expect(placed.get('animal')).toBeNull();
    expect(placed.get('small puppy')).toBe('dog');
    expect([dog.parent, cat.parent, puppy.parent]).toEqual([null, null, 'dog']);
  });

  it('places new labels under each other, broadest first', () => {
    const placed = placeLabels(
      [
        { key: 'kitten', photos: set(21, 22) },
        { key: 'pet', photos: set(20, 21, 22, 23) },
      ],
      [],
    );
    expect(placed.get('pet')).toBeNull();
    expect(placed.get('kitten')).toBe('pet');
  });
});
