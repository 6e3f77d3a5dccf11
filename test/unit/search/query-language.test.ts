import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  flagsToQuery,
  formatPart,
  formatQuery,
  parseQuery,
  toSearchInput,
  type QueryPart,
  type QuerySearchInput,
} from '../../../src-main/core/search/query-language.ts';

type Fields = { [K in QueryPart['kind']]: Omit<Extract<QueryPart, { kind: K }>, 'start' | 'end'> }[QueryPart['kind']];

/** Expected parts, each given with the exact text it covers; spans are found left to right in the input. */
function partsAt(input: string, expected: ReadonlyArray<readonly [string, Fields]>): QueryPart[] {
  let from = 0;
  return expected.map(([piece, fields]) => {
    const start = input.indexOf(piece, from);
    if (start < 0) throw new Error(`test table: ${JSON.stringify(piece)} is not in ${JSON.stringify(input)}`);
    from = start + piece.length;
    return { ...fields, start, end: from } as QueryPart;
  });
}

const word = (text: string): Fields => ({ kind: 'word', text });

describe('parseQuery: parts and their spans', () => {
  const rows: Array<[string, Array<[string, Fields]>]> = [
    ['', []],
    ['   \t\n ', []],
    ['dog', [['dog', word('dog')]]],
    [
      'dog beach',
      [
        ['dog', word('dog')],
        ['beach', word('beach')],
      ],
    ],
    ['-people', [['-people', { kind: 'exclude', text: 'people' }]]],
    ['-"at night"', [['-"at night"', { kind: 'exclude', text: 'at night' }]]],
    ['"exact words"', [['"exact words"', { kind: 'phrase', text: 'exact words' }]]],
    ['“smart quotes”', [['“smart quotes”', { kind: 'phrase', text: 'smart quotes' }]]],
    ['"say ""cheese"""', [['"say ""cheese"""', { kind: 'phrase', text: 'say "cheese"' }]]],
    ['"  padded  "', [['"  padded  "', { kind: 'phrase', text: 'padded' }]]],
    ['"C:\\Photos\\"', [['"C:\\Photos\\"', { kind: 'phrase', text: 'C:\\Photos\\' }]]],
    ['2:sunset', [['2:sunset', { kind: 'weighted', text: 'sunset', weight: 2 }]]],
    ['0.5:"at night"', [['0.5:"at night"', { kind: 'weighted', text: 'at night', weight: 0.5 }]]],
    ['-1.5:rain', [['-1.5:rain', { kind: 'weighted', text: 'rain', weight: -1.5 }]]],
    ['+4:sun', [['+4:sun', { kind: 'weighted', text: 'sun', weight: 4 }]]],
    ['-0:sun', [['-0:sun', { kind: 'weighted', text: 'sun', weight: 0 }]]],
    ['.5:sun', [['.5:sun', { kind: 'weighted', text: 'sun', weight: 0.5 }]]],
    ['1e-3:sun', [['1e-3:sun', { kind: 'weighted', text: 'sun', weight: 0.001 }]]],
    ['2:in:paris', [['2:in:paris', { kind: 'weighted', text: 'in:paris', weight: 2 }]]],
    ['in:paris', [['in:paris', { kind: 'place', value: 'paris' }]]],
    ['in:"new york"', [['in:"new york"', { kind: 'place', value: 'new york' }]]],
    ['IN:Paris', [['IN:Paris', { kind: 'place', value: 'Paris' }]]],
    ['in::x', [['in::x', { kind: 'place', value: ':x' }]]],
    ['after:2021-01', [['after:2021-01', { kind: 'after', value: '2021-01', from: '2021-01-01', to: '2021-01-31' }]]],
    ['Before:2021-12', [['Before:2021-12', { kind: 'before', value: '2021-12', from: '2021-12-01', to: '2021-12-31' }]]],
    ['after:"June 2021"', [['after:"June 2021"', { kind: 'after', value: 'June 2021', from: '2021-06-01', to: '2021-06-30' }]]],
    ['folder:Trips', [['folder:Trips', { kind: 'folder', value: 'Trips' }]]],
    ['folder:C:\\Photos\\2019', [['folder:C:\\Photos\\2019', { kind: 'folder', value: 'C:\\Photos\\2019' }]]],
    ['folder:"/home/me/My Photos"', [['folder:"/home/me/My Photos"', { kind: 'folder', value: '/home/me/My Photos' }]]],
    ['camera:iphone', [['camera:iphone', { kind: 'camera', value: 'iphone' }]]],
    ['type:heic', [['type:heic', { kind: 'type', types: ['heic'] }]]],
    ['TYPE:.JPG,heic,,jpg', [['TYPE:.JPG,heic,,jpg', { kind: 'type', types: ['jpg', 'heic'] }]]],
    ['type:"jpg, heic"', [['type:"jpg, heic"', { kind: 'type', types: ['jpg', 'heic'] }]]],
    ['label:beach', [['label:beach', { kind: 'label', value: 'beach' }]]],
    ['album:"Summer 2021"', [['album:"Summer 2021"', { kind: 'album', value: 'Summer 2021' }]]],
    ['like:12', [['like:12', { kind: 'like', ids: [12] }]]],
    ['like:12,15,12', [['like:12,15,12', { kind: 'like', ids: [12, 15] }]]],
    ['unlike:7', [['unlike:7', { kind: 'unlike', ids: [7] }]]],
    ['sort:NEWEST', [['sort:NEWEST', { kind: 'sort', order: 'newest' }]]],
    ['has:gps', [['has:gps', { kind: 'has', what: 'gps' }]]],
    // words that look a little like operators stay words
    ['10:30', [['10:30', word('10:30')]]],
    ['re:invent', [['re:invent', word('re:invent')]]],
    ['16:9', [['16:9', word('16:9')]]],
    ['2:', [['2:', word('2:')]]],
    ['https://example.com', [['https://example.com', word('https://example.com')]]],
    ['intitle:x', [['intitle:x', word('intitle:x')]]],
    [':', [[':', word(':')]]],
    ['-', [['-', word('-')]]],
    [
      'New York - Paris',
      [
        ['New', word('New')],
        ['York', word('York')],
        ['-', word('-')],
        ['Paris', word('Paris')],
      ],
    ],
    ['5\'11"', [['5\'11"', word('5\'11"')]]],
    ['--x', [['--x', { kind: 'exclude', text: '-x' }]]],
    ['-re:invent', [['-re:invent', { kind: 'exclude', text: 're:invent' }]]],
    ['-10:30', [['-10:30', { kind: 'exclude', text: '10:30' }]]],
    // a closing quote ends a part even without a space
    [
      '"hotel"california',
      [
        ['"hotel"', { kind: 'phrase', text: 'hotel' }],
        ['california', word('california')],
      ],
    ],
    [
      'in:"new york"dog',
      [
        ['in:"new york"', { kind: 'place', value: 'new york' }],
        ['dog', word('dog')],
      ],
    ],
    // control characters separate like spaces; CJK and emoji are ordinary text
    [
      'dog\u0000beach\u001b',
      [
        ['dog', word('dog')],
        ['beach', word('beach')],
      ],
    ],
    [
      '海边的狗\u3000東京',
      [
        ['海边的狗', word('海边的狗')],
        ['東京', word('東京')],
      ],
    ],
    [
      '👩‍👩‍👧 in:🗼',
      [
        ['👩‍👩‍👧', word('👩‍👩‍👧')],
        ['in:🗼', { kind: 'place', value: '🗼' }],
      ],
    ],
    [
      'dog beach -people "exact words" in:paris after:2021-01 before:2021-12 folder:Trips camera:iphone type:heic 2:sunset',
      [
        ['dog', word('dog')],
        ['beach', word('beach')],
        ['-people', { kind: 'exclude', text: 'people' }],
        ['"exact words"', { kind: 'phrase', text: 'exact words' }],
        ['in:paris', { kind: 'place', value: 'paris' }],
        ['after:2021-01', { kind: 'after', value: '2021-01', from: '2021-01-01', to: '2021-01-31' }],
        ['before:2021-12', { kind: 'before', value: '2021-12', from: '2021-12-01', to: '2021-12-31' }],
        ['folder:Trips', { kind: 'folder', value: 'Trips' }],
        ['camera:iphone', { kind: 'camera', value: 'iphone' }],
        ['type:heic', { kind: 'type', types: ['heic'] }],
        ['2:sunset', { kind: 'weighted', text: 'sunset', weight: 2 }],
      ],
    ],
    // invalid parts keep their exact text
    ['after:2021-13', [['after:2021-13', { kind: 'invalid', raw: 'after:2021-13', operator: 'after' }]]],
    ['-in:paris', [['-in:paris', { kind: 'invalid', raw: '-in:paris', operator: 'in' }]]],
    ['5:sunset', [['5:sunset', { kind: 'invalid', raw: '5:sunset', operator: null }]]],
    ['""', [['""', { kind: 'invalid', raw: '""', operator: null }]]],
    ['"hotel cal', [['"hotel cal', { kind: 'phrase', text: 'hotel cal', unclosed: true }]]],
    ['in:"new yo', [['in:"new yo', { kind: 'place', value: 'new yo', unclosed: true }]]],
  ];

  it.each(rows)('%j', (input, expected) => {
    expect(parseQuery(input).parts).toEqual(partsAt(input, expected));
  });
});

