import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import type { PhotoRecord } from '../../../src-main/core/store/photos.ts';
import type { StoredReading } from '../../../src-main/core/store/photo-text.ts';
import { searchableReading } from '../../../src-main/core/text/searchable.ts';
import type { Quad, TextLine } from '../../../src-main/core/text/types.ts';

/** A fresh library in a temp folder; `cleanup` closes and deletes it. */
export function scratchLibrary(name: string): { dir: string; store: LibraryStore; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `photo-search-${name}-`));
  const store = LibraryStore.open(path.join(dir, 'library'));
  return {
    dir,
    store,
    cleanup: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A photo row as the indexer writes it, for files that need not exist. */
export function photoRecord(folderId: number, file: string, hash: string): PhotoRecord {
  return {
    folderId,
    path: file,
    size: 1000,
    mtimeMs: 1,
    hash,
    width: 1200,
    height: 900,
    format: 'jpeg',
    ext: 'jpg',
    takenAt: null,
    camera: null,
    latitude: null,
    longitude: null,
  };
}

/** A box across the photo at height `y` (0..1), `h` high. */
export function band(y: number, h = 0.05): Quad {
  return [
    { x: 0.1, y },
    { x: 0.9, y },
    { x: 0.9, y: y + h },
    { x: 0.1, y: y + h },
  ];
}

/** A reading of `texts`, one line each, stacked down the photo, as the text stage stores it. */
export function reading(modelId: string, texts: string[], confidence = 0.95): StoredReading {
  return searchableReading({ modelId, lines: texts.map((text, i): TextLine => ({ text, confidence, box: band(0.1 + i * 0.08) })) });
}
