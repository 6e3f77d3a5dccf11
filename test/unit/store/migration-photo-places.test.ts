import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src-main/core/store/database.ts';
import { addPhotoPlaces, migrations } from '../../../src-main/core/store/migrations.ts';
import { migrationScratch } from '../../helpers/migration-scratch.ts';

const scratch = migrationScratch('places');

const version = migrations.indexOf(addPhotoPlaces) + 1;

describe(`migration ${version}: photo places`, () => {
  function libraryBefore(): ReturnType<typeof scratch.before> {
    const db = scratch.before(version);
    const insert = db.prepare(
      "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext, latitude, longitude) VALUES (1, ?, 1, 1, 'h', 1, 1, 'jpeg', 'jpg', ?, ?)",
    );
    insert.run('/p/paris.jpg', 48.8584, 2.2945);
    insert.run('/p/none.jpg', null, null);
    return db;
  }

  it('keeps the photos and adds empty place tables', () => {
    expect(version).toBeGreaterThan(2);
    const db = libraryBefore();
    migrate(db, 'test', version);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    expect(db.prepare('SELECT count(*) FROM photos').pluck().get()).toBe(2);
    expect(db.prepare('SELECT count(*) FROM photo_places').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM places').pluck().get()).toBe(0);
    db.close();
  });

  it('forgets a place when its photo goes or moves, and keeps it when other columns change', () => {
    const db = libraryBefore();
    migrate(db, 'test', version);
    db.prepare(
      `INSERT INTO places (version, geoname_id, city, country, country_code, city_population, region_population, country_population)
       VALUES ('v', 2988507, 'Paris', 'France', 'FR', 2138551, 0, 0)`,
    ).run();
    const place = db.prepare("INSERT INTO photo_places (photo_id, version, place_id, distance_km) VALUES (?, 'v', 1, 4)");
    place.run(1);
    db.prepare('UPDATE photos SET size = 2, latitude = latitude WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM photo_places').pluck().get()).toBe(1);
    db.prepare('UPDATE photos SET latitude = 35.6595, longitude = 139.7005 WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM photo_places').pluck().get()).toBe(0);
    place.run(1);
    db.prepare('UPDATE photos SET latitude = NULL, longitude = NULL WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM photo_places').pluck().get()).toBe(0);
    db.prepare('UPDATE photos SET latitude = 1, longitude = 1 WHERE id = 1').run();
    place.run(1);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM photo_places').pluck().get()).toBe(0);
    db.close();
  });
});
