import { describe, expect, it } from 'vitest';
import {
  OPERATORS,
  PHOTO_TYPES,
  SORT_ORDERS,
  formatQuery,
  parseQuery,
  toSearchInput,
  type ParsedQuery,
  type QueryPart,
} from '../../../src-main/core/search/query-language.ts';

/** Mulberry32: a small seeded generator, so every generated case is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A parsed query without offsets: what must survive formatting, where whitespace may change. */
function content(q: ParsedQuery) {
  const strip = <T extends { start: number; end: number }>({ start: _s, end: _e, ...rest }: T) => rest;
  return { parts: q.parts.map(strip), dateWords: q.dateWords.map(strip), problems: q.problems.map(strip) };
}

/**
 * What holds for every input: spans inside the text and in order, each part reads the
 * same on its own (so a chip can be cut out of the text), and the round trip.
 */
function checkQuery(input: string): ParsedQuery {
  const q = parseQuery(input);
  const text = input.replace(LONE_SURROGATE, '\uFFFD');
  const wrong: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  let end = 0;
  for (const part of q.parts) {
    if (part.start < end || part.end <= part.start || part.end > input.length) wrong.push(`span ${part.start}..${part.end} after ${end}`);
    end = part.end;
    if (part.kind === 'invalid' && part.raw !== text.slice(part.start, part.end)) wrong.push(`raw ${part.raw}`);
    const alone = parseQuery(input.slice(part.start, part.end)).parts;
    if (
      !same(
        alone.map((p) => ({ ...p, start: 0, end: 0 })),
        [{ ...part, start: 0, end: 0 }],
      )
    )
      wrong.push(`alone ${JSON.stringify(part)}`);
  }
  let from = 0;
  for (const p of q.problems) {
    if (p.start < from || p.end < p.start || p.end > input.length) wrong.push(`problem span ${p.message} at ${p.start}..${p.end}`);
    if (p.message.replace(LONE_SURROGATE, '') !== p.message) wrong.push(`lone surrogate in ${p.message}`);
    from = p.start;
  }
  for (const d of q.dateWords) if (d.text !== text.slice(d.start, d.end).replace(/[\s\p{Cc}]+/gu, ' ')) wrong.push(`date text ${d.text}`);
  expect(wrong).toEqual([]);

  const formatted = formatQuery(q);
  const again = parseQuery(formatted);
  expect(content(again)).toEqual(content(q));
  expect(formatQuery(again)).toBe(formatted);
  return q;
}

