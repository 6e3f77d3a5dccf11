import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src-main/core/search/query-language.ts';
import {
  buildRequest,
  composeQuery,
  exampleLabel,
  isListing,
  problemsOf,
  splitTyped,
  type Chip,
  type ExampleChip,
  type FileChip,
} from '../../../src-renderer/lib/query/query-chips.ts';

const texts = (typed: string, complete = false) => splitTyped(typed, complete).chips.map((c) => c.text);
const part = (key: number, text: string): Chip => ({ kind: 'part', key, text, partKind: parseQuery(text).parts[0].kind });
const examples = (like: number[], unlike: number[] = []): ExampleChip => ({ kind: 'examples', key: 90, like, unlike, label: null });
const file = (path: string, negative = false): FileChip => ({ kind: 'file', key: 91, path, label: path, negative });

describe('splitTyped: what becomes a chip as the user types', () => {
  it('makes chips of the finished operators, phrases, exclusions and weights of the issue, and keeps the free words as text', () => {
    const typed = 'dog beach -people "exact words" in:paris after:2021-01 folder:Trips camera:iphone type:heic 2:sunset sort:newest ';
    const { chips, rest } = splitTyped(typed, false);
    expect(chips.map((c) => c.text)).toEqual([
      '-people',
      '"exact words"',
      'in:paris',
      'after:2021-01',
      'folder:Trips',
      'camera:iphone',
      'type:heic',
      '2:sunset',
      'sort:newest',
    ]);
    expect(chips.map((c) => c.partKind)).toEqual(['exclude', 'phrase', 'place', 'after', 'folder', 'camera', 'type', 'weighted', 'sort']);
    expect(rest).toBe('dog beach ');
  });

  it('waits for the part being typed: a part at the very end is still being written', () => {
    expect(texts('red in:par')).toEqual([]);
    expect(texts('red in:paris ')).toEqual(['in:paris']);
    expect(texts('red in:paris', true)).toEqual(['in:paris']);
  });

  it('never takes a quote that is still open, even on Enter', () => {
    expect(splitTyped('"hotel cali', true)).toEqual({ chips: [], rest: '"hotel cali' });
  });

  it('leaves a part with a mistake as text, where it can be corrected', () => {
    expect(splitTyped('red after:2021-13 ', false)).toEqual({ chips: [], rest: 'red after:2021-13 ' });
  });

  it('keeps words that name a date as text: they rank, they do not filter', () => {
    expect(splitTyped('June 2021 beach ', true)).toEqual({ chips: [], rest: 'June 2021 beach ' });
  });
});

describe('the query the box sends', () => {
  const request = (chips: Chip[], typed: string, share = 0.5) => {
    const composed = composeQuery(chips, typed);
    return buildRequest(parseQuery(composed.text), chips, share);
  };

  it('is the query language’s search input, chips and typed words read as one query', () => {
    const r = request([part(1, 'in:paris'), part(2, '-people'), part(3, 'sort:oldest')], 'red June 2021');
    expect(r).toEqual({
      description: 'red',
      terms: [{ kind: 'text', text: 'people', weight: -0.5 }],
      filters: { places: ['paris'] },
      phrases: [],
      dateWords: [{ kind: 'period', from: '2021-06-01', to: '2021-06-30', text: 'June 2021' }],
      sort: 'oldest',
    });
  });

  it('sends the photos of an example chip as examples, however many, and never as terms', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => i + 1);
    const r = request([examples(ids, [9001, 9002])], '');
    expect(r.terms).toEqual([]);
    expect(r.examples).toEqual({ like: ids, unlike: [9001, 9002], weight: 1 });
    expect(JSON.stringify(r).length).toBeLessThan(40_000);
  });

  it('weighs the examples evenly against the words at the middle of the slider, and within the contract at its ends', () => {
    expect(request([examples([4])], 'beach', 0.5).examples?.weight).toBe(1);
    expect(request([examples([4])], 'beach', 0.95).examples?.weight).toBe(4);
    expect(request([examples([4])], 'beach', 0.05).examples?.weight).toBeCloseTo(0.0526, 3);
  });

  it('balances words against images by the slider (the examples by a factor, even at the middle), and weighs a "not" file like an excluded word', () => {
    const r = request([examples([4, 5]), file('/tmp/a.jpg'), file('/tmp/b.jpg', true)], 'beach', 0.6);
    expect(r.descriptionWeight).toBeCloseTo(0.4);
    expect(r.examples?.weight).toBeCloseTo(1.5);
    expect(r.terms).toEqual([
      { kind: 'file', path: '/tmp/a.jpg', weight: expect.closeTo(0.3, 10) },
      { kind: 'file', path: '/tmp/b.jpg', weight: -0.5 },
    ]);
  });

  it('lists the library when there is nothing to look for, filters and order included', () => {
    expect(isListing(request([], ''))).toBe(true);
    expect(isListing(request([part(1, 'folder:Trips'), part(2, 'sort:oldest')], ''))).toBe(true);
    expect(isListing(request([], 'red'))).toBe(false);
    expect(isListing(request([], '2019'))).toBe(false);
    expect(isListing(request([examples([], [3])], ''))).toBe(false);
  });

  it('still searches the valid parts when another has a mistake', () => {
    const r = request([part(1, 'in:paris')], 'red after:2021-13');
    expect(r.description).toBe('red');
    expect(r.filters).toEqual({ places: ['paris'] });
  });
});

describe('problems, explained in place', () => {
  it('quotes what the mistake is about', () => {
    const composed = composeQuery([part(1, 'in:paris')], 'red after:2021-13');
    const problems = problemsOf(parseQuery(composed.text), composed);
    expect(problems).toEqual([{ message: expect.stringContaining('2021-13'), quote: 'after:2021-13', chipKeys: [] }]);
  });

  it('marks both chips of a backwards date range', () => {
    const chips = [part(1, 'after:2022-01'), part(2, 'in:rome'), part(3, 'before:2021-12')];
    const composed = composeQuery(chips, 'red');
    const problems = problemsOf(parseQuery(composed.text), composed);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/backwards/);
    expect(problems[0].chipKeys).toEqual(expect.arrayContaining([1, 3]));
    expect(buildRequest(parseQuery(composed.text), chips, 0.5).filters).toEqual({ places: ['rome'] });
  });
});

describe('exampleLabel', () => {
  it.each([
    [{ like: [1], unlike: [], label: 'IMG_1.jpg' }, 'IMG_1.jpg'],
    [{ like: [1, 2, 3], unlike: [], label: null }, '3 examples'],
    [{ like: Array.from({ length: 2000 }, (_, i) => i), unlike: [7], label: null }, '2,000 examples, 1 counter-example'],
    [{ like: [], unlike: [7, 8], label: null }, '2 counter-examples'],
  ])('%#: %s', (chip, label) => {
    expect(exampleLabel(chip)).toBe(label);
  });
});
