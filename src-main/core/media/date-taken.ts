/**
 * When a photo was taken, as the calendar day and clock time where it was taken.
 *
 * Photo managers (Immich, PhotoPrism, digiKam) keep the local date-time apart from
 * the instant: an EXIF DateTimeOriginal is a wall-clock reading without a zone, and
 * its offset tag (EXIF 2.31 OffsetTimeOriginal) is optional. So a date is held as
 * - `local`: the wall-clock fields written as if they were UTC, in ms ("floating"
 *   time: Date.UTC(y, m, d, h, mi, s)); the day a person sees and filters on is
 *   that of `local`, the same in every time zone;
 * - `offsetMinutes`: the offset from UTC where it was taken, when known;
 * - `instant`: ms since the epoch, exact with an offset, otherwise the best guess
 *   (the wall clock read in the indexing machine's zone).
 *
 * Without an EXIF date, a date in the file name (camera, phone, messenger and
 * screenshot patterns) comes before one in the folder names (`2019/Trip`,
 * `2019-07-04 Wedding`), and both before the file's modification time, which
 * copies, edits and restores all reset.
 */
export type DateSource = 'exif' | 'file-name' | 'folder-name' | 'file-time';

export interface LocalDateTime {
  /** Wall-clock fields as UTC ms (see the module comment). */
  local: number;
  /** Minutes east of UTC where it was taken; null when unknown. */
  offsetMinutes: number | null;
}

export interface DateTaken extends LocalDateTime {
  /** ms since the epoch: exact when offsetMinutes is known, else the wall clock read in this machine's zone. */
  instant: number;
  source: DateSource;
}

export type NamePrecision = 'year' | 'month' | 'day' | 'second';

/** A date read from a name: the period it names, from `local` (inclusive) to `end` (exclusive). */
export interface NameDate {
  local: number;
  end: number;
  precision: NamePrecision;
  /** Set when the name holds an exact instant (a Unix time). */
  instant?: number;
}

const DAY_MS = 86_400_000;
const FIRST_YEAR = 1900;

function lastYear(): number {
  return new Date().getUTCFullYear() + 1;
}

function validDay(y: number, m: number, d: number): boolean {
  if (y < FIRST_YEAR || y > lastYear() || m < 1 || m > 12 || d < 1) return false;
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** This machine's wall clock at `instant`, as floating ms. */
export function localOf(instant: number): number {
  const t = new Date(instant);
  return Date.UTC(t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes(), t.getSeconds(), t.getMilliseconds());
}

/** The instant this machine's wall clock shows `local` (floating ms); the best guess when the zone is unknown. */
export function instantOf(local: number): number {
  const t = new Date(local);
  return new Date(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds()).getTime();
}

const YEAR = '((?:19|20)\\d\\d)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[12]\\d|3[01])';

/**
 * Date and time in file names: IMG_20190704_101500, PXL_20210101_123456789,
 * 20190704_101500 (Samsung), Screenshot_20190704-101500, "Screenshot 2019-07-05 at
 * 08.00.00" and "Screen Shot ... 8.00.00 PM" (macOS), "2019-07-04 10.15.00"
 * (Dropbox), signal-2019-07-04-101500, IMG-20190704-WA0001 (WhatsApp, a day).
 * Separators within the date are all the same or absent; the date must not touch
 * other digits, so counters (IMG_1234) and long numbers are not dates.
 */
const FILE_DATE = new RegExp(
  `(?<!\\d)${YEAR}([-_.]?)${MONTH}\\2${DAY}` +
    '(?:(?:[-_ T.]|\\s+at\\s+)?(\\d{2})[-_.:h]?(\\d{2})[-_.:m]?(\\d{2})(?:\\d{1,3})?(?:\\s?([AaPp][Mm]))?' +
    '|(?:\\s+at\\s+|[ T])(\\d{1,2})[.:](\\d{2})[.:](\\d{2})(?:\\s?([AaPp][Mm]))?)?(?!\\d)',
);

/** Unix time in ms, as Facebook (FB_IMG_1562240000000) and some Android apps name files. */
const UNIX_MS = /(?<!\d)(1[0-9]{12})(?!\d)/;

function hour24(hour: number, meridiem: string | undefined): number {
  if (!meridiem) return hour;
  const pm = meridiem.toLowerCase() === 'pm';
  return (hour % 12) + (pm ? 12 : 0);
}

function dayPeriod(y: number, m: number, d: number): NameDate {
  const local = Date.UTC(y, m - 1, d);
  return { local, end: local + DAY_MS, precision: 'day' };
}

/** The date a file name (with or without its extension) gives, or null. See FILE_DATE and UNIX_MS. */
export function dateFromFileName(name: string): NameDate | null {
  const m = FILE_DATE.exec(name);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
    if (validDay(y, mo, d)) {
      const hh = m[5] ?? m[9];
      if (hh !== undefined) {
        const hour = hour24(Number(hh), m[8] ?? m[12]);
        const minute = Number(m[6] ?? m[10]);
        const second = Number(m[7] ?? m[11]);
        if (hour < 24 && minute < 60 && second < 60) {
          const local = Date.UTC(y, mo - 1, d, hour, minute, second);
          return { local, end: local + 1000, precision: 'second' };
        }
      }
      return dayPeriod(y, mo, d);
    }
  }
  const unix = UNIX_MS.exec(name);
  if (unix) {
    const instant = Number(unix[1]);
    const year = new Date(instant).getUTCFullYear();
    if (year >= 2000 && year <= lastYear()) {
      const local = localOf(instant);
      return { local, end: local + 1000, precision: 'second', instant };
    }
  }
  return null;
}