/** Pieces that meet the grammar's edges: quotes of each kind, operators, weights, dates, separators, surrogates, emoji, CJK. */
const FRAGMENTS = [
  ...['dog', 'Beach', 'Paris', 'x', 'é', 'e\u0301', '海边', '東京', 'مرحبا', '🐶', '👩‍👩‍👧', '🇯🇵', '👍🏽', '\\', "'", ',', '.', '(', ')'],
  ...['"', '""', '"""', '“', '”', '-', '--', ':', '::', '+', '.5', '2:', '-1.5:', '0.5:', '9:', '1e-3:', '1e9:', '10:30', 're:invent', '16:9'],
  ...OPERATORS.flatMap((op) => [`${op}:`, `${op.toUpperCase()}:`]),
  ...['gps', 'newest', 'date', 'jpg,heic', 'xyz', '12,15', '0', 'a.jpg', 'June', 'jun', 'may', '1', '1st', 'of', '31', '2021', '2021-06', '2021-13'],
  ...['2021-02-30', '1990s', '2019-2021', '2021年6月', '01.06.2021'],
  ...[' ', ' ', '  ', '\t', '\n', '\r\n', '\u0000', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u200b', '\u200d'],
  ...['\uD800', '\uDC00', '\uDBFF\uDFFF'],
];

describe('round trip: parseQuery(formatQuery(q)) equals q', () => {
  it('holds for 4,000 generated strings of grammar fragments', () => {
    const next = random(9);
    for (let n = 0; n < 4000; n++) {
      const count = Math.floor(next() * 14);
      const input = Array.from({ length: count }, () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]).join(next() < 0.5 ? '' : ' ');
      checkQuery(input);
    }
  });

  /** Generated parts, written by formatQuery: the parse must give the same parts back. */
  it('holds for 2,000 generated queries built from parts', () => {
    const next = random(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const CHARS = [...'abcxyz AB09 -:,."“”\'\\/', '\t', '\u0000', 'é', 'e\u0301', '海', '边', '東', '京', '🐶', '👩‍👩‍👧', '🇯🇵', ' ', '\u3000', '""'];
    const text = () => {
      const raw = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pick(CHARS)).join('');
      const trimmed = raw.replace(/^[\s\p{Cc}]+|[\s\p{Cc}]+$/gu, '');
      return trimmed || 'x';
    };
    const word = () => {
      for (;;) {
        const w = text().replace(/[\s\p{Cc}]/gu, '_');
        const [only, ...more] = parseQuery(w).parts;
        if (more.length === 0 && only?.kind === 'word') return w;
      }
    };
    const DATES: Array<[string, string, string]> = [
      ['2021', '2021-01-01', '2021-12-31'],
      ['2021-06', '2021-06-01', '2021-06-30'],
      ['2021-06-15', '2021-06-15', '2021-06-15'],
      ['June 2021', '2021-06-01', '2021-06-30'],
      ['1 June 2021', '2021-06-01', '2021-06-01'],
    ];
    const ids = () => [...new Set(Array.from({ length: 1 + Math.floor(next() * 5) }, () => 1 + Math.floor(next() * 1e6)))];
    const makers: Array<() => Omit<QueryPart, 'start' | 'end'>> = [
      () => ({ kind: 'word', text: word() }),
      () => ({ kind: 'word', text: word() }),
      () => ({ kind: 'phrase', text: text() }),
      () => ({ kind: 'exclude', text: text() }),
      () => ({ kind: 'weighted', text: text(), weight: pick([-4, -2.5, -0.1, 0, 1e-7, 1 / 3, 1, 2, 4, Math.round((next() * 8 - 4) * 1000) / 1000]) }),
      () => ({ kind: pick(['place', 'folder', 'camera', 'label', 'album'] as const), value: text() }),
      () => {
        const [value, from, to] = pick(DATES);
        return { kind: pick(['after', 'before'] as const), value, from, to };
      },
      () => ({ kind: 'type', types: [...new Set(Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(PHOTO_TYPES.flat())))] }),
      () => ({ kind: pick(['like', 'unlike'] as const), ids: ids() }),
      () => ({ kind: 'sort', order: pick(SORT_ORDERS) }),
      () => ({ kind: 'has', what: 'gps' }),
    ];
    for (let n = 0; n < 2000; n++) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 8) }, () => ({ ...pick(makers)(), start: 0, end: 0 }) as QueryPart);
      const last = parts[parts.length - 1];
      if (last.kind !== 'word' && next() < 0.2) last.unclosed = true;
      const written = formatQuery({ parts });
      const back = parseQuery(written).parts.map((p) => ({ ...p, start: 0, end: 0 }));
      expect(back, written).toEqual(parts);
    }
  });
});

/** Kinds or messages with repeats counted: ['word×3', 'place']. */
function runs(items: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length;) {
    let j = i;
    while (j < items.length && items[j] === items[i]) j++;
    out.push(j - i > 1 ? `${items[i]}×${j - i}` : items[i]);
    i = j;
  }
  return out;
}

interface Expected {
  kinds: string[];
  problems: string[];
  /** Length of the free text the engine receives. */
  text?: number;
  /** Length of the first part's value (phrase, excluded text, place). */
  first?: number;
}

