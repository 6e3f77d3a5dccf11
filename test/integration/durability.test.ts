import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { startScript } from '../helpers/cli-process.ts';
import { writeJpegFolder } from '../helpers/photo-folder.ts';

let root: string;
let modelDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-durability-'));
  modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const open = (libraryDir: string) => PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1 });

/** What a backup or sync tool that copies only the main database file leaves. */
function loseWriteAheadLog(libraryDir: string): void {
  for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(libraryDir, `library.sqlite${suffix}`), { force: true });
}

async function allPaths(service: PhotoSearchService): Promise<string[]> {
  const { hits } = await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 1000 });
  return hits.map((h) => h.path).sort();
}

function savedIndexes(libraryDir: string): Array<{ file: string; count: number }> {
  const dir = path.join(libraryDir, 'index');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f.slice(0, -'.json'.length), count: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).stamp.count as number }));
}

describe('a lost write-ahead log', () => {
  it('loses nothing of a run that ended before the process was killed', async () => {
    const photos = path.join(root, 'killed', 'photos');
    const libraryDir = path.join(root, 'killed', 'library');
    const files = await writeJpegFolder(photos, 6);
    const child = await startScript(path.resolve('test/helpers/index-then-die.ts'), [libraryDir, modelDir, photos]).finished;
    expect(child.signal).toBe('SIGKILL');
    expect(JSON.parse(child.out)).toMatchObject({ phase: 'done', embedded: 6 });

    loseWriteAheadLog(libraryDir);
    const service = open(libraryDir);
    try {
      expect((await service.status()).photos).toBe(6);
      expect(await allPaths(service)).toEqual(files);
    } finally {
      await service.close();
    }
  });

  it('loses nothing written before a process closed the library while another process had it open', async () => {
    const photos = path.join(root, 'closed', 'photos');
    const libraryDir = path.join(root, 'closed', 'library');
    fs.mkdirSync(photos, { recursive: true });
    await open(libraryDir).close();
    // Another process (the desktop app, a server) keeps the library open, so the
    // closing one is not the last and SQLite does not fold the log in by itself.
    const other = new BetterSqlite3(path.join(libraryDir, 'library.sqlite'));
    try {
      // A first read attaches it to the log, as a running app is.
      expect(other.prepare('SELECT count(*) FROM folders').pluck().get()).toBe(0);
      const child = await startScript(path.resolve('test/helpers/add-folder-and-close.ts'), [libraryDir, photos]).finished;
      expect(child.out).toContain('closed');
      const copy = path.join(root, 'closed', 'backup');
      fs.mkdirSync(copy);
      fs.copyFileSync(path.join(libraryDir, 'library.sqlite'), path.join(copy, 'library.sqlite'));
      const restored = PhotoSearchService.open({ libraryDir: copy });
      try {
        expect((await restored.status()).folders.map((f) => f.path)).toEqual([photos]);
      } finally {
        await restored.close();
      }
    } finally {
      other.close();
    }
  });

  it('says plainly that the library went back in time, and keeps the larger saved index instead of overwriting it', async () => {
    const photos = path.join(root, 'rolled-back', 'photos');
    const libraryDir = path.join(root, 'rolled-back', 'library');
    const first = await writeJpegFolder(path.join(photos, 'a'), 6);
    let service = open(libraryDir);
    await service.index({ paths: [photos] });
    await service.close();
    const older = fs.readFileSync(path.join(libraryDir, 'library.sqlite'));

    const second = await writeJpegFolder(path.join(photos, 'b'), 6, { prefix: 'b-', width: 200, height: 150 });
    service = open(libraryDir);
    await service.index({});
    await service.close();
    expect(savedIndexes(libraryDir)).toEqual([expect.objectContaining({ count: 12 })]);

    // The main file as an older backup had it, without the log.
    fs.writeFileSync(path.join(libraryDir, 'library.sqlite'), older);
    loseWriteAheadLog(libraryDir);
    service = open(libraryDir);
    try {
      const status = await service.status();
      expect(status.photos).toBe(6);
      expect(status.index.detail).toMatch(/older than its saved search index/);
      expect(status.index.detail).toMatch(/12 photos/);
      const kept = savedIndexes(libraryDir).find((s) => s.count === 12);
      expect(kept, 'the 12-photo index is kept').toBeDefined();
      expect(status.index.detail).toContain(kept!.file);

      // Indexing again finds the lost photos; nothing is lost for good.
      await service.index({});
      expect(await allPaths(service)).toEqual([...first, ...second].sort());
    } finally {
      await service.close();
    }
  });
});
