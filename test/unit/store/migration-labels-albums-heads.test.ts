import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src-main/core/store/database.ts';
import { addLabelsAlbumsHeads, migrations } from '../../../src-main/core/store/migrations.ts';
import { migrationScratch } from '../../helpers/migration-scratch.ts';

const scratch = migrationScratch('learn');

const version = migrations.indexOf(addLabelsAlbumsHeads) + 1;

describe(`migration ${version}: labels, albums and personal classifiers`, () => {
  function libraryBefore(): ReturnType<typeof scratch.before> {
    const db = scratch.before(version);
    const insert = db.prepare(
      "INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, ext) VALUES (1, ?, 1, 1, ?, 1, 1, 'jpeg', 'jpg')",
    );
    insert.run('/p/a.jpg', 'ha');
    insert.run('/p/b.jpg', 'hb');
    return db;
  }

  it('keeps the photos and adds the empty tables', () => {
    expect(version).toBeGreaterThan(7);
    const db = libraryBefore();
    migrate(db, 'test', version);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    expect(db.prepare('SELECT count(*) FROM photos').pluck().get()).toBe(2);
    const tables = [
      'label_vocabulary',
      'label_texts',
      'label_calibration',
      'photo_labels',
      'label_corrections',
      'learn_seen',
      'albums',
      'album_edits',
      'album_scorers',
      'album_members',
      'personal_categories',
      'personal_examples',
      'personal_heads',
    ];
    for (const table of tables) expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    db.close();
  });

  it("takes a photo's labels, corrections, album rows and tags with it, and keeps what is not about one photo", () => {
    const db = libraryBefore();
    migrate(db, 'test', version);
    db.exec(`
      INSERT INTO photo_labels (model_id, key, source, photo_id, score, strength) VALUES ('m', 'beach', 'vocabulary', 1, 0.3, 0.8), ('m', 'beach', 'vocabulary', 2, 0.3, 0.8);
      INSERT INTO label_corrections (photo_id, key, name, verdict, changed_at) VALUES (1, 'dog', 'dog', 1, 1);
      INSERT INTO learn_seen (task, model_id, photo_id, digest) VALUES ('labels', 'm', 1, 5);
      INSERT INTO albums (key, name, created_at) VALUES ('hiking', 'Hiking', 1);
      INSERT INTO album_edits (album_id, photo_id, action, changed_at) VALUES (1, 1, 'added', 1);
      INSERT INTO album_members (album_id, model_id, photo_id, score, strength) VALUES (1, 'm', 1, 4, 0.5), (1, 'm', 2, 4, 0.5);
      INSERT INTO personal_categories (key, name, created_at) VALUES ('mia', 'Mia', 1);
      INSERT INTO personal_examples (key, photo_id, tagged_at) VALUES ('mia', 1, 1);
      INSERT INTO label_vocabulary (key, name, state, changed_at) VALUES ('kayak', 'kayak', 'added', 1);
    `);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect([
      count('photo_labels'),
      count('label_corrections'),
      count('learn_seen'),
      count('album_edits'),
      count('album_members'),
      count('personal_examples'),
    ]).toEqual([1, 0, 0, 0, 1, 0]);
    expect([count('albums'), count('personal_categories'), count('label_vocabulary')]).toEqual([1, 1, 1]);
    db.prepare('DELETE FROM albums WHERE id = 1').run();
    db.prepare("DELETE FROM personal_categories WHERE key = 'mia'").run();
    expect(count('album_members')).toBe(0);
    db.close();
  });

  it('accepts only the states, sources and verdicts the engine writes', () => {
    const db = libraryBefore();
    migrate(db, 'test', version);
    expect(() => db.prepare("INSERT INTO label_vocabulary (key, name, state, changed_at) VALUES ('x', 'x', 'hidden', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO photo_labels (model_id, key, source, photo_id, score, strength) VALUES ('m', 'x', 'guess', 1, 0, 0)").run()).toThrow(
      /CHECK/,
    );
    expect(() => db.prepare("INSERT INTO label_corrections (photo_id, key, name, verdict, changed_at) VALUES (1, 'x', 'x', 2, 1)").run()).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO personal_heads (model_id, method, examples, state, report, fitted_at) VALUES ('m', 'svm', '', '{}', '{}', 1)").run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
