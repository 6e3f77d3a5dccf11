import { describe, expect, it } from 'vitest';
import { approximateMatches, fuzzyPieces } from '../../../src-main/core/text/fuzzy.ts';
import { editDistance } from './cer.ts';

/** Every text one edit away from `word` over the letters it uses plus one other. */
function oneEditAway(word: string): string[] {
  const alphabet = [...new Set([...word, 'x', '4'])];
  const out: string[] = [];
  for (let i = 0; i <= word.length; i++) {
    for (const c of alphabet) out.push(word.slice(0, i) + c + word.slice(i));
    if (i < word.length) {
      out.push(word.slice(0, i) + word.slice(i + 1));
      for (const c of alphabet) if (c !== word[i]) out.push(word.slice(0, i) + c + word.slice(i + 1));
    }
  }
  return out;
}

describe('fuzzy matching', () => {
  it('narrows by pieces that every text one edit away still contains', () => {
    for (const word of ['hello', 'sunflower', 'espresso', 'quarterly', 'москва', 'route', 'abcdef']) {
      const pieces = fuzzyPieces(word);
      for (const piece of pieces) expect([...piece].length).toBeGreaterThanOrEqual(3);
      for (const edited of oneEditAway(word)) {
        const text = `zz${edited}zz`;
        expect(
          pieces.some((p) => text.includes(p)),
          `${word} -> ${edited}`,
        ).toBe(true);
      }
    }
  });

  it('finds a word with one letter wrong, missing or extra, and where it is', () => {
    const text = 'wifipasswordsunflower42';
    for (const typo of ['pasword', 'passwrd', 'passsword', 'passwerd']) {
      const found = approximateMatches(typo, text);
      expect(found.length, typo).toBeGreaterThan(0);
      const best = found.reduce((a, b) => (b.distance < a.distance ? b : a));
      expect(text.slice(best.start, best.end)).toMatch(/^pas+w[oe]?r?d?$/);
    }
  });

  it('does not forgive two edits', () => {
    expect(approximateMatches('paswrd', 'wifipasswordsunflower42')).toEqual([]);
    expect(approximateMatches('cappucino', 'croissant3.20total')).toEqual([]);
  });

  it('agrees with brute force on where one-edit matches end and how many edits they need', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const word = (n: number) => Array.from({ length: n }, () => 'abcd'[Math.floor(random() * 4)]).join('');
    for (let round = 0; round < 200; round++) {
      const pattern = word(5 + Math.floor(random() * 5));
      const text = word(5 + Math.floor(random() * 40));
      const expected = new Map<number, number>();
      for (let end = 1; end <= text.length; end++) {
        let best = Infinity;
        for (let start = 0; start <= end; start++) best = Math.min(best, editDistance(pattern, text.slice(start, end)));
        if (best <= 1) expected.set(end, best);
      }
      const found = approximateMatches(pattern, text);
      expect(new Map(found.map((f) => [f.end, f.distance])), `${pattern} in ${text}`).toEqual(expected);
      for (const f of found) expect(editDistance(pattern, text.slice(f.start, f.end))).toBe(f.distance);
    }
  });
});
