import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { PersonalHeadTables } from '../../../src-main/core/store/personal-heads.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-categories-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('personal categories', () => {
  it('list in the order they were made, also when several are made within one millisecond', () => {
    const store = LibraryStore.open(dir);
    try {
      vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
      const tables = new PersonalHeadTables(store.db);
      for (const name of ['Mia', 'Max', 'our house']) tables.ensureCategory(name.toLowerCase(), name);
      tables.ensureCategory('mia', 'Mia');
      expect(tables.categories().map((c) => c.name)).toEqual(['Mia', 'Max', 'our house']);
    } finally {
      store.close();
    }
  });
});
