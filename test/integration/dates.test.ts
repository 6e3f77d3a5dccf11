/**
 * A photo's date is the calendar day and clock time where it was taken, whatever
 * the time zone of the machine that indexed it or of the one showing it. Each
 * command runs in a child process with its own TZ.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src-main/core/api/contract.ts';
import { renderScene } from '../fixtures/scenes.ts';
import { createScratch, writePhoto, type Scratch } from '../helpers/scratch-library.ts';

const run = promisify(execFile);
let scratch: Scratch;
let photos: string;

async function exifJpeg(file: string, tags: Record<string, string>): Promise<void> {
  const scene = renderScene({ colour: 'red', pattern: 'plain', width: 64, height: 48 });
  await sharp(scene.data, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .withExifMerge({ IFD2: tags })
    .jpeg()
    .toFile(file);
}

async function cli(tz: string, library: string, ...argv: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [path.resolve('bin/photo-search.js'), ...argv, '--library', library, '--model', scratch.modelDir, '--json'], {
    env: { ...process.env, TZ: tz },
  });
  return JSON.parse(stdout);
}

async function takenOn(tz: string, library: string, day: string): Promise<string[]> {
  const result = (await cli(tz, library, 'search', 'photo', '-k', '100', '--after', day, '--before', day)) as SearchResult;
  return result.hits.map((h) => path.relative(photos, h.path)).sort();
}

beforeAll(async () => {
  scratch = await createScratch('dates');
  photos = scratch.dir('photos');
  await exifJpeg(path.join(photos, 'no-offset.jpg'), { DateTimeOriginal: '2021:06:01 01:30:00' });
  await exifJpeg(path.join(photos, 'tokyo.jpg'), { DateTimeOriginal: '2021:06:01 01:30:00', OffsetTimeOriginal: '+09:00' });
  await exifJpeg(path.join(photos, 'new-york.jpg'), { DateTimeOriginal: '2021:06:01 23:30:00', OffsetTimeOriginal: '-04:00' });
  await writePhoto(path.join(photos, 'IMG_20190704_101500.jpg'), 'red');
  await writePhoto(path.join(photos, 'Screenshot 2019-07-05 at 08.00.00.png'), 'red');
  await writePhoto(path.join(photos, '2019', 'Trip', 'beach.jpg'), 'red');
  await writePhoto(path.join(photos, 'undated.jpg'), 'red');
  // 10 January in both indexing zones (Berlin 10:00, Auckland 22:00): a file time is an instant, read in the indexing zone.
  const old = new Date(Date.UTC(2018, 0, 10, 9, 0, 0));
  fs.utimesSync(path.join(photos, 'undated.jpg'), old, old);
});
afterAll(() => scratch?.cleanup());

describe.each([
  ['Europe/Berlin', 'America/Los_Angeles'],
  ['Pacific/Auckland', 'Europe/Berlin'],
])('indexed with TZ=%s, searched with TZ=%s', (indexZone, viewZone) => {
  let library: string;
  beforeAll(async () => {
    library = path.join(scratch.root, `library-${indexZone.replace('/', '-')}`);
    await cli(indexZone, library, 'index', photos);
  });

  it('filters by the calendar day where each photo was taken', async () => {
    expect(await takenOn(viewZone, library, '2021-06-01')).toEqual(['new-york.jpg', 'no-offset.jpg', 'tokyo.jpg']);
    expect(await takenOn(viewZone, library, '2021-05-31')).toEqual([]);
    expect(await takenOn(viewZone, library, '2021-06-02')).toEqual([]);
  });

  it('shows the local date and time, the offset when known, and where the date came from', async () => {
    const result = (await cli(viewZone, library, 'search', 'photo', '-k', '100')) as SearchResult;
    const byName = new Map(result.hits.map((h) => [path.relative(photos, h.path), h]));
    expect(byName.get('tokyo.jpg')).toMatchObject({ takenLocal: '2021-06-01T01:30:00', takenOffset: '+09:00', dateSource: 'exif' });
    expect(byName.get('tokyo.jpg')?.takenAt).toBe(Date.UTC(2021, 4, 31, 16, 30, 0));
    expect(byName.get('no-offset.jpg')).toMatchObject({ takenLocal: '2021-06-01T01:30:00', takenOffset: null, dateSource: 'exif' });
    expect(byName.get('IMG_20190704_101500.jpg')).toMatchObject({ takenLocal: '2019-07-04T10:15:00', dateSource: 'file-name' });
    expect(byName.get('Screenshot 2019-07-05 at 08.00.00.png')).toMatchObject({ takenLocal: '2019-07-05T08:00:00', dateSource: 'file-name' });
    expect(byName.get(path.join('2019', 'Trip', 'beach.jpg'))).toMatchObject({ takenLocal: '2019-01-01T00:00:00', dateSource: 'folder-name' });
    expect(byName.get('undated.jpg')).toMatchObject({ dateSource: 'file-time' });
    expect(byName.get('undated.jpg')?.takenLocal?.slice(0, 10)).toBe('2018-01-10');
  });

  it('dates from names are filtered by their day too', async () => {
    expect(await takenOn(viewZone, library, '2019-07-04')).toEqual(['IMG_20190704_101500.jpg']);
  });
});
