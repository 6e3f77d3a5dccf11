import type { PhotoSummary } from '../../src-main/core/api/contract.ts';

const count = new Intl.NumberFormat(undefined);

export function formatCount(n: number): string {
  return count.format(n);
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const takenFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/**
 * When a photo was taken, as the clock showed where it was taken ("1 June 2021 at 01:30"),
 * whatever the viewer's zone: `takenLocal` is read as wall-clock fields and formatted in
 * UTC, so no zone shifts it. The offset follows when the photo gives one, and a date that
 * is only the file's modification time is called the file date.
 */
export function formatTaken(photo: Pick<PhotoSummary, 'takenLocal' | 'takenOffset' | 'dateSource'>): string {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(photo.takenLocal ?? '');
  if (!m) return 'Unknown';
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const wall = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  wall.setUTCFullYear(y);
  const offset = photo.takenOffset ? ` (UTC${photo.takenOffset})` : '';
  const fileDate = photo.dateSource === 'file-time' ? ' · file date' : '';
  return `${takenFormat.format(wall)}${offset}${fileDate}`;
}

/** The path a person should read: the display form when it differs from the path key. */
export function shownPath(item: { path: string; displayPath?: string }): string {
  return item.displayPath ?? item.path;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s left`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s left` : `${s / 60} min left`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min left`;
}

export function formatRate(photosPerSecond: number): string {
  return photosPerSecond > 0 ? `${photosPerSecond.toFixed(photosPerSecond < 10 ? 1 : 0)} photos/s` : '';
}

function coordinate(value: number, positive: string, negative: string): string {
  return `${Math.abs(value).toFixed(5)}° ${value >= 0 ? positive : negative}`;
}

export function formatPlace(latitude: number | null, longitude: number | null): string {
  if (latitude === null || longitude === null) return 'No location';
  return `${coordinate(latitude, 'N', 'S')}, ${coordinate(longitude, 'E', 'W')}`;
}

export function formatDimensions(width: number, height: number): string {
  const megapixels = (width * height) / 1e6;
  return `${width} × ${height}${megapixels >= 0.1 ? ` (${megapixels.toFixed(1)} MP)` : ''}`;
}

/** The last part of a path, whichever separator the platform uses. */
export function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) || path;
}
