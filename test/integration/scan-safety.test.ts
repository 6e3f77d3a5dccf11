/**
 * A scan never loses photos it cannot see and never indexes what is not the
 * user's: files that change under it, subfolders that cannot be read, folders
 * that were emptied at once, and the library's own files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress } from '../../src-main/core/api/contract.ts';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import type { Colour } from '../fixtures/scenes.ts';
import { createScratch, libraryPaths, writePhoto, type Scratch } from '../helpers/scratch-library.ts';

let scratch: Scratch;

beforeAll(async () => {
  scratch = await createScratch('scan-safety');
});
afterAll(() => scratch?.cleanup());

const COLOURS: Colour[] = ['red', 'green', 'blue', 'yellow'];

async function writePhotos(dir: string, count: number, prefix = 'photo'): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `${prefix}-${String(i).padStart(2, '0')}.jpg`);
    await writePhoto(file, COLOURS[i % COLOURS.length], { width: 64 + i, height: 48 });
    files.push(file);
  }
  return files;
}

/** Runs `act` once, the first time the run reports the given phase. */
function onPhase(service: PhotoSearchService, phase: IndexProgress['phase'], act: () => void): () => void {
  let done = false;
  return service.events.on('index-progress', (p) => {
    if (done || p.phase !== phase) return;
    done = true;
    act();
  });
}

describe('a file that changes between the walk and its write', () => {
  it.each([
    ['vanishes before it is hashed', 'scanning', (file: string) => fs.rmSync(file)],
    ['turns into a folder before it is hashed', 'scanning', (file: string) => (fs.rmSync(file), fs.mkdirSync(file))],
    ['vanishes before it is decoded', 'embedding', (file: string) => fs.rmSync(file)],
    ['turns into a folder before it is decoded', 'embedding', (file: string) => (fs.rmSync(file), fs.mkdirSync(file))],
  ] as const)('is skipped or recorded when it %s, and the rest is indexed', async (label, phase, change) => {
    const base = scratch.dir('changing', label.replace(/\W+/g, '-'));
    const files = await writePhotos(path.join(base, 'photos'), 5);
    const victim = files[3];
    const service = scratch.open(path.join(base, 'library'));
    try {
      const stop = onPhase(service, phase, () => change(victim));
      const run = await service.index({ paths: [path.join(base, 'photos')] });
      stop();
      expect(run.embedded).toBe(4);
      expect(await libraryPaths(service)).toEqual(files.filter((f) => f !== victim));
      const failures = (await service.status()).failures;
      expect(failures.every((f) => f.path === victim)).toBe(true);
      const again = await service.index({});
      expect(again).toMatchObject({ embedded: 0, failed: 0 });
    } finally {
      await service.close();
    }
  });

  it('is indexed as it is now when it is replaced before it is decoded', async () => {
    const base = scratch.dir('changing', 'replaced');
    const files = await writePhotos(path.join(base, 'photos'), 3);
    const service = scratch.open(path.join(base, 'library'));
    try {
      const stop = onPhase(service, 'embedding', () => fs.copyFileSync(files[1], files[0]));
      const run = await service.index({ paths: [path.join(base, 'photos')] });
      stop();
      expect(run.embedded).toBe(3);
      const { hits } = await service.search({ terms: [{ kind: 'text', text: COLOURS[1], weight: 1 }], k: 2 });
      expect(hits.map((h) => h.path).sort()).toEqual([files[0], files[1]]);
      // What was stored describes the bytes that were embedded, so nothing looks changed now.
      expect(await service.index({})).toMatchObject({ embedded: 0, reused: 0, unchanged: 3 });
    } finally {
      await service.close();
    }
  });
});

