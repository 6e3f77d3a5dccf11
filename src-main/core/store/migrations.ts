import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { DIGEST_MODULUS, addDigest, pairDigest } from '../vectors/digest.ts';

/**
 * Schema history. Each entry moves the database from version i to i+1 and is
 * never edited once released: a user's library may be at any earlier version.
 */
export const migrations: ReadonlyArray<(db: Database) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE folders (
        id            INTEGER PRIMARY KEY,
        path          TEXT NOT NULL UNIQUE,
        added_at      INTEGER NOT NULL,
        last_scan_at  INTEGER,
        online        INTEGER NOT NULL DEFAULT 1,
        offline_reason TEXT
      );
      CREATE TABLE photos (
        id         INTEGER PRIMARY KEY,
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path       TEXT NOT NULL UNIQUE,
        size       INTEGER NOT NULL,
        mtime_ms   REAL NOT NULL,
        hash       TEXT NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        format     TEXT NOT NULL,
        ext        TEXT NOT NULL,
        taken_at   INTEGER,
        camera     TEXT,
        latitude   REAL,
        longitude  REAL
      );
      CREATE INDEX photos_folder ON photos(folder_id);
      CREATE INDEX photos_hash ON photos(hash);
      CREATE INDEX photos_taken ON photos(taken_at);
      CREATE TABLE embeddings (
        photo_id           INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model_id           TEXT NOT NULL,
        preprocess_version TEXT NOT NULL,
        vector             BLOB NOT NULL,
        PRIMARY KEY (model_id, photo_id)
      ) WITHOUT ROWID;
      CREATE INDEX embeddings_photo ON embeddings(photo_id);
      CREATE TABLE models (
        model_id   TEXT PRIMARY KEY,
        dim        INTEGER NOT NULL,
        generation INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE failures (
        path      TEXT PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        size      INTEGER NOT NULL,
        mtime_ms  REAL NOT NULL,
        code      TEXT NOT NULL,
        reason    TEXT NOT NULL,
        at        INTEGER NOT NULL
      );
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
  (db) => {
    // Names let `status` show which model each set of embeddings belongs to after a switch.
    db.exec(`
      ALTER TABLE models ADD COLUMN name TEXT;
      ALTER TABLE models ADD COLUMN dir TEXT;
    `);
  },
  addPhotoPlaces,
  addPhotoText,
  addPhotoNames,
  addIndexStamps,
  addFileFacts,
  addPerceptualHashes,
  addLabelsAlbumsHeads,
  (db) => {
    // The camera names a query can match are listed at every open: from this index, not a walk over every photo's row.
    db.exec('CREATE INDEX photos_camera ON photos(camera) WHERE camera IS NOT NULL');
  },
];

export const SCHEMA_VERSION = migrations.length;

/**
 * Where each photo with GPS was taken, in names (src-main/core/places). `places` holds each
 * city once per geocoder version (a few thousand rows); `photo_places` one row per photo,
 * stamped with the geocoder version so a data update resolves it again, and a NULL
 * place_id for "resolved, nothing near" (the open sea). A photo whose position changes
 * loses its row (trigger), so a row always describes the photo's current position.
 * AUTOINCREMENT keeps place ids growing, so a reader can fetch only the places added since.
 */
export function addPhotoPlaces(db: Database): void {
  db.exec(`
    CREATE TABLE places (
      id                 INTEGER PRIMARY KEY AUTOINCREMENT,
      version            TEXT NOT NULL,
      geoname_id         INTEGER NOT NULL,
      city               TEXT NOT NULL,
      region             TEXT,
      country            TEXT NOT NULL,
      country_code       TEXT NOT NULL,
      city_population    INTEGER NOT NULL,
      region_population  INTEGER NOT NULL,
      country_population INTEGER NOT NULL,
      UNIQUE (version, geoname_id)
    );
    CREATE INDEX places_area ON places(country_code, region);
    CREATE TABLE photo_places (
      photo_id    INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
      version     TEXT NOT NULL,
      place_id    INTEGER REFERENCES places(id),
      distance_km REAL
    );
    CREATE INDEX photo_places_place ON photo_places(place_id);
    CREATE TRIGGER photo_places_moved AFTER UPDATE OF latitude, longitude ON photos
      WHEN OLD.latitude IS NOT NEW.latitude OR OLD.longitude IS NOT NEW.longitude
      BEGIN
        DELETE FROM photo_places WHERE photo_id = NEW.id;
      END;
  `);
}

