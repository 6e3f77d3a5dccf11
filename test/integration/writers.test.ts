import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { startCli, startScript } from '../helpers/cli-process.ts';
import { writeJpegFolder } from '../helpers/photo-folder.ts';

let root: string;
let modelDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-writers-'));
  modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
});
/** Processes a test started; killed at the end even if the test timed out. */
const started: Array<{ child: { kill(signal: NodeJS.Signals): boolean } }> = [];
afterAll(() => {
  for (const p of started) p.child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

/** Every file under `dir`, relative to it. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

async function libraryState(libraryDir: string) {
  const service = PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1 });
  try {
    const status = await service.status();
    const { hits } = await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 1000 });
    return { photos: status.photos, index: status.index, paths: hits.map((h) => h.path).sort() };
  } finally {
    await service.close();
  }
}

describe('two indexing runs on one library', () => {
  it('two `index` commands started together on a fresh library both succeed, and each photo is in it once', async () => {
    const photos = path.join(root, 'together', 'photos');
    const libraryDir = path.join(root, 'together', 'library');
    const files = await writeJpegFolder(photos, 40);
    const argv = ['index', photos, '--library', libraryDir, '--model', modelDir];
    const runs = await Promise.all([startCli(argv).finished, startCli(argv).finished]);
    for (const run of runs) expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: expect.not.stringMatching(/UNIQUE|ENOENT|Error/) });
    // Between them, the two runs embedded every photo exactly once.
    const embedded = runs.map((r) => Number(/(\d+) embedded/.exec(r.out)?.[1]));
    expect(embedded.reduce((a, b) => a + b)).toBe(40);

    const state = await libraryState(libraryDir);
    expect(state.photos).toBe(40);
    expect(state.paths).toEqual([...files].sort());
    expect(state.index).toMatchObject({ state: 'ok', vectors: 40 });
    expect(tree(libraryDir).filter((f) => /tmp/.test(f))).toEqual([]);
  });

  it('two processes making the same thumbnails at once both get whole files, and leave no temp files', async () => {
    const photos = path.join(root, 'thumbnails', 'photos');
    const libraryDir = path.join(root, 'thumbnails', 'library');
    await writeJpegFolder(photos, 8);
    expect((await startCli(['index', photos, '--library', libraryDir, '--model', modelDir]).finished).code).toBe(0);
    const script = path.resolve('test/helpers/make-thumbnails.ts');
    const runs = await Promise.all([startScript(script, [libraryDir, '64']).finished, startScript(script, [libraryDir, '64']).finished]);
    const [first, second] = runs.map((r) => JSON.parse(r.out) as string[]);
    expect(first).toHaveLength(8);
    expect(second).toEqual(first);
    for (const file of first) expect((await sharp(file).metadata()).format).toBe('jpeg');
    expect(tree(path.join(libraryDir, 'thumbnails')).filter((f) => /tmp/.test(f))).toEqual([]);
  });

  it('a second run waits for the one holding the library, says so, and takes over when that process is killed; readers go on meanwhile', async () => {
    const photos = path.join(root, 'waiting', 'photos');
    const libraryDir = path.join(root, 'waiting', 'library');
    await writeJpegFolder(photos, 6);
    expect((await startCli(['index', photos, '--library', libraryDir, '--model', modelDir]).finished).code).toBe(0);
    const more = await writeJpegFolder(path.join(photos, 'more'), 3, { prefix: 'more-', width: 200, height: 150 });

    const holder = startScript(path.resolve('test/helpers/hold-writer-lock.ts'), [libraryDir]);
    started.push(holder);
    await holder.waitFor(/holding/, 'out');
    try {
      const status = await startCli(['status', '--library', libraryDir, '--json']).finished;
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out).photos).toBe(6);
      const search = await startCli(['search', 'red', '--library', libraryDir, '--json']).finished;
      expect(search.code).toBe(0);

      const second = startCli(['index', '--library', libraryDir, '--json']);
      started.push(second);
      await second.waitFor(new RegExp(`process ${holder.child.pid}\\b.*waiting`, 's'));
      expect(second.child.exitCode).toBeNull();
      holder.child.kill('SIGKILL');
      const done = await second.finished;
      expect(done.code).toBe(0);
      expect(JSON.parse(done.out)).toMatchObject({ phase: 'done', embedded: 3 });
    } finally {
      holder.child.kill('SIGKILL');
    }
    const state = await libraryState(libraryDir);
    expect(state.photos).toBe(9);
    expect(state.paths).toEqual(expect.arrayContaining(more));
  });
});
