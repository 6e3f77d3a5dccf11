import { describe, expect, it } from 'vitest';
import { NO_FILTERS, dateRangeProblem, hasFilters, toFilters } from '../../../src-renderer/lib/query/filters.ts';

describe('filters', () => {
  it('sends nothing for an untouched filter bar', () => {
    expect(toFilters(NO_FILTERS)).toEqual({});
    expect(hasFilters(NO_FILTERS)).toBe(false);
  });

  it('maps each choice to the contract field', () => {
    expect(toFilters({ after: '2021-01-01', before: '2021-12-31', folder: '/photos/Family', type: 'jpg' })).toEqual({
      after: '2021-01-01',
      before: '2021-12-31',
      folders: ['/photos/Family'],
      types: ['jpg'],
    });
  });

  it('catches an empty date range before the engine does', () => {
    expect(dateRangeProblem({ ...NO_FILTERS, after: '2022-01-02', before: '2022-01-01' })).toMatch(/after/);
    expect(dateRangeProblem({ ...NO_FILTERS, after: '2022-01-01', before: '2022-01-01' })).toBeNull();
    expect(dateRangeProblem({ ...NO_FILTERS, after: '2022-01-01' })).toBeNull();
  });
});