/**
 * Words in photos (src-main/core/text): one row per content hash (so moved, renamed and
 * copied photos share it and a changed photo, with a new hash, is read again) with the
 * OCR model that read it or why reading failed, and its text in the forms search needs
 * (see StoredReading in store/photo-text.ts); its lines with confidence and outline
 * (JSON [x0,y0,...,x3,y3], 0..1 of the photo as displayed); and an FTS5 index with the
 * trigram tokenizer over the folded text, external-content on photo_text and kept in
 * step by triggers. Trigram matches substrings in any script without word segmentation;
 * strings under three characters are matched by scanning (PhotoTextTable.candidates).
 */
export function addPhotoText(db: Database): void {
  db.exec(`
    CREATE TABLE photo_text (
      id         INTEGER PRIMARY KEY,
      hash       TEXT NOT NULL UNIQUE,
      model_id   TEXT NOT NULL,
      status     TEXT NOT NULL CHECK (status IN ('read', 'failed')),
      code       TEXT,
      reason     TEXT,
      line_count INTEGER NOT NULL,
      read_at    INTEGER NOT NULL,
      body       TEXT NOT NULL DEFAULT '',
      words      TEXT NOT NULL DEFAULT '',
      line_info  TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE photo_text_lines (
      text_id    INTEGER NOT NULL REFERENCES photo_text(id) ON DELETE CASCADE,
      line_no    INTEGER NOT NULL,
      text       TEXT NOT NULL,
      confidence REAL NOT NULL,
      box        TEXT NOT NULL,
      PRIMARY KEY (text_id, line_no)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE photo_text_search USING fts5(body, content = 'photo_text', content_rowid = 'id', tokenize = 'trigram case_sensitive 1');
    CREATE TRIGGER photo_text_added AFTER INSERT ON photo_text WHEN NEW.body <> ''
      BEGIN
        INSERT INTO photo_text_search (rowid, body) VALUES (NEW.id, NEW.body);
      END;
    CREATE TRIGGER photo_text_gone AFTER DELETE ON photo_text WHEN OLD.body <> ''
      BEGIN
        INSERT INTO photo_text_search (photo_text_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
      END;
    CREATE TRIGGER photo_text_changed AFTER UPDATE OF body ON photo_text
      BEGIN
        INSERT INTO photo_text_search (photo_text_search, rowid, body) SELECT 'delete', OLD.id, OLD.body WHERE OLD.body <> '';
        INSERT INTO photo_text_search (rowid, body) SELECT NEW.id, NEW.body WHERE NEW.body <> '';
      END;
  `);
}

/**
 * The words of each photo's folder and file names, for the search box: an FTS5
 * table (unicode61, case and diacritics folded) with the folders from the library
 * folder's own name down, and the file name. Triggers keep it in step with every
 * insert, move and removal of a photo, whichever process writes. `/` and `\` both
 * separate folders, so Windows paths split the same way.
 */
export function addPhotoNames(db: Database): void {
  // dir: the path up to and including its last separator; root: the library folder's parent, likewise.
  const path = "replace(NEW.path, '\\', '/')";
  const dir = `rtrim(${path}, replace(${path}, '/', ''))`;
  const folderPath = "replace((SELECT path FROM folders WHERE id = NEW.folder_id), '\\', '/')";
  const root = `rtrim(${folderPath}, replace(${folderPath}, '/', ''))`;
  const row = `NEW.id, substr(${dir}, length(${root}) + 1), substr(${path}, length(${dir}) + 1)`;
  db.exec(`
    CREATE VIRTUAL TABLE photo_names USING fts5(folder, file, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER photo_names_added AFTER INSERT ON photos
      BEGIN
        INSERT INTO photo_names (rowid, folder, file) VALUES (${row});
      END;
    CREATE TRIGGER photo_names_moved AFTER UPDATE OF path, folder_id ON photos
      BEGIN
        DELETE FROM photo_names WHERE rowid = OLD.id;
        INSERT INTO photo_names (rowid, folder, file) VALUES (${row});
      END;
    CREATE TRIGGER photo_names_gone AFTER DELETE ON photos
      BEGIN
        DELETE FROM photo_names WHERE rowid = OLD.id;
      END;
  `);
  db.exec(`INSERT INTO photo_names (rowid, folder, file) SELECT ${row.replaceAll('NEW.', 'p.')} FROM photos p`);
}