describe('a subfolder that cannot be reached', () => {
  it('keeps its photos while its link points at an unplugged drive, and says why', async () => {
    const base = scratch.dir('unplugged-sub');
    const photos = path.join(base, 'photos');
    await writePhotos(path.join(photos, 'sub1'), 2);
    const drive = path.join(base, 'drive');
    await writePhotos(path.join(drive, 'sub2'), 4);
    fs.symlinkSync(path.join(drive, 'sub2'), path.join(photos, 'sub2'), 'dir');
    const service = scratch.open(path.join(base, 'library'));
    try {
      expect(await service.index({ paths: [photos] })).toMatchObject({ embedded: 6 });
      fs.renameSync(drive, `${drive}-unplugged`);
      const run = await service.index({});
      expect(run.removed).toBe(0);
      const status = await service.status();
      expect(status.photos).toBe(6);
      expect(status.failures).toEqual([expect.objectContaining({ path: path.join(photos, 'sub2'), reason: expect.stringMatching(/kept/) })]);
      fs.renameSync(`${drive}-unplugged`, drive);
      expect(await service.index({})).toMatchObject({ embedded: 0, removed: 0, unchanged: 6 });
      expect((await service.status()).failures).toEqual([]);
    } finally {
      await service.close();
    }
  });

  const asRoot = process.getuid?.() === 0;
  it.runIf(process.platform !== 'win32')('keeps the photos of a subfolder it has no permission to read, and says why', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-denied-'));
    fs.chmodSync(base, 0o777);
    const photos = path.join(base, 'photos');
    const library = path.join(base, 'library');
    try {
      await writePhotos(path.join(photos, 'sub1'), 2);
      await writePhotos(path.join(photos, 'sub2'), 3);
      const model = path.join(base, 'model');
      fs.cpSync(scratch.modelDir, model, { recursive: true });
      if (asRoot) execAsNobodyReady(base);
      expect(await cliAsUser(['index', photos, '--library', library, '--model', model, '--json'])).toMatchObject({ embedded: 5 });
      fs.chmodSync(path.join(photos, 'sub2'), 0o000);
      const run = await cliAsUser(['index', '--library', library, '--json']);
      expect(run).toMatchObject({ removed: 0 });
      const status = (await cliAsUser(['status', '--library', library, '--json'])) as { photos: number; failures: Array<{ path: string; reason: string }> };
      expect(status.photos).toBe(5);
      expect(status.failures).toEqual([expect.objectContaining({ path: path.join(photos, 'sub2'), reason: expect.stringMatching(/permission denied.*kept/) })]);
      fs.chmodSync(path.join(photos, 'sub2'), 0o755);
      expect(await cliAsUser(['index', '--library', library, '--json'])).toMatchObject({ embedded: 0, removed: 0 });
    } finally {
      fs.chmodSync(path.join(photos, 'sub2'), 0o755);
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  /** Lets an unprivileged user write the whole scratch tree (root's mkdtemp makes it private). */
  function execAsNobodyReady(dir: string): void {
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]) fs.chmodSync(path.join(dir, entry), 0o777);
  }

  /** The command line in a child process, as nobody when the tests run as root (root reads any folder). */
  async function cliAsUser(argv: string[]): Promise<unknown> {
    const child = spawn(process.execPath, [path.resolve('bin/photo-search.js'), ...argv], {
      env: { ...process.env, HOME: os.tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`photo-search ${argv.join(' ')} exited with ${code}: ${err}${out}`);
    return JSON.parse(out);
  }
});

describe('a folder whose photos are gone all at once', () => {
  it.each([
    ['holds only a .DS_Store', (dir: string) => fs.writeFileSync(path.join(dir, '.DS_Store'), 'x')],
    ['holds only an empty lost+found', (dir: string) => fs.mkdirSync(path.join(dir, 'lost+found'))],
  ])('keeps them when it %s, shows what would go, and removes them only when asked', async (label, fill) => {
    const base = scratch.dir('emptied', label.replace(/\W+/g, '-'));
    const photos = path.join(base, 'P');
    const library = path.join(base, 'library');
    const files = await writePhotos(photos, 6);
    expect((await scratch.cli(library, 'index', photos)).code).toBe(0);
    fs.renameSync(photos, `${photos}.bak`);
    fs.mkdirSync(photos);
    fill(photos);

    const held = await scratch.cli(library, 'index', '--json');
    expect(held.code).toBe(0);
    const run = JSON.parse(held.out) as IndexProgress;
    expect(run.removed).toBe(0);
    expect(run.held).toEqual([expect.objectContaining({ folder: photos, photos: 6 })]);
    const status = JSON.parse((await scratch.cli(library, 'status', '--json')).out);
    expect(status.photos).toBe(6);
    expect(status.heldRemovals).toEqual([expect.objectContaining({ folder: photos, photos: 6, examples: expect.arrayContaining([files[0]]) })]);
    const human = await scratch.cli(library, 'index');
    expect(human.out).toMatch(/--allow-removals/);

    const confirmed = JSON.parse((await scratch.cli(library, 'index', '--allow-removals', '--json')).out) as IndexProgress;
    expect(confirmed.removed).toBe(6);
    expect(JSON.parse((await scratch.cli(library, 'status', '--json')).out)).toMatchObject({ photos: 0, heldRemovals: [] });
  });

  it('holds the removal of most of a folder, lets it come back, and removes a few photos without asking', async () => {
    const base = scratch.dir('half-gone');
    const photos = path.join(base, 'P');
    await writePhotos(path.join(photos, 'kept'), 3);
    const synced = await writePhotos(path.join(photos, 'synced'), 8);
    const service = scratch.open(path.join(base, 'library'));
    try {
      await service.index({ paths: [photos] });
      fs.renameSync(path.join(photos, 'synced'), path.join(base, 'synced-away'));
      const run = await service.index({});
      expect(run).toMatchObject({ removed: 0, held: [expect.objectContaining({ folder: photos, photos: 8 })] });
      fs.renameSync(path.join(base, 'synced-away'), path.join(photos, 'synced'));
      expect(await service.index({})).toMatchObject({ embedded: 0, removed: 0, held: [] });
      expect((await service.status()).heldRemovals).toEqual([]);
      fs.rmSync(synced[0]);
      fs.rmSync(synced[1]);
      expect(await service.index({})).toMatchObject({ removed: 2, held: [] });
    } finally {
      await service.close();
    }
  });
});

describe('the library folder inside a photo folder', () => {
  it('is never scanned: its thumbnails are not indexed', async () => {
    const photos = scratch.dir('nested-library', 'Pictures');
    const library = path.join(photos, 'photo-search-library');
    await writePhotos(photos, 3);
    const service = scratch.open(library);
    try {
      await service.index({ paths: [photos] });
      for (const hit of (await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 10 })).hits) {
        await service.thumbnailFile(hit.id, 256);
      }
      const again = await service.index({});
      expect(again).toMatchObject({ embedded: 0, found: 3 });
      expect((await service.status()).photos).toBe(3);
      expect((await libraryPaths(service)).some((p) => p.startsWith(library))).toBe(false);
      await expect(service.addFolders({ paths: [path.join(library, 'thumbnails')] })).rejects.toThrow(/library/);
    } finally {
      await service.close();
    }
  });
});
