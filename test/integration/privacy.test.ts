import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { startCli } from '../helpers/cli-process.ts';
import { writeJpegFolder } from '../helpers/photo-folder.ts';

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-privacy-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Events onnxruntime queued for upload under `home` (its telemetry store, from version 1.30), 0 when it kept none. */
function queuedEvents(home: string): number {
  const store = path.join(home, '.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime', 'onnxruntime.db');
  if (!fs.existsSync(store)) return 0;
  const db = new Database(store, { readonly: true });
  try {
    const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    return hasEvents ? (db.prepare('SELECT count(*) FROM events').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

describe('nothing about the machine is queued for upload', () => {
  it('indexes and searches without onnxruntime keeping telemetry events in the user’s cache folder', async () => {
    const home = path.join(root, 'home');
    const modelDir = path.join(root, 'model');
    const photos = path.join(root, 'photos');
    const libraryDir = path.join(root, 'library');
    fs.mkdirSync(home);
    await writeTinyModel(modelDir);
    await writeJpegFolder(photos, 4);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
    delete env.ORT_DISABLE_TELEMETRY;
    const indexed = await startCli(['index', photos, '--library', libraryDir, '--model', modelDir], env).finished;
    expect(indexed.code, indexed.err).toBe(0);
    const searched = await startCli(['search', 'red', '--library', libraryDir], env).finished;
    expect(searched.code, searched.err).toBe(0);
    expect(queuedEvents(home)).toBe(0);
  });
});
