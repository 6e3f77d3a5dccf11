import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src-main/core/store/database.ts';
import { addFileFacts, migrations } from '../../../src-main/core/store/migrations.ts';
import { migrationScratch } from '../../helpers/migration-scratch.ts';

const scratch = migrationScratch('file-facts');

const version = migrations.indexOf(addFileFacts) + 1;
const EXIF_INSTANT = Date.UTC(2021, 5, 1, 10, 30, 0);
const FILE_TIME = 1_700_000_000_123.5;

function libraryBefore(): ReturnType<typeof scratch.before> {
  const db = scratch.before(version);
  const insert = db.prepare(
    "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext, taken_at) VALUES (1, ?, 1, ?, ?, 1, 1, 'jpeg', 'jpg', ?)",
  );
  insert.run('/p/exif.jpg', FILE_TIME, 'quick-a', EXIF_INSTANT);
  insert.run('/p/file-time.jpg', FILE_TIME, 'quick-b', FILE_TIME);
  return db;
}

describe(`migration ${version}: file facts and local dates`, () => {
  it('keeps every photo, marks its identity unconfirmed and dates it where it was taken', () => {
    expect(version).toBeGreaterThan(2);
    const db = libraryBefore();
    migrate(db, 'test', version);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    const rows = db
      .prepare(
        'SELECT path, hash, quick_hash AS quickHash, taken_local AS takenLocal, taken_offset AS takenOffset, date_source AS dateSource, missing_since AS missingSince FROM photos ORDER BY path',
      )
      .all();
    const local = (instant: number) => {
      const t = new Date(instant);
      return Date.UTC(t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes(), t.getSeconds());
    };
    expect(rows).toEqual([
      {
        path: '/p/exif.jpg',
        hash: 'quick-a',
        quickHash: 'quick-a',
        takenLocal: local(EXIF_INSTANT),
        takenOffset: null,
        dateSource: 'exif',
        missingSince: null,
      },
      {
        path: '/p/file-time.jpg',
        hash: 'quick-b',
        quickHash: 'quick-b',
        takenLocal: local(FILE_TIME),
        takenOffset: null,
        dateSource: 'file-time',
        missingSince: null,
      },
    ]);
    db.close();
  });

  it('reads the local time in the zone of the machine that indexed the photos', () => {
    const db = libraryBefore();
    db.close();
    // The migration runs in a process whose zone is Tokyo: 10:30 UTC was 19:30 there.
    const script = `
      import BetterSqlite3 from 'better-sqlite3';
      import { migrate } from './src-main/core/store/database.ts';
      const db = new BetterSqlite3(${JSON.stringify(scratch.file())});
      migrate(db, 'test', ${version});
      process.stdout.write(String(db.prepare("SELECT taken_local FROM photos WHERE path = '/p/exif.jpg'").pluck().get()));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'Asia/Tokyo' },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(Number(child.stdout)).toBe(Date.UTC(2021, 5, 1, 19, 30, 0));
  });
});
