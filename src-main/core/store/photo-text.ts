import type { Database, Statement } from 'better-sqlite3';

/** A point in normalised photo coordinates: 0..1 across the width and down the height of the photo as displayed (EXIF-oriented). */
export interface NormPoint {
  x: number;
  y: number;
}

/**
 * A text line's outline: four corners in normalised photo coordinates, clockwise in the
 * photo's own frame starting at its top-left-most corner. Normalised so that a box drawn
 * over a thumbnail, the lightbox image or the original file lands on the same words
 * whatever resolution the reader was given.
 */
export type Quad = [NormPoint, NormPoint, NormPoint, NormPoint];

/** One recognised line of text. */
export interface TextLine {
  text: string;
  /** Mean per-character probability of the recogniser (PaddleOCR's CTC score), 0..1. */
  confidence: number;
  box: Quad;
}

/** A photo's reading as stored: its lines and their search form, made by core/text (searchableReading). */
export interface StoredReading {
  /** The OCR model that read it. */
  modelId: string;
  lines: readonly TextLine[];
  /** The lines' folded text, a space before each word after the first, lines joined with "\n"; without those, what the index holds. */
  words: string;
  /** Per line, space-separated: text height in thousandths of the photo, ":", confidence in hundredths. */
  lineInfo: string;
}

/** A photo to read: one per content, so copies of a photo are read once. */
export interface TextJob {
  photoId: number;
  path: string;
  hash: string;
}

/** What is stored about a photo's text. */
export interface PhotoText {
  /** The OCR model that read it (or failed to). */
  modelId: string;
  status: 'read' | 'failed';
  /** For failures: the error code and why, as the user sees it. */
  code: string | null;
  reason: string | null;
  /** ms since epoch. */
  readAt: number;
  lines: TextLine[];
}

export interface TextCounts {
  /** Photos in the library. */
  photos: number;
  /** Photos read (with or without text found), by any OCR model. */
  read: number;
  /** Photos read in which text was found. */
  withText: number;
  /** Photos whose reading failed. */
  failed: number;
}

/** A search candidate: what ranking needs of one content, without its lines (see StoredReading). */
export interface TextCandidate {
  textId: number;
  /** `words` without its spaces and newlines: what the index holds. */
  body: string;
  words: string;
  lineInfo: string;
}

const ENABLED_SETTING = 'text-reading';

const boxJson = (box: Quad): string => JSON.stringify(box.flatMap((p) => [Math.round(p.x * 1e4) / 1e4, Math.round(p.y * 1e4) / 1e4]));

function parseBox(json: string): Quad {
  const v = JSON.parse(json) as number[];
  return [0, 1, 2, 3].map((i) => ({ x: v[2 * i], y: v[2 * i + 1] })) as Quad;
}

/**
 * Recognised text, keyed by content hash (photos.hash): a photo moved or renamed keeps its
 * text, copies share it, a changed photo (new hash) is read again, and switching the CLIP
 * model leaves it alone. `photo_text_search` (FTS5, trigram tokenizer) indexes each
 * content's folded text (StoredReading.words without its breaks) for substring search
 * in any script.
 */
export class PhotoTextTable {
  private statements: { remove: Statement; insert: Statement; line: Statement } | null = null;

  constructor(private readonly db: Database) {}

  /** Prepared on first write, so opening a library never depends on these tables. */
  private get writes(): { remove: Statement; insert: Statement; line: Statement } {
    this.statements ??= {
      remove: this.db.prepare('DELETE FROM photo_text WHERE hash = ?'),
      insert: this.db.prepare(
        `INSERT INTO photo_text (hash, model_id, status, code, reason, line_count, read_at, body, words, line_info)
         VALUES (@hash, @modelId, @status, @code, @reason, @lineCount, @readAt, @body, @words, @lineInfo)`,
      ),
      line: this.db.prepare('INSERT INTO photo_text_lines (text_id, line_no, text, confidence, box) VALUES (?, ?, ?, ?, ?)'),
    };
    return this.statements;
  }

  /** Whether the library reads text in photos (on unless turned off). */
  enabled(): boolean {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(ENABLED_SETTING) as { value: string } | undefined;
    return row?.value !== 'off';
  }

