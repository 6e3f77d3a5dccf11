import { describe, expect, it } from 'vitest';
import { foldText, foldWithEdges } from '../../../src-main/core/text/fold.ts';

describe('folding text for matching', () => {
  const cases: Array<[string, string, string]> = [
    ['case', 'WiFi PASSWORD', 'wifipassword'],
    ['spaces and punctuation', 'Receipt #20419, Table 12.', 'receipt2o419table12'],
    ['full-width letters and ligatures', 'ＷｉＦｉ ﬁne', 'wififine'],
    ['Latin accents, composed or not', 'Café Noe\u0308l', 'cafenoel'],
    ['the digit zero as the letter o', 'c0de 2007', 'code2oo7'],
    ['Chinese kept as written', '欢迎光临 谢谢', '欢迎光临谢谢'],
    ['Japanese voiced marks kept', 'がぎ ぐ', 'がぎぐ'],
    ['Cyrillic lower-cased', 'МОСКВА', 'москва'],
    ['symbols only', '→ ★ — !!', ''],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => expect(foldText(input)).toBe(expected));
  }

  it('marks word edges, including those OCR lost the space at, and maps back to the original', () => {
    const f = foldWithEdges('QuarterlyRoadmap2027 café');
    expect(f.folded).toBe(foldText('QuarterlyRoadmap2027 café'));
    const starts = [...f.folded].filter((_, i) => f.wordStart[i]).join('');
    expect(starts).toBe('qr2c');
    const ends = [...f.folded].filter((_, i) => f.wordEnd[i]).join('');
    expect(ends).toBe('yp7e');
    expect('QuarterlyRoadmap2027 café'[f.source[f.folded.indexOf('cafe')]]).toBe('c');
  });

  it('treats every Chinese character as a word of its own', () => {
    const f = foldWithEdges('牛肉面');
    expect(f.wordStart).toEqual([true, true, true]);
    expect(f.wordEnd).toEqual([true, true, true]);
  });
});