/**
 * What a saved vector index is checked against (src-main/core/search/model-index.ts):
 * an identity made once per library (settings 'library-id'), and per model a change
 * counter, a vector count and a digest of its (photo id, vector) pairs
 * (vectors/digest.ts). Each embedding row keeps its pair's digest; triggers keep the
 * model's three figures in step with every insert, update and delete, cascades
 * included, so no write path can forget them. Existing rows get their digest here.
 */
export function addIndexStamps(db: Database): void {
  db.exec(`
    ALTER TABLE embeddings ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE models ADD COLUMN vectors INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE models ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
    INSERT OR IGNORE INTO models (model_id, dim) SELECT model_id, max(length(vector)) / 4 FROM embeddings GROUP BY model_id;
  `);
  const page = db.prepare(
    'SELECT model_id AS modelId, photo_id AS id, vector FROM embeddings WHERE (model_id, photo_id) > (?, ?) ORDER BY model_id, photo_id LIMIT 5000',
  );
  const setDigest = db.prepare('UPDATE embeddings SET digest = ? WHERE model_id = ? AND photo_id = ?');
  const totals = new Map<string, { vectors: number; digest: number }>();
  let after: [string, number] = ['', -1];
  for (;;) {
    const rows = page.all(...after) as Array<{ modelId: string; id: number; vector: Buffer }>;
    if (rows.length === 0) break;
    for (const { modelId, id, vector } of rows) {
      const digest = pairDigest(id, vector);
      setDigest.run(digest, modelId, id);
      const total = totals.get(modelId) ?? { vectors: 0, digest: 0 };
      totals.set(modelId, { vectors: total.vectors + 1, digest: addDigest(total.digest, digest) });
    }
    const last = rows[rows.length - 1];
    after = [last.modelId, last.id];
  }
  const setTotals = db.prepare('UPDATE models SET vectors = ?, digest = ?, generation = generation + 1 WHERE model_id = ?');
  for (const [modelId, t] of totals) setTotals.run(t.vectors, t.digest, modelId);
  db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run('library-id', randomUUID());
  const m = DIGEST_MODULUS;
  db.exec(`
    CREATE INDEX embeddings_digest ON embeddings(model_id, digest);
    CREATE TRIGGER embeddings_added AFTER INSERT ON embeddings BEGIN
      UPDATE models SET generation = generation + 1, vectors = vectors + 1, digest = (digest + NEW.digest) % ${m} WHERE model_id = NEW.model_id;
    END;
    CREATE TRIGGER embeddings_removed AFTER DELETE ON embeddings BEGIN
      UPDATE models SET generation = generation + 1, vectors = vectors - 1, digest = (digest - OLD.digest + ${m}) % ${m} WHERE model_id = OLD.model_id;
    END;
    CREATE TRIGGER embeddings_changed AFTER UPDATE ON embeddings BEGIN
      UPDATE models SET generation = generation + 1, vectors = vectors - 1, digest = (digest - OLD.digest + ${m}) % ${m} WHERE model_id = OLD.model_id;
      UPDATE models SET vectors = vectors + 1, digest = (digest + NEW.digest) % ${m} WHERE model_id = NEW.model_id;
    END;
  `);
}

