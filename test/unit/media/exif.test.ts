import { describe, expect, it } from 'vitest';
import { parseExifDate, readExif, tidyCamera } from '../../../src-main/core/media/exif.ts';

describe('parseExifDate', () => {
  it.each([
    ['a plain EXIF date as local wall-clock time', '2021:06:15 10:30:00', undefined, new Date(2021, 5, 15, 10, 30, 0).getTime()],
    ['a date with its offset tag as the exact instant', '2021:06:15 10:30:00', '+02:00', Date.UTC(2021, 5, 15, 8, 30, 0)],
    ['a negative offset', '2019:12:31 23:00:00', '-05:00', Date.UTC(2020, 0, 1, 4, 0, 0)],
    ['dashes and a T separator', '2023-11-20T09:00:00', undefined, new Date(2023, 10, 20, 9, 0, 0).getTime()],
    ['a date without seconds', '2023:11:20 09:00', undefined, new Date(2023, 10, 20, 9, 0, 0).getTime()],
  ])('reads %s', (_label, value, offset, expected) => {
    expect(parseExifDate(value, offset)).toBe(expected);
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
    expect(await readExif(Buffer.from('definitely not exif'))).toEqual({ takenAt: null, camera: null, latitude: null, longitude: null });
  });
});
