import type { Database } from 'better-sqlite3';

export interface NameMatch {
  photoId: number;
  /** FTS5 bm25 rank: more negative is better. */
  rank: number;
  /** Where the words were found: all in the file name, all in the folder names, or spread over both. */
  where: 'file' | 'folder' | 'both';
}

export interface NameQuery {
  /** Words as the user typed them; each must occur as the start of a word of the names ("trip" finds "Trips"). */
  words: readonly string[];
  /** Match the words as one exact phrase, whole words only (a quoted query). */
  phrase?: boolean;
  /** A filter over `photos p`, as built by search/filters.ts. */
  where?: { sql: string; params: readonly unknown[] };
}

/** Tokens as FTS5's unicode61 tokenizer cuts them: runs of letters, digits and marks. */
export function nameTokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

function quoted(tokens: readonly string[]): string {
  return `"${tokens.join(' ').replaceAll('"', '""')}"`;
}

/**
 * The FTS5 query for `q`, or null when it holds no word. A typed word that the
 * tokenizer cuts in pieces ("IMG_2041") stays one phrase, so its pieces must be
 * adjacent; the last piece of each word is a prefix.
 */
function matchExpression(q: NameQuery): string | null {
  if (q.phrase) {
    const tokens = q.words.flatMap(nameTokens);
    return tokens.length ? quoted(tokens) : null;
  }
  const words = q.words.map(nameTokens).filter((t) => t.length > 0);
  return words.length ? words.map((t) => `${quoted(t)}*`).join(' AND ') : null;
}

/**
 * Folder and file names of the library's photos as a full-text index (the
 * `photo_names` table, kept in step with `photos` by triggers): "trip" finds
 * 2019/Trip/IMG_1.jpg, "IMG_2041" finds IMG_2041.HEIC.
 */
export class PhotoNameIndex {
  constructor(private readonly db: Database) {}

  /** Photos whose names contain every word of `q`, best first (bm25). */
  search(q: NameQuery): NameMatch[] {
    const expression = matchExpression(q);
    if (!expression) return [];
    const filter = q.where ? ` AND (${q.where.sql})` : '';
    const params = q.where?.params ?? [];
    const rows = this.db
      .prepare(
        `SELECT n.rowid AS photoId, bm25(photo_names) AS rank FROM photo_names n JOIN photos p ON p.id = n.rowid
          WHERE photo_names MATCH ?${filter} ORDER BY rank, n.rowid`,
      )
      .all(expression, ...params) as Array<{ photoId: number; rank: number }>;
    if (rows.length === 0) return [];
    const only = (column: 'file' | 'folder') =>
      new Set(
        this.db
          .prepare(`SELECT n.rowid FROM photo_names n JOIN photos p ON p.id = n.rowid WHERE photo_names MATCH ?${filter}`)
          .pluck()
          .all(`{${column}} : (${expression})`, ...params) as number[],
      );
    const inFile = only('file');
    const inFolder = only('folder');
    return rows.map((r) => ({ ...r, where: inFile.has(r.photoId) ? 'file' : inFolder.has(r.photoId) ? 'folder' : 'both' }));
  }
}