/**
 * What a photo's file and date are, kept so that nothing is taken for something else:
 * - `quick_hash`: the cheap content key (size, first MiB, last 64 KiB) that finds the
 *   candidates for a move or a copy; `hash` is from now on the hash of the whole file,
 *   which confirms them. A row from before keeps its quick key in both, so
 *   `hash = quick_hash` marks an identity never confirmed, and it is never reused.
 * - `real_path`: the path with links resolved, when it differs from `path`, so a photo
 *   is found however a path reaches it; `ctime_ms`, `dev`, `ino`: the change time
 *   (an edit shows even when mtime is set back) and the file's identity on its device.
 * - `taken_local`, `taken_offset`, `date_source`: the wall-clock date-time where it was
 *   taken (ms, fields as UTC), its offset in minutes when known, and where the date
 *   came from ('exif', 'file-name', 'folder-name', 'file-time'), see media/date-taken.ts.
 *   Rows from before get their local time from `taken_at` in this machine's zone,
 *   which is how it was computed, and 'file-time' where `taken_at` is the file time.
 * - `missing_since`: set while the removal of a photo no longer found is held for
 *   confirmation (a folder emptied at once).
 */
export function addFileFacts(db: Database): void {
  db.exec(`
    ALTER TABLE photos ADD COLUMN quick_hash TEXT;
    ALTER TABLE photos ADD COLUMN real_path TEXT;
    ALTER TABLE photos ADD COLUMN ctime_ms REAL;
    ALTER TABLE photos ADD COLUMN dev INTEGER;
    ALTER TABLE photos ADD COLUMN ino INTEGER;
    ALTER TABLE photos ADD COLUMN taken_local INTEGER;
    ALTER TABLE photos ADD COLUMN taken_offset INTEGER;
    ALTER TABLE photos ADD COLUMN date_source TEXT;
    ALTER TABLE photos ADD COLUMN missing_since INTEGER;
    UPDATE photos SET
      quick_hash = hash,
      taken_local = CASE WHEN taken_at IS NULL THEN NULL
        ELSE CAST(strftime('%s', taken_at / 1000, 'unixepoch', 'localtime') AS INTEGER) * 1000 END,
      date_source = CASE WHEN taken_at IS NULL THEN NULL WHEN taken_at = mtime_ms THEN 'file-time' ELSE 'exif' END;
    CREATE INDEX photos_quick_hash ON photos(quick_hash);
    CREATE INDEX photos_real_path ON photos(real_path) WHERE real_path IS NOT NULL;
    CREATE INDEX photos_taken_local ON photos(taken_local);
    CREATE INDEX photos_missing ON photos(folder_id) WHERE missing_since IS NOT NULL;
  `);
}

/**
 * A perceptual hash per photo (media/perceptual-hash.ts), what near-duplicate groups
 * confirm a pair of similar embeddings with (learn/near-duplicates.ts): 8 bytes, most
 * significant first, with the version of the hash function that made it, so a new
 * version is computed again. A photo whose content changes (a new content hash) loses
 * its row, by trigger, whichever process writes; a photo that goes takes it along.
 */
export function addPerceptualHashes(db: Database): void {
  db.exec(`
    CREATE TABLE perceptual_hashes (
      photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
      version  INTEGER NOT NULL,
      hash     BLOB NOT NULL CHECK (length(hash) = 8)
    );
    CREATE TRIGGER perceptual_hashes_content_changed AFTER UPDATE OF hash ON photos
      WHEN OLD.hash IS NOT NEW.hash
      BEGIN
        DELETE FROM perceptual_hashes WHERE photo_id = NEW.id;
      END;
  `);
}

/**
 * What the app learns over the embeddings (src-main/core/learn: labels, albums,
 * heads), each part per model where it depends on the model and per photo where it
 * is the user's word:
 * - `label_vocabulary`: the user's edits of the built-in vocabulary (labels added,
 *   built-in labels removed); `label_texts`: each label's prompt-ensemble vector per
 *   model and prompt set; `label_calibration`: each label's library background,
 *   cutoff and broader label per model; `photo_labels`: the labels photos carry per model, from the
 *   vocabulary or the personal classifier; `label_corrections`: the user's "has it" or
 *   "has it not" per photo and label, whatever the model.
 * - `learn_seen`: which embedded photos (by vector digest) each learner has handled per
 *   model, so an index run's new and changed photos are found without a scan.
 * - `albums`, `album_edits` (the user's additions and removals), `album_scorers` (the
 *   query and support set an album was filled with, per model) and `album_members`.
 * - `personal_categories`, `personal_examples` (the photos the user tagged) and
 *   `personal_heads` (the classifier fitted per model).
 * Every row about a photo goes with the photo.
 */
