import { describe, expect, it } from 'vitest';
import { parseQuery, type DateMeaning } from '../../../src-main/core/search/query-language.ts';

const period = (from: string, to = from): DateMeaning => ({ kind: 'period', from, to });
const yearly = (month: number, day: number | null = null): DateMeaning => ({ kind: 'yearly', month, day });

/** Each row: the query, then each date found as [the exact text it covers, its meaning]. */
describe('dates among the free words', () => {
  const rows: Array<[string, Array<[string, DateMeaning]>]> = [
    ['2019', [['2019', period('2019-01-01', '2019-12-31')]]],
    ['dog beach 2019 sunset', [['2019', period('2019-01-01', '2019-12-31')]]],
    ['June 2021', [['June 2021', period('2021-06-01', '2021-06-30')]]],
    ['jun 2021', [['jun 2021', period('2021-06-01', '2021-06-30')]]],
    ['Jun. 2021', [['Jun. 2021', period('2021-06-01', '2021-06-30')]]],
    ['JUNE 2021', [['JUNE 2021', period('2021-06-01', '2021-06-30')]]],
    ['sept 2021', [['sept 2021', period('2021-09-01', '2021-09-30')]]],
    ['Feb 2024', [['Feb 2024', period('2024-02-01', '2024-02-29')]]],
    ['Feb 2023', [['Feb 2023', period('2023-02-01', '2023-02-28')]]],
    ['february 1900', [['february 1900', period('1900-02-01', '1900-02-28')]]],
    ['february 2000', [['february 2000', period('2000-02-01', '2000-02-29')]]],
    ['2021-06', [['2021-06', period('2021-06-01', '2021-06-30')]]],
    ['2021/6', [['2021/6', period('2021-06-01', '2021-06-30')]]],
    ['2021.06', [['2021.06', period('2021-06-01', '2021-06-30')]]],
    ['2021-06-01', [['2021-06-01', period('2021-06-01')]]],
    ['2021/6/1', [['2021/6/1', period('2021-06-01')]]],
    ['01.06.2021', [['01.06.2021', period('2021-06-01')]]],
    ['1 June 2021', [['1 June 2021', period('2021-06-01')]]],
    ['1st June 2021', [['1st June 2021', period('2021-06-01')]]],
    ['1st of June 2021', [['1st of June 2021', period('2021-06-01')]]],
    ['June 1, 2021', [['June 1, 2021', period('2021-06-01')]]],
    ['June 1st 2021', [['June 1st 2021', period('2021-06-01')]]],
    ['june 1 2021', [['june 1 2021', period('2021-06-01')]]],
    ['party on June 1, 2021.', [['June 1, 2021', period('2021-06-01')]]],
    ['photos from June 2021, in the park', [['June 2021', period('2021-06-01', '2021-06-30')]]],
    ['29 February 2020', [['29 February 2020', period('2020-02-29')]]],
    ['1990s', [['1990s', period('1990-01-01', '1999-12-31')]]],
    ["1990's", [["1990's", period('1990-01-01', '1999-12-31')]]],
    ['2019-2021', [['2019-2021', period('2019-01-01', '2021-12-31')]]],
    ['2019–2021', [['2019–2021', period('2019-01-01', '2021-12-31')]]],
    ['2020年', [['2020年', period('2020-01-01', '2020-12-31')]]],
    ['2021年6月', [['2021年6月', period('2021-06-01', '2021-06-30')]]],
    ['2021年6月1日', [['2021年6月1日', period('2021-06-01')]]],
    ['6月', [['6月', yearly(6)]]],
    ['6月1日', [['6月1日', yearly(6, 1)]]],
    // other languages: full month names, accents optional, with a day or a year
    ['Juni 2021', [['Juni 2021', period('2021-06-01', '2021-06-30')]]],
    ['1. Juni 2021', [['1. Juni 2021', period('2021-06-01')]]],
    ['März 2021', [['März 2021', period('2021-03-01', '2021-03-31')]]],
    ['marz 2021', [['marz 2021', period('2021-03-01', '2021-03-31')]]],
    ['Ma\u0308rz 2021', [['Ma\u0308rz 2021', period('2021-03-01', '2021-03-31')]]],
    ['février 2021', [['février 2021', period('2021-02-01', '2021-02-28')]]],
    ['1er mai 2021', [['1er mai 2021', period('2021-05-01')]]],
    ['août 2021', [['août 2021', period('2021-08-01', '2021-08-31')]]],
    ['1 de junio de 2021', [['1 de junio de 2021', period('2021-06-01')]]],
    ['junio de 2021', [['junio de 2021', period('2021-06-01', '2021-06-30')]]],
    ['giugno 2021', [['giugno 2021', period('2021-06-01', '2021-06-30')]]],
    ['maart 2021', [['maart 2021', period('2021-03-01', '2021-03-31')]]],
    ['março 2021', [['março 2021', period('2021-03-01', '2021-03-31')]]],
    // yearly: a month or a day without a year
    ['June', [['June', yearly(6)]]],
    ['december snow', [['december', yearly(12)]]],
    ['birthday 1 June', [['1 June', yearly(6, 1)]]],
    ['June 1', [['June 1', yearly(6, 1)]]],
    ['March 3', [['March 3', yearly(3, 3)]]],
    ['February 29', [['February 29', yearly(2, 29)]]],
    ['May 2021', [['May 2021', period('2021-05-01', '2021-05-31')]]],
    [
      'June 2021 and 2019',
      [
        ['June 2021', period('2021-06-01', '2021-06-30')],
        ['2019', period('2019-01-01', '2019-12-31')],
      ],
    ],
    // not dates
    ['may', []],
    ['dogs that may swim', []],
    ['march', []],
    ['mars', []],
    ['juni', []],
    ['jun', []],
    ['1000 lanterns', []],
    ['2250', []],
    ['2019/Trip', []],
    ['IMG_2041', []],
    ['10:30', []],
    ['2019-21', []],
    ['2021-13', []],
    ['2021-2019', []],
    ['01/06/2021', []],
    ['1 dog', []],
    ['2021x', []],
    ['1991s', []],
    // a date never spans an operator or a phrase
    [
      'June in:paris 2021',
      [
        ['June', yearly(6)],
        ['2021', period('2021-01-01', '2021-12-31')],
      ],
    ],
    [
      'June "x" 2021',
      [
        ['June', yearly(6)],
        ['2021', period('2021-01-01', '2021-12-31')],
      ],
    ],
    ['in:2021 "2021" after:2021 2:2021x', []],
  ];

  it.each(rows)('%j', (input, expected) => {
    let from = 0;
    const want = expected.map(([text, meaning]) => {
      const start = input.indexOf(text, from);
      from = start + text.length;
      return { ...meaning, text, start, end: from };
    });
    const q = parseQuery(input);
    expect(q.dateWords).toEqual(want);
    expect(q.problems).toEqual([]);
  });

  it('reports the words between dates as one space, whatever separates them', () => {
    expect(parseQuery('June \t 2021').dateWords).toEqual([{ ...period('2021-06-01', '2021-06-30'), text: 'June 2021', start: 0, end: 11 }]);
  });
});

