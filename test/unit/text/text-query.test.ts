import { describe, expect, it } from 'vitest';
import { parseTextQuery } from '../../../src-main/core/text/text-query.ts';

describe('reading a words-in-photos query', () => {
  it('splits words and keeps quoted phrases whole, in any quotes', () => {
    expect(parseTextQuery('wifi "receipt #20419" password').map((t) => [t.folded, t.phrase])).toEqual([
      ['receipt2o419', true],
      ['wifi', false],
      ['password', false],
    ]);
    expect(parseTextQuery('“Save the date” 「营业时间」').map((t) => [t.folded, t.phrase])).toEqual([
      ['savethedate', true],
      ['营业时间', true],
    ]);
  });

  it('reads an unclosed quote as a phrase to the end', () => {
    expect(parseTextQuery('"gate b12').map((t) => [t.folded, t.phrase])).toEqual([['gateb12', true]]);
  });

  it('forgives typos only in unquoted words of five letters or more in spaced scripts', () => {
    const fuzzy = Object.fromEntries(parseTextQuery('wifi pasword "quarterly" 北京西站北京 москва').map((t) => [t.raw, t.fuzzy]));
    expect(fuzzy).toEqual({ quarterly: false, wifi: false, pasword: true, 北京西站北京: false, москва: true });
  });

  it('drops what folds to nothing', () => {
    expect(parseTextQuery(' -- ! "" ')).toEqual([]);
  });
});