describe('parseQuery: problems, in plain words, with the span they are about', () => {
  const rows: Array<[string, Array<[string, string]>]> = [
    ['dog beach in:paris', []],
    ['after:2021-13', [['2021-13', '2021-13 is not a month: use YYYY-MM.']]],
    ['before:2021-02-30', [['2021-02-30', 'February 2021 has no day 30.']]],
    ['after:2021-13-01', [['2021-13-01', '2021-13-01 is not a date: months go from 1 to 12.']]],
    ['after:yesterday', [['yesterday', 'yesterday is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, as after:2021-06.']]],
    ['before:"June"', [['"June"', 'June has no year: add one, as before:2021-12.']]],
    [
      'after:2022 before:2021',
      [['after:2022 before:2021', 'The dates are backwards: after:2022 is later than before:2021. Swap them; until then no date filter applies.']],
    ],
    [
      'before:2021-06-01 dog after:2021-06-02',
      [
        [
          'before:2021-06-01 dog after:2021-06-02',
          'The dates are backwards: after:2021-06-02 is later than before:2021-06-01. Swap them; until then no date filter applies.',
        ],
      ],
    ],
    ['after:2021-06 before:2021-06', []],
    ['"hotel cal', [['"hotel cal', '"hotel cal has no closing quote: add " where it ends.']]],
    [
      'dog "',
      [
        ['"', 'The quote has no closing quote: add " where it ends.'],
        ['"', 'Empty quotes match nothing: put words between them.'],
      ],
    ],
    ['""', [['""', 'Empty quotes match nothing: put words between them.']]],
    ['folder:', [['folder:', 'folder: needs a folder name, as folder:Trips.']]],
    ['folder:""', [['folder:""', 'folder: needs a folder name, as folder:Trips.']]],
    ['in: paris', [['in:', 'in: needs a place, as in:paris or in:"new york".']]],
    ['type:xyz', [['xyz', 'xyz is not a photo file type: use jpg, heic, png, webp, tif, gif or avif.']]],
    ['type:jpg,xyz,doc', [['jpg,xyz,doc', 'xyz, doc are not photo file types: use jpg, heic, png, webp, tif, gif or avif.']]],
    ['type:,', [[',', 'type: needs file types, as type:heic,jpg.']]],
    ['like:a.jpg', [['a.jpg', 'like: takes photo ids, as like:123,456; "a.jpg" is not one.']]],
    ['unlike:0', [['0', 'unlike: takes photo ids, as unlike:123,456; "0" is not one.']]],
    ['sort:date', [['date', 'sort: takes relevance, newest or oldest, not "date".']]],
    ['has:wifi', [['wifi', 'has: takes gps (photos with a location), not "wifi".']]],
    ['5:sunset', [['5', 'Weight 5 is out of range: use a number from -4 to 4, as 2:sunset.']]],
    ['-4.5:"at night"', [['-4.5', 'Weight -4.5 is out of range: use a number from -4 to 4, as 2:sunset.']]],
    ['2:""', [['2:""', '2: needs words to weigh, as 2:sunset.']]],
    ['-""', [['-""', 'Nothing to exclude: put words in the quotes, as -"at night".']]],
    ['-in:paris', [['-in:paris', 'Filters cannot be excluded: remove the - before in:.']]],
    ['-TYPE:jpg', [['-TYPE:jpg', 'Filters cannot be excluded: remove the - before type:.']]],
    ['sort:newest sort:oldest', [['sort:newest', 'sort: is given more than once; the last one (sort:oldest) counts.']]],
    [
      'camera:a camera:b camera:c',
      [
        ['camera:a', 'camera: is given more than once; the last one (camera:c) counts.'],
        ['camera:b', 'camera: is given more than once; the last one (camera:c) counts.'],
      ],
    ],
    ['in:paris in:rome label:a label:b folder:x folder:y like:1 like:2', []],
    ['31 June 2021', [['31 June 2021', 'June 2021 has no day 31.']]],
    ['10:30 re:invent 16:9 1:1', []],
  ];

  it.each(rows)('%j', (input, expected) => {
    let from = 0;
    const spans = expected.map(([piece, message]) => {
      const start = input.indexOf(piece, from);
      from = start;
      return { message, start, end: start + piece.length };
    });
    expect(parseQuery(input).problems).toEqual(spans);
  });

  it('keeps the valid parts of a query with problems', () => {
    const q = parseQuery('dog after:2021-13 in:paris "unclosed');
    expect(q.parts.map((p) => p.kind)).toEqual(['word', 'invalid', 'place', 'phrase']);
    expect(toSearchInput(q)).toMatchObject({ description: 'dog', terms: [], filters: { places: ['paris'] }, phrases: ['unclosed'] });
  });
});

