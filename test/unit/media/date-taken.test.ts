import { describe, expect, it } from 'vitest';
import { dateFromFileName, dateFromFolders, dateTaken, formatLocal, formatOffset } from '../../../src-main/core/media/date-taken.ts';

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);
/** A file time whose wall-clock on this machine is the given one. */
const fileTime = (y: number, mo: number, d: number, h = 12) => new Date(y, mo - 1, d, h, 0, 0).getTime();

describe('dates in file names', () => {
  it.each([
    ['Android camera', 'IMG_20190704_101500.jpg', local(2019, 7, 4, 10, 15), 'second'],
    ['Samsung', '20190704_101500.jpg', local(2019, 7, 4, 10, 15), 'second'],
    ['Pixel, with milliseconds', 'PXL_20210101_123456789.jpg', local(2021, 1, 1, 12, 34, 56), 'second'],
    ['WhatsApp', 'IMG-20190704-WA0001.jpg', local(2019, 7, 4), 'day'],
    ['Android screenshot', 'Screenshot_20190704-101500.png', local(2019, 7, 4, 10, 15), 'second'],
    ['macOS screenshot', 'Screenshot 2019-07-05 at 08.00.00.png', local(2019, 7, 5, 8), 'second'],
    ['macOS screenshot, 12-hour clock', 'Screen Shot 2019-07-05 at 8.00.00 PM.png', local(2019, 7, 5, 20), 'second'],
    ['Dropbox camera upload', '2019-07-04 10.15.00.jpg', local(2019, 7, 4, 10, 15), 'second'],
    ['Signal', 'signal-2019-07-04-101500.jpg', local(2019, 7, 4, 10, 15), 'second'],
    ['a plain date', '2019-07-04 beach.jpg', local(2019, 7, 4), 'day'],
    ['a compact date and time', 'DSC20190704101500.jpg', local(2019, 7, 4, 10, 15), 'second'],
  ])('reads %s names (%s)', (_label, name, expected, precision) => {
    expect(dateFromFileName(name)).toMatchObject({ local: expected, precision });
  });

  it('reads a Unix time in milliseconds (Facebook, Telegram exports) as an instant', () => {
    const instant = Date.UTC(2019, 6, 4, 10, 15, 0);
    expect(dateFromFileName(`FB_IMG_${instant}.jpg`)).toMatchObject({ instant, precision: 'second' });
  });

  it.each([
    ['a camera counter', 'IMG_1234.jpg'],
    ['a long number', 'DSC_201907041.jpg'],
    ['an impossible day', 'IMG_20190231_101500.jpg'],
    ['an impossible month', '2019-13-01.jpg'],
    ['a year alone', 'IMG_2019.jpg'],
    ['a far future year', 'IMG_29990101_101500.jpg'],
  ])('ignores %s', (_label, name) => {
    expect(dateFromFileName(name)).toBeNull();
  });
});

describe('dates in folder names', () => {
  it.each([
    ['a year', '2019/Trip', local(2019, 1, 1), 'year'],
    ['a year in a longer name', 'Trips/Summer 2019', local(2019, 1, 1), 'year'],
    ['a year and month', '2019-07 Italy', local(2019, 7, 1), 'month'],
    ['nested year and month folders', '2019/07', local(2019, 7, 1), 'month'],
    ['nested year, month and day folders', '2019/07/04', local(2019, 7, 4), 'day'],
    ['a dated event inside a year', '2019/2019-07-04 Wedding/edited', local(2019, 7, 4), 'day'],
    ['the deepest date', '2018/2019', local(2019, 1, 1), 'year'],
  ])('reads %s (%s)', (_label, folders, expected, precision) => {
    expect(dateFromFolders(folders)).toMatchObject({ local: expected, precision });
  });

  it.each(['Family', 'Screens 1920x1080', 'Counter 12345'])('finds nothing in %s', (folders) => {
    expect(dateFromFolders(folders)).toBeNull();
  });
});

describe('dateTaken', () => {
  it('prefers EXIF, keeping its offset apart from the local time', () => {
    const taken = dateTaken({ exif: { local: local(2021, 6, 1, 1, 30), offsetMinutes: 540 }, relativePath: '2019/IMG_20190704_101500.jpg', mtimeMs: 0 });
    expect(taken).toEqual({ local: local(2021, 6, 1, 1, 30), offsetMinutes: 540, instant: Date.UTC(2021, 4, 31, 16, 30), source: 'exif' });
  });

  it('prefers a date in the file name over the folder and the file time', () => {
    expect(dateTaken({ exif: null, relativePath: '2018/IMG_20190704_101500.jpg', mtimeMs: fileTime(2024, 1, 1) })).toMatchObject({
      local: local(2019, 7, 4, 10, 15),
      source: 'file-name',
    });
  });

  it('takes the folder date when the file time is outside it', () => {
    expect(dateTaken({ exif: null, relativePath: '2019/Trip/beach.jpg', mtimeMs: fileTime(2024, 3, 2) })).toMatchObject({
      local: local(2019, 1, 1),
      offsetMinutes: null,
      source: 'folder-name',
    });
  });

  it('keeps the more precise file time when it falls inside the period a name gives', () => {
    expect(dateTaken({ exif: null, relativePath: '2019/Trip/beach.jpg', mtimeMs: fileTime(2019, 7, 4, 15) })).toMatchObject({
      local: local(2019, 7, 4, 15),
      source: 'file-time',
    });
    expect(dateTaken({ exif: null, relativePath: 'IMG-20190704-WA0001.jpg', mtimeMs: fileTime(2019, 7, 4, 15) })).toMatchObject({
      local: local(2019, 7, 4, 15),
      source: 'file-name',
    });
  });

  it('falls back to the file time, read on this machine', () => {
    const mtimeMs = fileTime(2018, 1, 10, 9);
    expect(dateTaken({ exif: null, relativePath: 'Family/red.jpg', mtimeMs })).toEqual({
      local: local(2018, 1, 10, 9),
      offsetMinutes: null,
      instant: mtimeMs,
      source: 'file-time',
    });
  });
});

describe('formatting', () => {
  it('writes a local date-time and an offset as ISO 8601 parts', () => {
    expect(formatLocal(local(2021, 6, 1, 1, 30, 5))).toBe('2021-06-01T01:30:05');
    expect(formatOffset(540)).toBe('+09:00');
    expect(formatOffset(-210)).toBe('-03:30');
    expect(formatOffset(0)).toBe('+00:00');
  });
});
