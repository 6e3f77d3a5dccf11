import { describe, expect, it } from 'vitest';
import { NEGATIVE_WEIGHT, buildTerms, mixesImageAndText, parseDraft, sameTarget, type ChipDraft } from '../../../src-renderer/lib/query/chips.ts';

const text = (t: string, negative = false): ChipDraft => ({ kind: 'text', text: t, negative });
const photo = (id: number, negative = false): ChipDraft => ({ kind: 'photo', id, label: `${id}.jpg`, negative });

describe('parseDraft', () => {
  it.each([
    ['red', { kind: 'text', text: 'red', negative: false }],
    ['  a dog on a beach  ', { kind: 'text', text: 'a dog on a beach', negative: false }],
    ['-stripes', { kind: 'text', text: 'stripes', negative: true }],
    ['- stripes', { kind: 'text', text: 'stripes', negative: true }],
    ['', null],
    ['   ', null],
    ['-', null],
    [' - ', null],
  ])('%j', (draft, expected) => {
    expect(parseDraft(draft)).toEqual(expected);
  });
});

describe('buildTerms', () => {
  it('gives a lone text term the whole weight', () => {
    expect(buildTerms([text('red')], 0.5)).toEqual([{ kind: 'text', text: 'red', weight: 1 }]);
  });

  it('gives a lone image term the whole weight, whatever the balance', () => {
    expect(buildTerms([photo(7)], 0.2)).toEqual([{ kind: 'photo', id: 7, weight: 1 }]);
  });

  it('splits text and images by the balance, each side shared among its terms', () => {
    const terms = buildTerms([text('red'), photo(1), photo(2), text('circle')], 0.6);
    expect(terms.map((t) => t.weight)).toEqual([0.2, 0.3, 0.3, 0.2].map((w) => expect.closeTo(w, 10)));
  });

  it('weighs every negative term the same, and keeps them out of the balance', () => {
    const terms = buildTerms([text('red'), text('stripes', true), photo(3, true)], 0.5);
    expect(terms).toEqual([
      { kind: 'text', text: 'red', weight: 1 },
      { kind: 'text', text: 'stripes', weight: -NEGATIVE_WEIGHT },
      { kind: 'photo', id: 3, weight: -NEGATIVE_WEIGHT },
    ]);
  });

  it('turns file chips into file terms', () => {
    expect(buildTerms([{ kind: 'file', path: '/tmp/a.jpg', label: 'a.jpg', negative: false }], 0.5)).toEqual([{ kind: 'file', path: '/tmp/a.jpg', weight: 1 }]);
  });

  it('stays inside the contract weight range [-4, 4]', () => {
    const many = Array.from({ length: 16 }, (_, i) => (i % 2 ? text(`w${i}`, true) : photo(i + 1)));
    for (const term of buildTerms(many, 0.95)) expect(Math.abs(term.weight)).toBeLessThanOrEqual(4);
  });
});

describe('mixesImageAndText', () => {
  it.each([
    [[text('red')], false],
    [[photo(1)], false],
    [[text('red'), photo(1)], true],
    [[text('red'), photo(1, true)], false],
    [[text('red', true), photo(1)], false],
  ])('%#', (chips, expected) => {
    expect(mixesImageAndText(chips)).toBe(expected);
  });
});

describe('sameTarget', () => {
  it('treats text case-insensitively and images by id', () => {
    expect(sameTarget(text('Red'), text('red', true))).toBe(true);
    expect(sameTarget(photo(1), photo(1, true))).toBe(true);
    expect(sameTarget(photo(1), photo(2))).toBe(false);
    expect(sameTarget(text('1'), photo(1))).toBe(false);
  });
});