const EMPTY: QuerySearchInput = {
  description: '',
  terms: [],
  filters: {},
  phrases: [],
  examples: { like: [], unlike: [], weight: 1 },
  sort: 'relevance',
  dateWords: [],
};

describe('toSearchInput: what the engine receives', () => {
  const rows: Array<[string, Partial<QuerySearchInput>]> = [
    ['', {}],
    ['dog', { description: 'dog' }],
    ['dog in:paris on the beach', { description: 'dog on the beach', filters: { places: ['paris'] } }],
    [
      'red -stripes 2:circle -"at night" 0.5:blue',
      {
        description: 'red',
        terms: [
          { kind: 'text', text: 'stripes', weight: -0.5 },
          { kind: 'text', text: 'circle', weight: 2 },
          { kind: 'text', text: 'at night', weight: -0.5 },
          { kind: 'text', text: 'blue', weight: 0.5 },
        ],
      },
    ],
    ['"hotel california"', { phrases: ['hotel california'] }],
    ['"a" "b" "a"', { phrases: ['a', 'b'] }],
    [
      'after:2021-01 before:2021-12 folder:Trips folder:"My Photos" camera:iphone type:heic,jpg type:png has:gps',
      {
        filters: { after: '2021-01-01', before: '2021-12-31', folders: ['Trips', 'My Photos'], camera: 'iphone', types: ['heic', 'jpg', 'png'], hasGps: true },
      },
    ],
    ['after:2020 after:2021', { filters: { after: '2021-01-01' } }],
    ['before:2024-02', { filters: { before: '2024-02-29' } }],
    ['dog after:2022 before:2021', { description: 'dog' }],
    ['label:beach label:sunset album:Hiking album:Trips', { filters: { labels: ['beach', 'sunset'], album: 'Trips' } }],
    ['like:1,2 like:2,3 unlike:9', { examples: { like: [1, 2, 3], unlike: [9], weight: 1 } }],
    ['sort:oldest', { sort: 'oldest' }],
    ['sort:newest sort:relevance', { sort: 'relevance' }],
    [
      'beach June 2021',
      {
        description: 'beach',
        dateWords: [{ kind: 'period', from: '2021-06-01', to: '2021-06-30', text: 'June 2021' }],
      },
    ],
    ['2019', { dateWords: [{ kind: 'period', from: '2019-01-01', to: '2019-12-31', text: '2019' }] }],
    ['after:2021-13 type:xyz -in:paris 5:x', {}],
  ];

  it.each(rows)('%j', (input, expected) => {
    expect(toSearchInput(parseQuery(input))).toEqual({ ...EMPTY, ...expected });
  });

  it('weighs excluded terms with the given strength, as --not-weight does', () => {
    expect(toSearchInput(parseQuery('-people'), { excludeWeight: 2 }).terms).toEqual([{ kind: 'text', text: 'people', weight: -2 }]);
  });
});

