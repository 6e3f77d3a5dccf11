/**
 * Dates written in words or numbers ("2019", "June 2021", "1 June 2021", "2021-06-01"),
 * read as local calendar periods. Shared by the query language's free words (where a
 * date is a ranking signal) and its after:/before: filters. Pure string arithmetic on
 * the proleptic Gregorian calendar: no Date objects, so no time zone can shift a day.
 *
 * No Node APIs: the renderer imports this module too.
 */

/** Where a piece of the query sits: UTF-16 offsets into the query text, `end` exclusive (as `String.slice` and input selections count). */
export interface Span {
  start: number;
  end: number;
}

/** A user-facing explanation of something in the query that could not be used as typed. */
export interface QueryProblem extends Span {
  message: string;
}

/** The first characters of a value, for a message about it: a problem must not quote a megabyte back. */
export function excerpt(value: string, max = 40): string {
  if (value.length <= max) return value;
  const cut = /[\uD800-\uDBFF]/.test(value[max - 2]) ? max - 2 : max - 1;
  return `${value.slice(0, cut)}…`;
}

/** Days from `from` through `to`, both YYYY-MM-DD and inclusive, in the calendar where the photos were taken. */
export interface DatePeriod {
  from: string;
  to: string;
}

/**
 * What a date expression means: a period of the calendar ("June 2021"), or a month or
 * day that comes back every year ("June", "1 June") and so has no [from, to].
 */
export type DateMeaning = ({ kind: 'period' } & DatePeriod) | { kind: 'yearly'; month: number; day: number | null };

/** A date found among the free words: its meaning, the span it covers and its text (inner whitespace as one space). */
export type DateWord = DateMeaning & Span & { text: string };

/** One free word of the query with its span; consecutive words are separated by whitespace only. */
export interface DateToken extends Span {
  text: string;
}

/** Years a bare number counts as in free words: "1999" is a year, "1000 lanterns" is not. */
const FREE_WORD_YEARS = { min: 1800, max: 2199 };
/** Years an after:/before: value may name, where the user asked for a date explicitly. */
const FILTER_YEARS = { min: 1000, max: 9999 };
type YearRange = typeof FREE_WORD_YEARS;

export const ENGLISH_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ENGLISH_ABBREVIATIONS = [['jan'], ['feb'], ['mar'], ['apr'], [], ['jun'], ['jul'], ['aug'], ['sep', 'sept'], ['oct'], ['nov'], ['dec']];

/**
 * Full month names of other languages, January first, written without accents (input is
 * folded the same way, so "février" and "fevrier" both match). They count with a day or a
 * year next to them, never alone: "mars", "mai" and "marzo" are also ordinary words.
 */
