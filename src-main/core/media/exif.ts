import exifr from 'exifr';
import type { LocalDateTime } from './date-taken.ts';

/** What the library keeps from a photo's EXIF. */
export interface ExifFacts {
  /** DateTimeOriginal (or CreateDate) where it was taken, with its offset tag when there is one. */
  taken: LocalDateTime | null;
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
}

const NO_FACTS: ExifFacts = { taken: null, camera: null, latitude: null, longitude: null };

/** Only the tags we keep are parsed; raw strings, so dates are interpreted here and not by exifr's guesswork. */
const EXIFR_OPTIONS = {
  tiff: true,
  ifd0: { pick: ['Make', 'Model'] },
  exif: { pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTimeDigitized', 'OffsetTime'] },
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
};

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');

/**
 * Reads the facts from EXIF: either the raw EXIF block sharp reports (with or
 * without its "Exif\0\0" prefix) or a whole file (buffer or path) exifr can parse.
 * Broken EXIF is common and never makes a photo unreadable, so this never throws.
 */
export async function readExif(source: Buffer | string): Promise<ExifFacts> {
  const input = Buffer.isBuffer(source) && source.subarray(0, EXIF_PREFIX.length).equals(EXIF_PREFIX) ? source.subarray(EXIF_PREFIX.length) : source;
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(input, EXIFR_OPTIONS)) as Record<string, unknown> | undefined;
  } catch {
    return NO_FACTS;
  }
  if (!tags) return NO_FACTS;
  const offset = tags.OffsetTimeOriginal ?? tags.OffsetTimeDigitized ?? tags.OffsetTime;
  const [latitude, longitude] = validGps(tags.latitude, tags.longitude);
  return {
    taken: parseExifDate(tags.DateTimeOriginal, offset) ?? parseExifDate(tags.CreateDate, tags.OffsetTimeDigitized ?? tags.OffsetTime),
    camera: tidyCamera(tags.Make, tags.Model),
    latitude,
    longitude,
  };
}

const DATE_PATTERN = /^\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/;
const OFFSET_PATTERN = /^\s*([+-])(\d{2}):?(\d{2})\s*$/;

/**
 * EXIF dates are wall-clock time without a zone, kept as such (see date-taken.ts):
 * a photo taken at 01:30 on 1 June shows and filters as 1 June 01:30 in every time
 * zone. The offset tag (EXIF 2.31, "+09:00") is kept apart when present and valid
 * (within ±14:00), so the instant is exact too.
 */
export function parseExifDate(value: unknown, offset?: unknown): LocalDateTime | null {
  if (typeof value !== 'string') return null;
  const m = DATE_PATTERN.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const zone = typeof offset === 'string' ? OFFSET_PATTERN.exec(offset) : null;
  const minutes = zone ? (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : null;
  const valid = minutes !== null && Math.abs(minutes) <= 14 * 60 && Number(zone![3]) < 60;
  return { local, offsetMinutes: valid ? minutes : null };
}

/** Corporate words makers append that say nothing about the camera. */
const MAKER_SUFFIXES: ReadonlySet<string> = new Set([
  'corporation',
  'corp',
  'co',
  'company',
  'ltd',
  'limited',
  'inc',
  'imaging',
  'electronics',
  'optical',
  'gmbh',
  'ag',
]);

function cleanText(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\0/g, '').replace(/\s+/g, ' ').trim() : '';
}

/** "Make Model" without repeating the maker: NIKON CORPORATION + NIKON D750 gives "NIKON D750". */
export function tidyCamera(make: unknown, model: unknown): string | null {
  const modelText = cleanText(model);
  const words = cleanText(make).split(' ').filter(Boolean);
  while (words.length > 1 && MAKER_SUFFIXES.has(words[words.length - 1].toLowerCase().replace(/[.,]/g, ''))) words.pop();
  const makeText = words.join(' ');
  if (!makeText) return modelText || null;
  if (!modelText) return makeText;
  const lowerModel = modelText.toLowerCase();
  if (lowerModel.startsWith(makeText.toLowerCase()) || lowerModel.startsWith(words[0].toLowerCase())) return modelText;
  return `${makeText} ${modelText}`;
}

/** Cameras without a fix often write 0,0; that is "no position", not a point off Africa. */
function validGps(latitude: unknown, longitude: unknown): [number, number] | [null, null] {
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return [null, null];
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return [null, null];
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return [null, null];
  if (latitude === 0 && longitude === 0) return [null, null];
  return [latitude, longitude];
}
