import { describe, expect, it } from 'vitest';
import { parseExifDate, readExif, tidyCamera } from '../../../src-main/core/media/exif.ts';

describe('parseExifDate', () => {
  const local = (y: number, mo: number, d: number, h: number, mi: number, sec = 0) => Date.UTC(y, mo - 1, d, h, mi, sec);
  it.each([
    ['a plain EXIF date as the wall clock where it was taken', '2021:06:15 10:30:00', undefined, { local: local(2021, 6, 15, 10, 30), offsetMinutes: null }],
    ['a date with its offset tag, kept apart', '2021:06:15 10:30:00', '+02:00', { local: local(2021, 6, 15, 10, 30), offsetMinutes: 120 }],
    ['a negative offset', '2019:12:31 23:00:00', '-05:00', { local: local(2019, 12, 31, 23, 0), offsetMinutes: -300 }],
    ['an offset without a colon', '2019:12:31 23:00:00', '+0930', { local: local(2019, 12, 31, 23, 0), offsetMinutes: 570 }],
    ['an impossible offset as none', '2019:12:31 23:00:00', '+25:00', { local: local(2019, 12, 31, 23, 0), offsetMinutes: null }],
    ['dashes and a T separator', '2023-11-20T09:00:00', undefined, { local: local(2023, 11, 20, 9, 0), offsetMinutes: null }],
    ['a date without seconds', '2023:11:20 09:00', undefined, { local: local(2023, 11, 20, 9, 0), offsetMinutes: null }],
  ])('reads %s', (_label, value, offset, expected) => {
    expect(parseExifDate(value, offset)).toEqual(expected);
  });

  it.each([
    ['the all-zero date cameras write when unset', '0000:00:00 00:00:00'],
    ['blank padding', '    :  :     :  :  '],
    ['an impossible day', '2021:02:30 10:00:00'],
    ['an impossible hour', '2021:02:10 25:00:00'],
    ['text', 'yesterday'],
    ['a number', 1623753000],
  ])('gives null for %s', (_label, value) => {
    expect(parseExifDate(value)).toBeNull();
  });
});

describe('tidyCamera', () => {
  it.each([
    ['Canon', 'Canon EOS 5D', 'Canon EOS 5D'],
    ['NIKON CORPORATION', 'NIKON D750', 'NIKON D750'],
    ['OLYMPUS IMAGING CORP.', 'E-M5', 'OLYMPUS E-M5'],
    ['SAMSUNG Electronics Co., Ltd.', 'SM-G991B', 'SAMSUNG SM-G991B'],
    ['Apple', 'iPhone 14', 'Apple iPhone 14'],
    ['  FUJIFILM\0\0', 'X-T3 ', 'FUJIFILM X-T3'],
    [undefined, 'DSC-RX100', 'DSC-RX100'],
    ['Panasonic', '', 'Panasonic'],
    [undefined, undefined, null],
  ])('makes %s + %s into %s', (make, model, expected) => {
    expect(tidyCamera(make, model)).toBe(expected);
  });
});

describe('readExif', () => {
  it('gives no facts, and no error, for data that is not EXIF', async () => {
    expect(await readExif(Buffer.from('definitely not exif'))).toEqual({ taken: null, camera: null, latitude: null, longitude: null });
  });
});
