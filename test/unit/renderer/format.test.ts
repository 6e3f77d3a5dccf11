import { describe, expect, it } from 'vitest';
import { fileName, formatBytes, formatDimensions, formatEta, formatPlace, formatRate } from '../../../src-renderer/lib/format.ts';
import { progressView } from '../../../src-renderer/lib/progress.ts';

describe('formatting', () => {
  it.each([
    [512, '512 B'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [300 * 1024 * 1024, '300 MB'],
  ])('formatBytes(%i) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [null, 'estimating…'],
    [Number.POSITIVE_INFINITY, 'estimating…'],
    [42, '42 s left'],
    [125, '2 min 5 s left'],
    [120, '2 min left'],
    [7260, '2 h 1 min left'],
  ])('formatEta(%s) = %s', (seconds, text) => {
    expect(formatEta(seconds)).toBe(text);
  });

  it('shows no rate before there is one', () => {
    expect(formatRate(0)).toBe('');
    expect(formatRate(3.456)).toBe('3.5 photos/s');
    expect(formatRate(42.4)).toBe('42 photos/s');
  });

  it('writes coordinates with hemispheres', () => {
    expect(formatPlace(48.8584, 2.2945)).toBe('48.85840° N, 2.29450° E');
    expect(formatPlace(-33.8568, -151.2153)).toBe('33.85680° S, 151.21530° W');
    expect(formatPlace(null, null)).toBe('No location');
  });

  it('adds megapixels to dimensions', () => {
    expect(formatDimensions(4000, 3000)).toBe('4000 × 3000 (12.0 MP)');
  });

  it.each([
    ['/home/a/Pictures/x.jpg', 'x.jpg'],
    ['C:\\Users\\a\\y.heic', 'y.heic'],
    ['z.png', 'z.png'],
  ])('fileName(%s) = %s', (p, name) => {
    expect(fileName(p)).toBe(name);
  });
});

describe('progressView', () => {
  const base = {
    found: 10,
    toEmbed: 10,
    embedded: 0,
    reused: 0,
    removed: 0,
    failed: 0,
    unchanged: 0,
    offline: [],
    photosPerSecond: 0,
    etaSeconds: null,
    paused: false,
  };

  it('counts failures as done, so a run with bad files still reaches 100%', () => {
    expect(progressView({ ...base, phase: 'embedding', embedded: 6, failed: 4 })).toMatchObject({ done: 10, total: 10, ratio: 1, running: true });
  });

  it('is complete when done, even with nothing to embed', () => {
    expect(progressView({ ...base, phase: 'done', toEmbed: 0 })).toMatchObject({ ratio: 1, running: false });
  });

  it('is at zero while scanning', () => {
    expect(progressView({ ...base, phase: 'scanning', toEmbed: 0 })).toMatchObject({ ratio: 0, running: true });
  });
});