describe('dates that do not exist are explained, not searched', () => {
  const rows: Array<[string, string, string]> = [
    ['31 June 2021', '31 June 2021', 'June 2021 has no day 31.'],
    ['June 31, 2021', 'June 31, 2021', 'June 2021 has no day 31.'],
    ['29 February 2021', '29 February 2021', 'February 2021 has no day 29.'],
    ['February 30', 'February 30', 'February has no day 30.'],
    ['0 June', '0 June', 'June has no day 0.'],
    ['2021-02-29', '2021-02-29', 'February 2021 has no day 29.'],
    ['2021-13-01', '2021-13-01', '2021-13-01 is not a date: months go from 1 to 12.'],
    ['31.04.2021', '31.04.2021', 'April 2021 has no day 31.'],
    ['2021年2月30日', '2021年2月30日', 'February 2021 has no day 30.'],
  ];

  it.each(rows)('%j', (input, text, message) => {
    const q = parseQuery(input);
    const start = input.indexOf(text);
    expect(q.problems).toEqual([{ message, start, end: start + text.length }]);
    expect(q.dateWords).toEqual([]);
  });
});

describe('after: and before: values', () => {
  const rows: Array<[string, string, string]> = [
    ['2021', '2021-01-01', '2021-12-31'],
    ['2021-01', '2021-01-01', '2021-01-31'],
    ['2021-12', '2021-12-01', '2021-12-31'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2021-06-15', '2021-06-15', '2021-06-15'],
    ['2021-6-5', '2021-06-05', '2021-06-05'],
    ['"June 2021"', '2021-06-01', '2021-06-30'],
    ['"1 June 2021"', '2021-06-01', '2021-06-01'],
    ['"June 1, 2021"', '2021-06-01', '2021-06-01'],
    ['1500', '1500-01-01', '1500-12-31'],
    ['1990s', '1990-01-01', '1999-12-31'],
  ];

  it.each(rows)('after:%s starts on its first day, before:%s ends on its last', (value, first, last) => {
    const q = parseQuery(`after:${value} before:${value}`);
    expect(q.problems).toEqual([]);
    expect(q.parts.map((p) => ('from' in p ? [p.kind, p.from, p.to] : p.kind))).toEqual([
      ['after', first, last],
      ['before', first, last],
    ]);
  });
});