const FOLDER_PATTERNS: ReadonlyArray<{ precision: NamePrecision; pattern: RegExp }> = [
  { precision: 'day', pattern: new RegExp(`(?<!\\d)${YEAR}[-_. /]${MONTH}[-_. /]${DAY}(?!\\d)`, 'g') },
  { precision: 'day', pattern: new RegExp(`(?<!\\d)${YEAR}${MONTH}${DAY}(?!\\d)`, 'g') },
  { precision: 'month', pattern: new RegExp(`(?<!\\d)${YEAR}[-_. /]${MONTH}(?![\\dx×])`, 'g') },
  // A year alone, but not a screen size (1920x1080) or part of a longer number.
  { precision: 'year', pattern: new RegExp(`(?<![\\dx×])${YEAR}(?![\\dx×])`, 'g') },
];

function periodOf(precision: NamePrecision, match: RegExpMatchArray): NameDate | null {
  const y = Number(match[1]);
  const m = precision === 'year' ? 1 : Number(match[2]);
  const d = precision === 'day' ? Number(match[3]) : 1;
  if (!validDay(y, m, d)) return null;
  if (precision === 'day') return dayPeriod(y, m, d);
  const local = Date.UTC(y, m - 1, 1);
  const end = precision === 'year' ? Date.UTC(y + 1, 0, 1) : Date.UTC(y, m, 1);
  return { local, end, precision };
}

/**
 * The date the folders above a photo give: `folders` is the '/'-separated path from
 * the library folder (its own name included) down to the photo's folder. The
 * deepest folder with a date wins, read together with its parents (2019/07/04 is a
 * day); within it the most precise form.
 */
export function dateFromFolders(folders: string): NameDate | null {
  const parts = folders.split('/').filter(Boolean);
  for (let depth = parts.length - 1; depth >= 0; depth--) {
    const joined = parts.slice(0, depth + 1).join('/');
    const start = joined.length - parts[depth].length;
    for (const { precision, pattern } of FOLDER_PATTERNS) {
      let found: NameDate | null = null;
      for (const match of joined.matchAll(pattern)) {
        if (match.index + match[0].length <= start) continue;
        found = periodOf(precision, match) ?? found;
      }
      if (found) return found;
    }
  }
  return null;
}

function fromName(name: NameDate, source: DateSource, mtimeMs: number): DateTaken {
  const fileLocal = localOf(mtimeMs);
  // A file time inside the period the name gives is more precise; the day then comes from the name only for a day or finer.
  if (name.precision !== 'second' && fileLocal >= name.local && fileLocal < name.end) {
    return { local: fileLocal, offsetMinutes: null, instant: mtimeMs, source: name.precision === 'day' ? source : 'file-time' };
  }
  return { local: name.local, offsetMinutes: null, instant: name.instant ?? instantOf(name.local), source };
}

/**
 * The date a photo was taken: EXIF, else a date in the file name, else in the folder
 * names, else the file time. `relativePath` is '/'-separated from the library folder,
 * whose own name comes first (`Pictures/2019/Trip/beach.jpg`).
 */
export function dateTaken(input: { exif: LocalDateTime | null; relativePath: string; mtimeMs: number }): DateTaken {
  const { exif, relativePath, mtimeMs } = input;
  if (exif) {
    const instant = exif.offsetMinutes === null ? instantOf(exif.local) : exif.local - exif.offsetMinutes * 60_000;
    return { ...exif, instant, source: 'exif' };
  }
  const slash = relativePath.lastIndexOf('/');
  const fileDate = dateFromFileName(relativePath.slice(slash + 1));
  if (fileDate) return fromName(fileDate, 'file-name', mtimeMs);
  const folderDate = slash > 0 ? dateFromFolders(relativePath.slice(0, slash)) : null;
  if (folderDate) return fromName(folderDate, 'folder-name', mtimeMs);
  return { local: localOf(mtimeMs), offsetMinutes: null, instant: mtimeMs, source: 'file-time' };
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A floating local time as ISO 8601 without a zone: 2021-06-01T01:30:00. */
export function formatLocal(local: number): string {
  const t = new Date(local);
  return `${String(t.getUTCFullYear()).padStart(4, '0')}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())}T${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
}

/** An offset in minutes as ISO 8601: +09:00, -03:30. */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
