import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { PhotoSearchService as Service } from '../../src-main/core/api/service.ts';

const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;
const PATTERNS = ['plain', 'circle', 'stripes'] as const;

let root: string;
let modelDir: string;

async function writeFolder(dir: string, count: number, size = { width: 320, height: 240 }): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const colour = COLOURS[i % COLOURS.length];
    const pattern = PATTERNS[Math.floor(i / COLOURS.length) % PATTERNS.length];
    const file = path.join(dir, `${String(i).padStart(3, '0')}-${colour}-${pattern}.jpg`);
    await writeJpegScene(file, { colour, pattern, ...size }, { quality: 60 + (i % 30) });
    files.push(file);
  }
  return files;
}

function openService(libraryDir: string): PhotoSearchService {
  return Service.open({ libraryDir, modelDir, intraOpThreads: 1 });
}

async function allPaths(service: PhotoSearchService): Promise<string[]> {
  const { hits } = await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 10_000 });
  return hits.map((h) => h.path).sort();
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-incremental-'));
  modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('re-indexing only does what changed', () => {
  let photos: string;
  let service: PhotoSearchService;
  let files: string[];

  beforeAll(async () => {
    photos = path.join(root, 'changes', 'photos');
    files = await writeFolder(photos, 12);
    service = openService(path.join(root, 'changes', 'library'));
    const first = await service.index({ paths: [photos] });
    expect(first.embedded).toBe(12);
  });
  afterAll(() => service.close());

  it('embeds nothing when nothing changed', async () => {
    const again = await service.index({});
    expect(again).toMatchObject({ embedded: 0, reused: 0, removed: 0, unchanged: 12 });
  });

  it('keeps the embedding of a renamed or moved file (no inference)', async () => {
    const moved = path.join(photos, 'sub', 'renamed.jpg');
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.renameSync(files[0], moved);
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 0, reused: 1, removed: 0 });
    const paths = await allPaths(service);
    expect(paths).toContain(moved);
    expect(paths).not.toContain(files[0]);
    files[0] = moved;
  });

  it('reuses the embedding of a copy of a photo already in the library', async () => {
    const copy = path.join(photos, 'copy of 001.jpg');
    fs.copyFileSync(files[1], copy);
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 0, reused: 1 });
    expect(await allPaths(service)).toContain(copy);
  });

  it('re-embeds a file whose content changed', async () => {
    await writeJpegScene(files[2], { colour: 'green', pattern: 'stripes', width: 300, height: 300 });
    const run = await service.index({});
    expect(run).toMatchObject({ embedded: 1, reused: 0 });
    const { hits } = await service.search({ terms: [{ kind: 'text', text: 'green stripes', weight: 1 }], k: 1 });
    expect(hits[0].path).toBe(files[2]);
  });

  it('drops a deleted file from the results', async () => {
    fs.rmSync(files[3]);
    const run = await service.index({});
    expect(run.removed).toBe(1);
    expect(await allPaths(service)).not.toContain(files[3]);
  });

  it('reports a file that became unreadable and keeps the rest', async () => {
    fs.writeFileSync(files[4], 'not a photo any more');
    const run = await service.index({});
    expect(run.failed).toBe(1);
    const status = await service.status();
    expect(status.failures.map((f) => f.path)).toContain(files[4]);
    expect(await allPaths(service)).not.toContain(files[4]);
    const rerun = await service.index({});
    expect(rerun).toMatchObject({ embedded: 0, failed: 0 });
  });

  it('keeps the photos of a folder that is offline, and reports it', async () => {
    const count = (await service.status()).photos;
    const away = `${photos}-unplugged`;
    fs.renameSync(photos, away);
    try {
      const run = await service.index({});
      expect(run.offline).toEqual([photos]);
      const status = await service.status();
      expect(status.photos).toBe(count);
      expect(status.folders[0]).toMatchObject({ online: false });
    } finally {
      fs.renameSync(away, photos);
    }
    const back = await service.index({});
    expect(back).toMatchObject({ embedded: 0, removed: 0 });
    expect((await service.status()).folders[0]).toMatchObject({ online: true });
  });

  it('forgets a folder without touching its files', async () => {
    const before = fs.readdirSync(photos, { recursive: true }).length;
    const result = await service.forgetFolder({ path: photos });
    expect(result.removedPhotos).toBeGreaterThan(0);
    expect((await service.status()).photos).toBe(0);
    expect(fs.readdirSync(photos, { recursive: true }).length).toBe(before);
  });
});

describe('a run killed mid-way', () => {
  it('resumes on the next run with no duplicates and nothing missing', async () => {
    const photos = path.join(root, 'killed', 'photos');
    const libraryDir = path.join(root, 'killed', 'library');
    const files = await writeFolder(photos, 48, { width: 1600, height: 1200 });
    const cli = path.resolve('bin/photo-search.js');
    const child = spawn(process.execPath, [cli, 'index', photos, '--library', libraryDir, '--model', modelDir], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const dbFile = path.join(libraryDir, 'library.sqlite');
    let seen = 0;
    while (child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20));
      if (!fs.existsSync(dbFile)) continue;
      try {
        const db = new BetterSqlite3(dbFile, { readonly: true });
        seen = (db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
        db.close();
      } catch {
        continue;
      }
      if (seen > 0) break;
    }
    child.kill('SIGKILL');
    await exited;
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(files.length);

    const service = openService(libraryDir);
    try {
      const run = await service.index({});
      expect(run.embedded).toBe(files.length - run.unchanged);
      expect(await allPaths(service)).toEqual([...files].sort());
      expect((await service.status()).photos).toBe(files.length);
    } finally {
      await service.close();
    }
  });
});

describe('without a model', () => {
  it('says plainly that a model is needed and how to get one', async () => {
    const service = Service.open({ libraryDir: path.join(root, 'no-model') });
    try {
      const status = await service.status();
      expect(status.model).toBeNull();
      expect(status.modelProblem).toMatch(/--model/);
      await expect(service.search({ terms: [{ kind: 'text', text: 'red', weight: 1 }] })).rejects.toThrow(/model/i);
    } finally {
      await service.close();
    }
  });
});