export function addLabelsAlbumsHeads(db: Database): void {
  db.exec(`
    CREATE TABLE label_vocabulary (
      key        TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      state      TEXT NOT NULL CHECK (state IN ('added', 'removed')),
      changed_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE label_texts (
      model_id TEXT NOT NULL,
      key      TEXT NOT NULL,
      prompts  TEXT NOT NULL,
      vector   BLOB NOT NULL,
      PRIMARY KEY (model_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE label_calibration (
      model_id   TEXT NOT NULL,
      key        TEXT NOT NULL,
      median     REAL NOT NULL,
      sigma      REAL NOT NULL,
      threshold  REAL,
      best       REAL NOT NULL,
      population INTEGER NOT NULL,
      parent     TEXT,
      PRIMARY KEY (model_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE photo_labels (
      model_id TEXT NOT NULL,
      key      TEXT NOT NULL,
      source   TEXT NOT NULL CHECK (source IN ('vocabulary', 'personal')),
      photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      score    REAL NOT NULL,
      strength REAL NOT NULL,
      PRIMARY KEY (model_id, key, source, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX photo_labels_photo ON photo_labels(photo_id);
    CREATE TABLE label_corrections (
      photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      key        TEXT NOT NULL,
      name       TEXT NOT NULL,
      verdict    INTEGER NOT NULL CHECK (verdict IN (0, 1)),
      changed_at INTEGER NOT NULL,
      PRIMARY KEY (photo_id, key)
    ) WITHOUT ROWID;
    CREATE INDEX label_corrections_key ON label_corrections(key, verdict);
    CREATE TABLE learn_seen (
      task     TEXT NOT NULL,
      model_id TEXT NOT NULL,
      photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      digest   INTEGER NOT NULL,
      PRIMARY KEY (task, model_id, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX learn_seen_photo ON learn_seen(photo_id);
    CREATE TABLE albums (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      key         TEXT NOT NULL UNIQUE,
      name        TEXT NOT NULL,
      description TEXT,
      filters     TEXT NOT NULL DEFAULT '{}',
      created_at  INTEGER NOT NULL
    );
    CREATE TABLE album_edits (
      album_id   INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
      photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      action     TEXT NOT NULL CHECK (action IN ('added', 'removed')),
      changed_at INTEGER NOT NULL,
      PRIMARY KEY (album_id, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX album_edits_photo ON album_edits(photo_id);
    CREATE TABLE album_scorers (
      album_id     INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
      model_id     TEXT NOT NULL,
      state        TEXT NOT NULL,
      population   INTEGER NOT NULL,
      refreshed_at INTEGER NOT NULL,
      PRIMARY KEY (album_id, model_id)
    ) WITHOUT ROWID;
    CREATE TABLE album_members (
      album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
      model_id TEXT NOT NULL,
      photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      score    REAL NOT NULL,
      strength REAL NOT NULL,
      PRIMARY KEY (album_id, model_id, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX album_members_photo ON album_members(photo_id);
    CREATE TABLE personal_categories (
      key        TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE personal_examples (
      key       TEXT NOT NULL REFERENCES personal_categories(key) ON DELETE CASCADE,
      photo_id  INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      tagged_at INTEGER NOT NULL,
      PRIMARY KEY (key, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX personal_examples_photo ON personal_examples(photo_id);
    CREATE TABLE personal_heads (
      model_id  TEXT PRIMARY KEY,
      method    TEXT NOT NULL CHECK (method IN ('linear', 'cache')),
      examples  TEXT NOT NULL,
      state     TEXT NOT NULL,
      report    TEXT NOT NULL,
      fitted_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
}