describe('hostile input: never throws, keeps every invariant, and parses as expected', () => {
  const q39 = '"'.repeat(39);
  const ids = Array.from({ length: 5000 }, (_, i) => i + 1).join(',');
  const rows: Array<[string, string, Expected]> = [
    ['a million letters', 'a'.repeat(1_000_000), { kinds: ['word'], problems: [], text: 1_000_000 }],
    ['100,000 words', 'dog '.repeat(100_000), { kinds: ['word×100000'], problems: [], text: 399_999 }],
    ['a million spaces', ' '.repeat(1_000_000), { kinds: [], problems: [] }],
    ['10,000 quotes', '"'.repeat(10_000), { kinds: ['phrase'], problems: [], first: 4999 }],
    ['10,001 quotes', '"'.repeat(10_001), { kinds: ['phrase'], problems: [`"${q39}… has no closing quote: add " where it ends.`], first: 5000 }],
    ['10,000 curly quotes', '“'.repeat(10_000), { kinds: ['phrase'], problems: [], first: 4999 }],
    ['5,000 spaced quotes', '" '.repeat(5000), { kinds: ['invalid×2500'], problems: ['Empty quotes match nothing: put words between them.×2500'] }],
    ['50,000 phrases', '"a" '.repeat(50_000), { kinds: ['phrase×50000'], problems: [] }],
    ['quotes inside a word', 'a"'.repeat(10_000), { kinds: ['word'], problems: [], text: 20_000 }],
    [
      'a million characters in a quote',
      `in:"${' '.repeat(1_000_000)}`,
      { kinds: ['invalid'], problems: ['in: needs a place, as in:paris or in:"new york".', 'The quote has no closing quote: add " where it ends.'] },
    ],
    ['a million-character place', `in:${'x'.repeat(1_000_000)}`, { kinds: ['place'], problems: [], first: 1_000_000 }],
    [
      'a 100,000-digit date',
      `after:${'9'.repeat(100_000)}`,
      { kinds: ['invalid'], problems: [`${'9'.repeat(39)}… is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, as after:2021-06.`] },
    ],
    [
      'a 30-digit weight',
      `${'9'.repeat(30)}:x`,
      { kinds: ['invalid'], problems: [`Weight ${'9'.repeat(30)} is out of range: use a number from -4 to 4, as 2:sunset.`] },
    ],
    ['a weight longer than any number', `${'9'.repeat(50)}:x`, { kinds: ['word'], problems: [], text: 52 }],
    ['100,000 dashes', '-'.repeat(100_000), { kinds: ['exclude'], problems: [], first: 99_999 }],
    ['100,000 emoji', '🐶'.repeat(100_000), { kinds: ['word'], problems: [], text: 200_000 }],
    [
      '20,000 impossible dates',
      '2021-02-30 '.repeat(20_000),
      { kinds: ['word×20000'], problems: ['February 2021 has no day 30.×20000'], text: 20_000 * 11 - 1 },
    ],
    [
      '10,000 repeated sorts',
      'sort:newest '.repeat(10_000),
      { kinds: ['sort×10000'], problems: ['sort: is given more than once; the last one (sort:newest) counts.×9999'] },
    ],
    ['5,000 example ids', `like:${ids}`, { kinds: ['like'], problems: [] }],
    ['lone surrogates', '\uD800\uDC00\uD800 dog \uDC00', { kinds: ['word×3'], problems: [], text: 9 }],
    ['a lone high surrogate in a quote', '"\uD83D"', { kinds: ['phrase'], problems: [], first: 1 }],
    ['control characters only', '\u0000\u0001\u0007\u001b\u007f\u0085\u2028\u2029\ufeff', { kinds: [], problems: [] }],
    ['10,000 NULs, then a word', `${'\u0000'.repeat(10_000)}dog`, { kinds: ['word'], problems: [], text: 3 }],
    ['control characters inside a phrase stay', '"a\u0000b"', { kinds: ['phrase'], problems: [], first: 3 }],
    [
      'only operators',
      'in: after: before: folder: camera: type: label: album: like: unlike: sort: has:',
      {
        kinds: ['invalid×12'],
        problems: [
          'in: needs a place, as in:paris or in:"new york".',
          'after: needs a date, as after:2021-06.',
          'before: needs a date, as before:2021-12.',
          'folder: needs a folder name, as folder:Trips.',
          'camera: needs a camera, as camera:iphone.',
          'type: needs file types, as type:heic,jpg.',
          'label: needs a label, as label:beach.',
          'album: needs an album name, as album:Hiking.',
          'like: needs photo ids, as like:123,456.',
          'unlike: needs photo ids, as unlike:123.',
          'sort: needs an order: relevance, newest or oldest.',
          'has: needs gps, as has:gps.',
        ],
      },
    ],
    [
      'only punctuation of the grammar',
      ':::: ---- "" - -"" 2: 2:"',
      {
        kinds: ['word', 'exclude', 'invalid', 'word', 'invalid', 'word', 'invalid'],
        problems: [
          'Empty quotes match nothing: put words between them.',
          'Nothing to exclude: put words in the quotes, as -"at night".',
          '2: needs words to weigh, as 2:sunset.',
          'The quote has no closing quote: add " where it ends.',
        ],
      },
    ],
  ];

  it.each(rows)('%s', (_name, input, expected) => {
    const q = checkQuery(input);
    expect(runs(q.parts.map((p) => p.kind))).toEqual(expected.kinds);
    expect(runs(q.problems.map((p) => p.message))).toEqual(expected.problems);
    if (expected.text !== undefined) expect(toSearchInput(q).description.length).toBe(expected.text);
    if (expected.first !== undefined) {
      const first = q.parts[0];
      expect('text' in first ? first.text.length : 'value' in first ? first.value.length : -1).toBe(expected.first);
    }
  });

  it('reads a missing or non-string input as an empty query', () => {
    expect(parseQuery(undefined as unknown as string)).toEqual({ parts: [], dateWords: [], problems: [] });
    expect(parseQuery(42 as unknown as string)).toEqual({ parts: [], dateWords: [], problems: [] });
  });
});
