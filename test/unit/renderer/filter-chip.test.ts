import { describe, expect, it } from 'vitest';
import { filterChipText, percent } from '../../../src-renderer/lib/query/filter-chip.ts';
import { buildRequest, splitTyped } from '../../../src-renderer/lib/query/query-chips.ts';
import { parseQuery } from '../../../src-main/core/search/query-language.ts';

describe('label and album filters as chips', () => {
  it.each([
    ['label', 'beach', 'label:beach', { labels: ['beach'] }],
    ['label', 'our house', 'label:"our house"', { labels: ['our house'] }],
    ['album', 'Hiking', 'album:Hiking', { album: 'Hiking' }],
    ['album', 'Summer "23"', 'album:"Summer ""23"""', { album: 'Summer "23"' }],
  ] as const)('a %s named %s is the chip %s and filters the search', (kind, name, text, filters) => {
    expect(filterChipText(kind, name)).toBe(text);
    const { chips, rest } = splitTyped(filterChipText(kind, name), true);
    expect(chips).toEqual([{ text, partKind: kind }]);
    expect(rest).toBe('');
    expect(buildRequest(parseQuery(text), [], 0.5).filters).toEqual(filters);
  });

  it('writes strengths and accuracies as whole percentages', () => {
    expect([0, 0.874, 0.875, 1].map(percent)).toEqual(['0%', '87%', '88%', '100%']);
  });
});
