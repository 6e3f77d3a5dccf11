/**
 * The browser mode over the real engine: a library indexed with the tiny model,
 * then changed behind its back the way a local attacker would, and folders typed
 * the way people type them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, FolderStatus } from '../../../src-main/core/api/contract.ts';
import { PhotoSearchService } from '../../../src-main/core/api/service.ts';
import { mediaKey } from '../../../src-main/server/security.ts';
import { startServer, type RunningServer } from '../../../src-main/server/server.ts';
import { writeJpegScene } from '../../fixtures/photos.ts';
import { writeTinyModel } from '../../fixtures/tiny-model.ts';
import { rawRequest } from './raw-request.ts';

let root: string;
let photos: string;
let service: PhotoSearchService;
let server: RunningServer;

const post = async (operation: string, body: unknown) => {
  const res = await rawRequest(server.port, {
    method: 'POST',
    path: `/api/${operation}`,
    headers: { 'x-photo-search-token': server.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(res.body) as unknown };
};
const get = (requestPath: string) => rawRequest(server.port, { path: requestPath, headers: { 'x-photo-search-token': server.token } });

function idOf(name: string): number {
  const row = service.store.photos.byPath(path.join(fs.realpathSync(photos), name));
  if (!row) throw new Error(`${name} was not indexed`);
  return row.id;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-served-'));
  photos = path.join(root, 'photos');
  await writeTinyModel(path.join(root, 'model'));
  await writeJpegScene(path.join(photos, 'red.jpg'), { colour: 'red', pattern: 'plain', width: 96, height: 64 });
  await writeJpegScene(path.join(photos, 'blue.jpg'), { colour: 'blue', pattern: 'circle', width: 96, height: 64 });
  await writeJpegScene(path.join(root, 'private', 'diary.jpg'), { colour: 'green', pattern: 'stripes', width: 96, height: 64 });
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir: path.join(root, 'model'), intraOpThreads: 1 });
  await service.index({ paths: [photos] });
  const renderer = path.join(root, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
  server = await startServer({ service, port: 0, rendererDir: renderer });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('photos of a real library', () => {
  it('serves a thumbnail made from the indexed file, to the token or the media key', async () => {
    const id = idOf('red.jpg');
    const res = await get(`/api/thumb/${id}?size=128`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const byKey = await rawRequest(server.port, { path: `/api/photo/${id}?key=${mediaKey(server.token)}` });
    expect(byKey.status).toBe(200);
    expect(Number(byKey.headers['content-length'])).toBe(fs.statSync(path.join(photos, 'red.jpg')).size);
  });

  it('refuses a photo replaced by a link to a private file after indexing, thumbnail and original alike', async () => {
    const id = idOf('blue.jpg');
    const file = path.join(photos, 'blue.jpg');
    const indexed = fs.statSync(file);
    const diary = path.join(root, 'private', 'diary.jpg');
    fs.utimesSync(diary, indexed.atime, indexed.mtime);
    fs.rmSync(file);
    fs.symlinkSync(diary, file);
    for (const requestPath of [`/api/thumb/${id}?size=256`, `/api/thumb/${id}?size=512`, `/api/photo/${id}`]) {
      const res = await get(requestPath);
      expect(res.status, requestPath).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });
});

describe('folders as people type them', () => {
  it('says in plain words that a mistyped folder does not exist, naming it', async () => {
    const typed = path.join(root, 'Photso');
    const res = await post('addFolders', { paths: [typed] });
    expect(res.status).toBe(404);
    const error = res.body as ApiErrorBody;
    expect(error).toMatchObject({ code: 'not-found', subject: typed });
    expect(error.message).toContain(`There is no folder at ${typed}`);
    expect(error.message).not.toMatch(/ENOENT|lstat|stat '|errno/);
  });

  it('says in plain words that a file is not a folder', async () => {
    const typed = path.join(photos, 'red.jpg');
    const res = await post('addFolders', { paths: [typed] });
    expect(res.status).toBe(400);
    expect((res.body as ApiErrorBody).message).toContain('is a file, not a folder');
  });

  it('adds a quoted path with spaces', async () => {
    const spaced = path.join(root, 'My Photos');
    fs.mkdirSync(spaced);
    const res = await post('addFolders', { paths: [`"${spaced}"`] });
    expect(res.status).toBe(200);
    expect((res.body as FolderStatus[]).map((f) => f.path)).toEqual([fs.realpathSync(spaced)]);
  });
});

describe('queries the client got wrong', () => {
  it('answers a search whose image term is not an image with 422, naming the file', async () => {
    const notAnImage = path.join(root, 'notes.jpg');
    fs.writeFileSync(notAnImage, 'shopping list: eggs, milk');
    const res = await post('search', { terms: [{ kind: 'file', path: notAnImage }] });
    expect(res.status).toBe(422);
    expect((res.body as ApiErrorBody).subject).toBe(notAnImage);
  });

  it('answers a search whose image term does not exist with a 4xx', async () => {
    const res = await post('search', { terms: [{ kind: 'file', path: path.join(root, 'nowhere.jpg') }] });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('answers terms nested 10,000 deep with 400', async () => {
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/search',
      headers: { 'x-photo-search-token': server.token, 'content-type': 'application/json' },
      body: `{"terms":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    });
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as ApiErrorBody).message).toMatch(/Invalid input for search/);
  });
});
