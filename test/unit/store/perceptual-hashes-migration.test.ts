import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src-main/core/store/database.ts';
import { addPerceptualHashes, migrations } from '../../../src-main/core/store/migrations.ts';
import { PerceptualHashTable } from '../../../src-main/core/store/perceptual-hashes.ts';
import { migrationScratch } from '../../helpers/migration-scratch.ts';

const scratch = migrationScratch('hashes');

const version = migrations.indexOf(addPerceptualHashes) + 1;

describe(`migration ${version}: perceptual hashes`, () => {
  function libraryBefore(): ReturnType<typeof scratch.before> {
    const db = scratch.before(version);
    const insert = db.prepare(
      "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext) VALUES (1, ?, 1, 1, ?, 1, 1, 'jpeg', 'jpg')",
    );
    insert.run('/p/a.jpg', 'ha');
    insert.run('/p/b.jpg', 'hb');
    return db;
  }

  it('keeps the photos and leaves every one of them to hash', () => {
    expect(version).toBeGreaterThan(7);
    const db = libraryBefore();
    migrate(db, 'test', version);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    expect(db.prepare('SELECT count(*) FROM photos').pluck().get()).toBe(2);
    const table = new PerceptualHashTable(db);
    expect(table.countMissing(1)).toBe(2);
    expect(table.missing(1, 10).map((p) => p.path)).toEqual(['/p/a.jpg', '/p/b.jpg']);
    db.close();
  });

  it('stores 64 bits per photo, copies them, and drops them when the content changes or the photo goes', () => {
    const db = libraryBefore();
    migrate(db, 'test', version);
    const table = new PerceptualHashTable(db);
    const hash = 0xfedc_ba98_7654_3210n;
    expect(table.put(1, hash, 1)).toBe(true);
    expect(table.put(99, hash, 1)).toBe(false);
    expect(table.get(1, 1)).toBe(hash);
    expect(table.get(1, 2)).toBeUndefined();
    expect(table.countMissing(2)).toBe(2);
    expect(table.copy(1, 2)).toBe(true);
    expect(table.all(1)).toEqual(
      new Map([
        [1, hash],
        [2, hash],
      ]),
    );
    db.prepare('UPDATE photos SET size = 5, hash = hash WHERE id = 1').run();
    expect(table.get(1, 1)).toBe(hash);
    db.prepare("UPDATE photos SET hash = 'new' WHERE id = 1").run();
    expect(table.get(1, 1)).toBeUndefined();
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(db.prepare('SELECT count(*) FROM perceptual_hashes').pluck().get()).toBe(0);
    expect(() => db.prepare("INSERT INTO perceptual_hashes VALUES (1, 1, x'00')").run()).toThrow(/CHECK/);
    db.close();
  });
});