describe('formatQuery: canonical text', () => {
  const rows: Array<[string, string]> = [
    ['  dog   beach  ', 'dog beach'],
    ['IN:Paris AFTER:2021', 'in:Paris after:2021'],
    ['in:"paris"', 'in:paris'],
    ['in:"new york"', 'in:"new york"'],
    ['in:""""', 'in:""""'],
    ['"say ""cheese"""', '"say ""cheese"""'],
    ['“typographic”', '"typographic"'],
    ['"straight “curly” and ""straight"" inside"', '"straight “curly” and ""straight"" inside"'],
    ['“curly "straight" and ””curly““ inside”', '"curly ""straight"" and ”curly“ inside"'],
    ['-"people"', '-people'],
    ['-"2:sunset"', '-"2:sunset"'],
    ['-"in:paris"', '-"in:paris"'],
    ['-"-x"', '--x'],
    ['+2:sun', '2:sun'],
    ['2.50:"sun"', '2.5:sun'],
    ['1:"30 years"', '1:"30 years"'],
    ['TYPE:.JPG,,heic', 'type:jpg,heic'],
    ['like:1,1,2', 'like:1,2'],
    ['sort:Newest has:GPS', 'sort:newest has:gps'],
    ['after:"June 2021"', 'after:"June 2021"'],
    ['AFTER:2021-13', 'AFTER:2021-13'],
    ['"hotel cal', '"hotel cal'],
    ['"a"b', '"a" b'],
    ['dog\u0000beach', 'dog beach'],
  ];

  it.each(rows)('%j -> %j', (input, canonical) => {
    expect(formatQuery(parseQuery(input))).toBe(canonical);
  });

  it('closes an unclosed quote when its part is no longer last', () => {
    const { parts } = parseQuery('"hotel cal');
    expect(formatQuery({ parts: [...parts, ...parseQuery('dog').parts] })).toBe('"hotel cal" dog');
  });

  it('writes each part back as text that parses to the same part (chips to text and back)', () => {
    const q = parseQuery('dog -"at night" "hotel" in:"new york" after:2021-06 type:jpg,heic like:3,4 sort:oldest has:gps 0.5:sun album:"A B"');
    for (const part of q.parts) {
      const [again] = parseQuery(formatPart(part)).parts;
      expect({ ...again, start: 0, end: 0 }).toEqual({ ...part, start: 0, end: 0 });
    }
  });
});