  setEnabled(on: boolean): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(ENABLED_SETTING, on ? 'on' : 'off');
  }

  /**
   * Photos in online folders whose content has no text from `modelId`: never read, read by
   * another OCR model, or changed since. A failure with the same model is tried again only
   * when the file could not be opened (moved away for a while, no permission); one that
   * could not be decoded or read is not, until the file or the OCR model changes. Ordered
   * by path.
   */
  toRead(modelId: string): TextJob[] {
    return this.db
      .prepare(
        `SELECT MIN(p.id) AS photoId, p.path, p.hash FROM photos p
           JOIN folders f ON f.id = p.folder_id
           LEFT JOIN photo_text t ON t.hash = p.hash
          WHERE f.online = 1 AND (t.id IS NULL OR t.model_id <> ? OR (t.status = 'failed' AND t.code = 'file-unreadable'))
          GROUP BY p.hash ORDER BY p.path`,
      )
      .all(modelId) as TextJob[];
  }

  /** Stores a reading for a content, replacing what was stored for it. Call inside a transaction. */
  write(hash: string, reading: StoredReading, readAt = Date.now()): void {
    const { remove, insert, line: addLine } = this.writes;
    remove.run(hash);
    const { words, lineInfo } = reading;
    const id = Number(
      insert.run({
        hash,
        modelId: reading.modelId,
        status: 'read',
        code: null,
        reason: null,
        lineCount: reading.lines.length,
        readAt,
        body: words.replace(/[ \n]/g, ''),
        words,
        lineInfo,
      }).lastInsertRowid,
    );
    reading.lines.forEach((line, i) => addLine.run(id, i, line.text, line.confidence, boxJson(line.box)));
  }

  /** Records that reading a content failed and why; it is not read again with the same model until the file changes. */
  writeFailure(hash: string, modelId: string, code: string, reason: string, at = Date.now()): void {
    const { remove, insert } = this.writes;
    remove.run(hash);
    insert.run({ hash, modelId, status: 'failed', code, reason, lineCount: 0, readAt: at, body: '', words: '', lineInfo: '' });
  }

  /** The stored text of a photo, or undefined when its content has not been read. */
  forPhoto(photoId: number): PhotoText | undefined {
    const row = this.db
      .prepare(
        `SELECT t.id, t.model_id AS modelId, t.status, t.code, t.reason, t.read_at AS readAt
           FROM photos p JOIN photo_text t ON t.hash = p.hash WHERE p.id = ?`,
      )
      .get(photoId) as (Omit<PhotoText, 'lines'> & { id: number }) | undefined;
    if (!row) return undefined;
    const { id, ...text } = row;
    return { ...text, lines: this.lines([id]).get(id) ?? [] };
  }

  /** The lines of each content, in reading order. */
  lines(textIds: readonly number[]): Map<number, TextLine[]> {
    const rows = this.db
      .prepare(
        `SELECT text_id AS textId, text, confidence, box FROM photo_text_lines
          WHERE text_id IN (SELECT value FROM json_each(?)) ORDER BY text_id, line_no`,
      )
      .all(JSON.stringify(textIds)) as Array<{ textId: number; text: string; confidence: number; box: string }>;
    const byText = new Map<number, TextLine[]>();
    for (const r of rows) {
      let list = byText.get(r.textId);
      if (!list) byText.set(r.textId, (list = []));
      list.push({ text: r.text, confidence: r.confidence, box: parseBox(r.box) });
    }
    return byText;
  }

  /**
   * Contents whose folded text contains every one of `required` (already folded).
   * Those of three characters or more are looked up in the trigram index; shorter ones
   * (two-character Chinese words, "5g") cannot be, and filter the indexed matches, or
   * scan every text when no substring is long enough. `orPieces` adds candidates: each
   * group is a set of alternatives of which one must occur (fuzzy matching's pieces).
   */
  candidates(required: readonly string[], orPieces: readonly (readonly string[])[] = []): TextCandidate[] {
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const indexed = required.filter((s) => [...s].length >= 3).map(quote);
    for (const group of orPieces) indexed.push(`(${group.map(quote).join(' OR ')})`);
    const short = required.filter((s) => [...s].length < 3);
    const scans = short.map(() => 'instr(t.body, ?) > 0');
    const columns = 't.id AS textId, t.body, t.words, t.line_info AS lineInfo';
    if (indexed.length > 0) {
      return this.db
        .prepare(
          `SELECT ${columns} FROM photo_text_search s JOIN photo_text t ON t.id = s.rowid
            WHERE photo_text_search MATCH ?${scans.map((c) => ` AND ${c}`).join('')}`,
        )
        .all(indexed.join(' AND '), ...short) as TextCandidate[];
    }
    if (short.length === 0) return [];
    return this.db.prepare(`SELECT ${columns} FROM photo_text t WHERE t.body <> '' AND ${scans.join(' AND ')}`).all(...short) as TextCandidate[];
  }

  /** The photos showing each content (copies share one). */
  photosOf(textIds: readonly number[]): Map<number, number[]> {
    const rows = this.db
      .prepare(
        `SELECT t.id AS textId, p.id AS photoId FROM photo_text t JOIN photos p ON p.hash = t.hash
          WHERE t.id IN (SELECT value FROM json_each(?)) ORDER BY p.id`,
      )
      .all(JSON.stringify(textIds)) as Array<{ textId: number; photoId: number }>;
    const map = new Map<number, number[]>();
    for (const r of rows) map.set(r.textId, [...(map.get(r.textId) ?? []), r.photoId]);
    return map;
  }

  /** How many of the library's photos have been read, have text, or failed. */
  counts(): TextCounts {
    return this.db
      .prepare(
        `SELECT count(*) AS photos,
                count(t.id) FILTER (WHERE t.status = 'read') AS read,
                count(t.id) FILTER (WHERE t.status = 'read' AND t.line_count > 0) AS withText,
                count(t.id) FILTER (WHERE t.status = 'failed') AS failed
           FROM photos p LEFT JOIN photo_text t ON t.hash = p.hash`,
      )
      .get() as TextCounts;
  }

  /** Photos whose reading failed, with why. */
  failures(limit = 1000): Array<{ photoId: number; path: string; code: string; reason: string; at: number }> {
    return this.db
      .prepare(
        `SELECT p.id AS photoId, p.path, t.code, t.reason, t.read_at AS at FROM photo_text t JOIN photos p ON p.hash = t.hash
          WHERE t.status = 'failed' ORDER BY p.path LIMIT ?`,
      )
      .all(limit) as Array<{ photoId: number; path: string; code: string; reason: string; at: number }>;
  }

  /** Drops the text of contents no photo shows any more (deleted or changed files); returns how many. */
  prune(): number {
    return this.db.prepare('DELETE FROM photo_text WHERE hash NOT IN (SELECT hash FROM photos)').run().changes;
  }
}
