import type { Database } from 'better-sqlite3';

export interface StoredAlbum {
  id: number;
  key: string;
  name: string;
  description: string | null;
  /** JSON of the album's filters (the contract's Filters). */
  filters: string;
  createdAt: number;
}

export interface AlbumEdit {
  photoId: number;
  action: 'added' | 'removed';
}

export interface AlbumMember {
  photoId: number;
  score: number;
  strength: number;
}

/**
 * Smart albums (migration addLabelsAlbumsHeads): the album itself, the user's
 * additions and removals (whatever the model), how it was filled per model (its
 * scorer, a JSON state kept by learn/albums) and the photos it was filled with.
 */
export class AlbumTables {
  constructor(private readonly db: Database) {}

  list(): StoredAlbum[] {
    return this.db
      .prepare('SELECT id, key, name, description, filters, created_at AS createdAt FROM albums ORDER BY name COLLATE NOCASE, id')
      .all() as StoredAlbum[];
  }

  byKey(key: string): StoredAlbum | undefined {
    return this.db.prepare('SELECT id, key, name, description, filters, created_at AS createdAt FROM albums WHERE key = ?').get(key) as StoredAlbum | undefined;
  }

  byId(id: number): StoredAlbum | undefined {
    return this.db.prepare('SELECT id, key, name, description, filters, created_at AS createdAt FROM albums WHERE id = ?').get(id) as StoredAlbum | undefined;
  }

  insert(album: Omit<StoredAlbum, 'id' | 'createdAt'>): number {
    return Number(
      this.db
        .prepare('INSERT INTO albums (key, name, description, filters, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(album.key, album.name, album.description, album.filters, Date.now()).lastInsertRowid,
    );
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM albums WHERE id = ?').run(id);
  }

  edits(albumId: number): AlbumEdit[] {
    return this.db.prepare('SELECT photo_id AS photoId, action FROM album_edits WHERE album_id = ? ORDER BY changed_at, photo_id').all(albumId) as AlbumEdit[];
  }

  /** Records the user's addition or removal of photos; ids that are not photos of the library are skipped. Returns how many rows changed. */
  setEdits(albumId: number, photoIds: readonly number[], action: AlbumEdit['action']): number {
    return this.db
      .prepare(
        `INSERT INTO album_edits (album_id, photo_id, action, changed_at) SELECT ?, p.id, ?, ? FROM photos p WHERE p.id IN (SELECT value FROM json_each(?))
           ON CONFLICT (album_id, photo_id) DO UPDATE SET action = excluded.action, changed_at = excluded.changed_at`,
      )
      .run(albumId, action, Date.now(), JSON.stringify(photoIds)).changes;
  }

  scorer(albumId: number, modelId: string): { state: string; population: number } | undefined {
    return this.db.prepare('SELECT state, population FROM album_scorers WHERE album_id = ? AND model_id = ?').get(albumId, modelId) as
      { state: string; population: number } | undefined;
  }

  putScorer(albumId: number, modelId: string, state: string, population: number): void {
    this.db
      .prepare(
        `INSERT INTO album_scorers (album_id, model_id, state, population, refreshed_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (album_id, model_id) DO UPDATE SET state = excluded.state, population = excluded.population, refreshed_at = excluded.refreshed_at`,
      )
      .run(albumId, modelId, state, population, Date.now());
  }

  /** Replaces every member the model filled the album with. */
  replaceMembers(albumId: number, modelId: string, members: readonly AlbumMember[]): void {
    this.db.prepare('DELETE FROM album_members WHERE album_id = ? AND model_id = ?').run(albumId, modelId);
    const insert = this.db.prepare('INSERT INTO album_members (album_id, model_id, photo_id, score, strength) VALUES (?, ?, ?, ?, ?)');
    for (const m of members) insert.run(albumId, modelId, m.photoId, m.score, m.strength);
  }

  /** Adds members (new photos that match), replacing any earlier row of the same photo. */
  addMembers(albumId: number, modelId: string, members: readonly AlbumMember[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO album_members (album_id, model_id, photo_id, score, strength) VALUES (?, ?, ?, ?, ?)');
    for (const m of members) insert.run(albumId, modelId, m.photoId, m.score, m.strength);
  }

  /** Drops the model's members among these photos (photos looked at again). */
  dropMembers(albumId: number, modelId: string, photoIds: readonly number[]): void {
    this.db
      .prepare('DELETE FROM album_members WHERE album_id = ? AND model_id = ? AND photo_id IN (SELECT value FROM json_each(?))')
      .run(albumId, modelId, JSON.stringify(photoIds));
  }

  members(albumId: number, modelId: string): AlbumMember[] {
    return this.db
      .prepare('SELECT photo_id AS photoId, score, strength FROM album_members WHERE album_id = ? AND model_id = ? ORDER BY score DESC, photo_id')
      .all(albumId, modelId) as AlbumMember[];
  }
}