describe('flagsToQuery: the command line flags as query text', () => {
  it('writes every flag as its operator, quoting values that need it', () => {
    const text = flagsToQuery({
      after: '2021-01-01',
      before: '2021-12-31',
      folders: ['/home/me/My Photos', 'C:\\Pics'],
      types: ['jpg,heic'],
      camera: 'Fujifilm X100V',
      hasGps: true,
      not: ['people', 'at night', '2:x'],
      like: [3, 4],
      unlike: [9],
      sort: 'newest',
    });
    expect(text).toBe(
      'after:2021-01-01 before:2021-12-31 folder:"/home/me/My Photos" folder:C:\\Pics type:jpg,heic camera:"Fujifilm X100V" has:gps -people -"at night" -"2:x" like:3,4 unlike:9 sort:newest',
    );
    expect(toSearchInput(parseQuery(`${text} sunset`))).toEqual({
      ...EMPTY,
      description: 'sunset',
      terms: [
        { kind: 'text', text: 'people', weight: -0.5 },
        { kind: 'text', text: 'at night', weight: -0.5 },
        { kind: 'text', text: '2:x', weight: -0.5 },
      ],
      filters: {
        after: '2021-01-01',
        before: '2021-12-31',
        folders: ['/home/me/My Photos', 'C:\\Pics'],
        types: ['jpg', 'heic'],
        camera: 'Fujifilm X100V',
        hasGps: true,
      },
      examples: { like: [3, 4], unlike: [9], weight: 1 },
      sort: 'newest',
    });
  });

  it('passes bad flag values on to be explained like typed ones', () => {
    const q = parseQuery(`${flagsToQuery({ after: '2021-13', sort: 'date', camera: '' })} "dog`);
    expect(q.problems.map((p) => p.message)).toEqual([
      '2021-13 is not a month: use YYYY-MM.',
      'camera: needs a camera, as camera:iphone.',
      'sort: takes relevance, newest or oldest, not "date".',
      '"dog has no closing quote: add " where it ends.',
    ]);
  });

  it('gives nothing for no flags', () => {
    expect(flagsToQuery({})).toBe('');
  });
});

describe('runs in the renderer', () => {
  const dir = path.resolve(import.meta.dirname, '../../../src-main/core/search');
  const rows: Array<[string, string[]]> = [
    ['query-language.ts', ['import ../api/contract.ts', 'import ./date-words.ts', 'export type ./date-words.ts', 'export ../api/contract.ts']],
    ['date-words.ts', []],
  ];
  it.each(rows)('%s imports no Node module, only the contract from outside its folder, and uses no Node global', (file, expected) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const imports = [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)].map(
      ([, verb, type, spec]) => `${verb} ${type ?? ''}${spec}`,
    );
    expect(imports).toEqual(expected);
    expect(text).not.toMatch(/\b(process|Buffer|require|global|__dirname)\b\s*[.(]/);
  });
});