const OTHER_MONTHS: Readonly<Record<string, readonly string[]>> = {
  de: ['januar', 'februar', 'marz', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember'],
  fr: ['janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre', 'novembre', 'decembre'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  pt: ['janeiro', 'fevereiro', 'marco', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
};

/** English month names that are also everyday words, so they need a day or a year beside them. */
const AMBIGUOUS_ALONE = new Set(['may', 'march']);

/** Small words between a day, a month and a year: "1st of June", "1 de junio de 2021". */
const DAY_MONTH_LINKS = new Set(['of', 'de']);
const MONTH_YEAR_LINKS = new Set(['de']);

const MONTHS = new Map<string, number>();
function addMonths(names: ReadonlyArray<string | readonly string[]>): void {
  names.forEach((entry, i) => (typeof entry === 'string' ? [entry] : entry).forEach((name) => MONTHS.set(name, i + 1)));
}
addMonths(ENGLISH_MONTHS);
addMonths(ENGLISH_ABBREVIATIONS);
Object.values(OTHER_MONTHS).forEach(addMonths);
/** Longest month name: longer words are not looked up at all. */
const LONGEST_MONTH = Math.max(...[...MONTHS.keys()].map((n) => n.length));

const pad2 = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1-12) of year `y`; with no year, February has 29 (a yearly "29 February" exists). */
export function daysInMonth(y: number | null, m: number): number {
  if (m === 2) return y === null || isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const monthTitle = (m: number) => ENGLISH_MONTHS[m - 1][0].toUpperCase() + ENGLISH_MONTHS[m - 1].slice(1);

const yearPeriod = (a: number, b = a): DateMeaning => ({ kind: 'period', from: ymd(a, 1, 1), to: ymd(b, 12, 31) });
const monthPeriod = (y: number, m: number): DateMeaning => ({ kind: 'period', from: ymd(y, m, 1), to: ymd(y, m, daysInMonth(y, m)) });

/** A day, or why it does not exist ("February 2021 has no day 30."). */
function dayMeaning(y: number | null, m: number, d: number): DateMeaning | string {
  if (d < 1 || d > daysInMonth(y, m)) return `${monthTitle(m)}${y === null ? '' : ` ${y}`} has no day ${d}.`;
  return y === null ? { kind: 'yearly', month: m, day: d } : { kind: 'period', from: ymd(y, m, d), to: ymd(y, m, d) };
}

/** Lower case without accents, as month names are stored. */
function fold(word: string): string {
  return /^[A-Za-z]+$/.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A token without the punctuation that may follow it in a sentence ("June 1, 2021."). */
function bare(text: string): string {
  return text.replace(/[,;]$/, '');
}

function yearOf(text: string, years: YearRange): number | null {
  const m = /^(\d{4})\.?$/.exec(bare(text));
  if (!m) return null;
  const y = Number(m[1]);
  return y >= years.min && y <= years.max ? y : null;
}

function monthOf(text: string): number | null {
  const word = bare(text).replace(/\.$/, '');
  if (word.length > LONGEST_MONTH + 4 || !/^[\p{L}\p{M}]+$/u.test(word)) return null;
  return MONTHS.get(fold(word)) ?? null;
}

/** "1", "01", "1st", "2nd", "1er" (French), "1." (German). */
function dayOf(text: string): number | null {
  const m = /^(\d{1,2})(?:st|nd|rd|th|er|\.)?$/i.exec(bare(text));
  return m ? Number(m[1]) : null;
}

const linkIn = (set: Set<string>, token: DateToken | undefined) => token !== undefined && set.has(token.text.toLowerCase());

/** One token that is a date on its own: numbers in year-first order, day.month.year, a year, a decade, "2019-2021", CJK, a month name. */
function singleToken(text: string, years: YearRange): DateMeaning | string | null {
  const t = bare(text).replace(/\.$/, '');
  const inRange = (y: number) => y >= years.min && y <= years.max;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(t))) return inRange(Number(m[1])) ? yearPeriod(Number(m[1])) : null;
  if ((m = /^(\d{4})'?s$/.exec(t))) {
    const y = Number(m[1]);
    return inRange(y) && y % 10 === 0 ? yearPeriod(y, y + 9) : null;
  }
  if ((m = /^(\d{4})[-\u2013](\d{4})$/.exec(t))) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    return inRange(a) && inRange(b) && a <= b ? yearPeriod(a, b) : null;
  }
  if ((m = /^(\d{4})([-/.])(\d{1,2})$/.exec(t))) {
    const [y, mo] = [Number(m[1]), Number(m[3])];
    return inRange(y) && mo >= 1 && mo <= 12 ? monthPeriod(y, mo) : null;
  }
  const full = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(t);
  const dayFirst = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
  const cjk = /^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$/.exec(t);
  if (full || dayFirst || cjk) {
    const [y, mo, d] = full ? [full[1], full[3], full[4]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : [cjk![1], cjk![2], cjk![3]];
    if (!inRange(Number(y))) return null;
    if (mo === undefined) return yearPeriod(Number(y));
    if (Number(mo) < 1 || Number(mo) > 12) return `${t} is not a date: months go from 1 to 12.`;
    return d === undefined ? monthPeriod(Number(y), Number(mo)) : dayMeaning(Number(y), Number(mo), Number(d));
  }
  if ((m = /^(\d{1,2})月(?:(\d{1,2})日)?$/.exec(t))) {
    const mo = Number(m[1]);
    if (mo < 1 || mo > 12) return null;
    return m[2] === undefined ? { kind: 'yearly', month: mo, day: null } : dayMeaning(null, mo, Number(m[2]));
  }
  const lower = t.toLowerCase();
  const alone = ENGLISH_MONTHS.indexOf(lower);
  return alone >= 0 && !AMBIGUOUS_ALONE.has(lower) ? { kind: 'yearly', month: alone + 1, day: null } : null;
}

interface Match {
  /** Tokens consumed. */
  length: number;
  /** The date, or a sentence saying why the date the tokens describe does not exist. */
  meaning: DateMeaning | string;
}

/** The longest date starting at token `i`, or null. */
function matchAt(tokens: readonly DateToken[], i: number, years: YearRange): Match | null {
  const at = (k: number) => tokens[i + k]?.text ?? '';
  // Most words are neither numbers nor months: leave them at once.
  if (!/[0-9]/.test(at(0)) && monthOf(at(0)) === null) return null;
  // day [of|de] month [de] year   |   day [of|de] month
  const day = dayOf(at(0));
  if (day !== null) {
    const skip = linkIn(DAY_MONTH_LINKS, tokens[i + 1]) ? 1 : 0;
    const month = monthOf(at(1 + skip));
    if (month !== null) {
      const link = linkIn(MONTH_YEAR_LINKS, tokens[i + 2 + skip]) ? 1 : 0;
      const year = yearOf(at(2 + skip + link), years);
      if (year !== null) return { length: 3 + skip + link, meaning: dayMeaning(year, month, day) };
      return { length: 2 + skip, meaning: dayMeaning(null, month, day) };
    }
  }
  // month day [year]   |   month [de] year
  const month = monthOf(at(0));
  if (month !== null) {
    const d = dayOf(at(1));
    const yearAfterDay = d === null ? null : yearOf(at(2), years);
    if (d !== null && yearAfterDay !== null) return { length: 3, meaning: dayMeaning(yearAfterDay, month, d) };
    const link = linkIn(MONTH_YEAR_LINKS, tokens[i + 1]) ? 1 : 0;
    const year = yearOf(at(1 + link), years);
    if (year !== null) return { length: 2 + link, meaning: monthPeriod(year, month) };
    if (d !== null) return { length: 2, meaning: dayMeaning(null, month, d) };
  }
  const single = singleToken(at(0), years);
  return single === null ? null : { length: 1, meaning: single };
}

function spanOf(tokens: readonly DateToken[], i: number, length: number): Span & { text: string } {
  const first = tokens[i];
  const last = tokens[i + length - 1];
  const trailing = last.text.length - last.text.replace(/[,;.]+$/, '').length;
  const parts = tokens.slice(i, i + length).map((t) => t.text);
  parts[parts.length - 1] = parts[parts.length - 1].slice(0, parts[parts.length - 1].length - trailing);
  return { start: first.start, end: last.end - trailing, text: parts.join(' ') };
}

/**
 * Dates among consecutive free words, left to right, longest first. A date that names
 * a day that does not exist ("31 June 2021") is reported as a problem instead.
 *
 * Recognised (case-insensitive; `D` = 1-2 digits with an optional st/nd/rd/th/er or ".",
 * `Month` = an English month name or abbreviation (jan, feb, mar, apr, jun, jul, aug,
 * sep, sept, oct, nov, dec, with or without a dot) or a full German, French, Spanish,
 * Italian, Dutch or Portuguese month name, accents optional; years 1800-2199):
 * - periods: `YYYY`, `YYYYs` (a decade), `YYYY-YYYY`, `YYYY-MM`, `YYYY-MM-DD` (also with
 *   `/` or `.`), `DD.MM.YYYY`, `Month YYYY`, `Month de YYYY`, `D Month YYYY`,
 *   `D of Month YYYY`, `D de Month de YYYY`, `Month D YYYY`, `Month D, YYYY`,
 *   `YYYY年`, `YYYY年M月`, `YYYY年M月D日`;
 * - yearly: `D Month`, `Month D`, `M月`, `M月D日`, and an English month's full name
 *   alone except "may" and "march", which are also common words.
 * Not recognised: day-first or month-first numbers with slashes (01/06/2021 means two
 * different days in the UK and the US), two-digit years, relative dates ("yesterday").
 */
export function findDateWords(tokens: readonly DateToken[]): { dateWords: DateWord[]; problems: QueryProblem[] } {
  const dateWords: DateWord[] = [];
  const problems: QueryProblem[] = [];
  for (let i = 0; i < tokens.length;) {
    const match = matchAt(tokens, i, FREE_WORD_YEARS);
    if (!match) {
      i++;
      continue;
    }
    const span = spanOf(tokens, i, match.length);
    if (typeof match.meaning === 'string') problems.push({ message: match.meaning, start: span.start, end: span.end });
    else dateWords.push({ ...match.meaning, ...span });
    i += match.length;
  }
  return { dateWords, problems };
}

/**
 * The calendar period an after:/before: value names: anything `findDateWords` reads as
 * a period, as the whole value, with years 1000-9999. Otherwise a sentence for the
 * user that names the value and the accepted forms, using `example` (e.g. "after:2021-06").
 */
export function readDatePeriod(value: string, example: string): DatePeriod | { problem: string } {
  const tokens: DateToken[] = [];
  if (value.length <= 64) for (const m of value.matchAll(/[^\s\p{Cc}]+/gu)) tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  const match = tokens.length > 0 && tokens.length <= 5 ? matchAt(tokens, 0, FILTER_YEARS) : null;
  if (match && match.length === tokens.length) {
    if (typeof match.meaning === 'string') return { problem: match.meaning };
    if (match.meaning.kind === 'period') return { from: match.meaning.from, to: match.meaning.to };
    return { problem: `${value} has no year: add one, as ${example}.` };
  }
  if (/^\d{4}-\d{1,2}$/.test(value)) return { problem: `${value} is not a month: use YYYY-MM.` };
  return { problem: `${excerpt(value)} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, as ${example}.` };
}
