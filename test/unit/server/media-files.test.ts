/**
 * The photo and thumbnail routes serve a file only when it is, at the moment it is
 * opened, the regular file that was indexed (same size and time) and lies inside a
 * library folder once links are resolved. Rows: what an attacker who can write into
 * a library folder (or a user whose files changed) leaves at a photo's path.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromBytes } from '../../../src-main/core/media/path-key.ts';
import type { IndexedFile } from '../../../src-main/server/engine.ts';
import { startServer, type RunningServer } from '../../../src-main/server/server.ts';
import { fakeEngine, recorded } from './fake-engine.ts';
import { rawRequest } from './raw-request.ts';

const PHOTO = Buffer.from('a photo of the library');
const PRIVATE = Buffer.from('the victim private pic'); // same length as PHOTO
const BIG_BYTES = 32 * 1024 * 1024;

let root: string;
let library: string;
let server: RunningServer;
let engine: ReturnType<typeof fakeEngine>;
let auth: Record<string, string>;
const photos = new Map<number, IndexedFile>();

/** Indexes `name` as photo `id`: writes it, records it, then lets `after` change what is at its path. */
function photo(id: number, name: string, after?: (file: string, record: IndexedFile) => void, bytes: Buffer = PHOTO): void {
  const file = path.join(library, name);
  fs.writeFileSync(file, bytes);
  const record = recorded(file, [library]);
  photos.set(id, record);
  after?.(file, record);
}

/** Gives `file` the size-and-time identity `record` holds, as an attacker would to pass that check. */
function sameIdentity(file: string, record: IndexedFile): void {
  const t = record.mtimeMs / 1000;
  fs.utimesSync(file, t, t);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-media-'));
  library = path.join(root, 'library-folder');
  const outside = path.join(root, 'private');
  fs.mkdirSync(library);
  fs.mkdirSync(outside);
  fs.mkdirSync(path.join(root, 'renderer'));
  fs.writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'thumb.jpg'), 'thumbnail bytes');
  const secret = path.join(outside, 'secret.jpg');

  photo(1, 'plain.jpg');
  photo(2, 'swapped-for-link-outside.jpg', (file, record) => {
    fs.writeFileSync(secret, PRIVATE);
    sameIdentity(secret, record);
    fs.rmSync(file);
    fs.symlinkSync(secret, file);
  });
  photo(3, 'swapped-for-link-to-etc.jpg', (file) => {
    fs.rmSync(file);
    fs.symlinkSync('/etc/passwd', file);
  });
  photo(4, 'swapped-for-fifo.jpg', (file) => {
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
  });
  photo(5, 'swapped-for-folder.jpg', (file) => {
    fs.rmSync(file);
    fs.mkdirSync(file);
  });
  photo(6, 'edited-longer.jpg', (file) => fs.appendFileSync(file, 'more'));
  photo(7, 'edited-same-size.jpg', (file, record) => {
    fs.writeFileSync(file, PRIVATE);
    fs.utimesSync(file, (record.mtimeMs + 5000) / 1000, (record.mtimeMs + 5000) / 1000);
  });
  photo(8, 'deleted.jpg', (file) => fs.rmSync(file));
  photo(9, 'swapped-for-link-to-another-photo.jpg', (file) => {
    fs.rmSync(file);
    fs.symlinkSync(path.join(library, 'plain.jpg'), file);
  });
  // A folder outside reached through a link inside: the walk follows it, but its real path is not a library folder.
  fs.mkdirSync(path.join(outside, 'linked'));
  fs.symlinkSync(path.join(outside, 'linked'), path.join(library, 'linked'));
  photo(10, path.join('linked', 'through-link.jpg'));
  // A link that stays inside the library and was indexed as such is a photo like any other.
  fs.mkdirSync(path.join(library, 'real'));
  fs.writeFileSync(path.join(library, 'real', 'target.jpg'), PHOTO);
  fs.symlinkSync(path.join(library, 'real', 'target.jpg'), path.join(library, 'link-inside.jpg'));
  photos.set(11, recorded(path.join(library, 'link-inside.jpg'), [library]));
  photo(12, 'big.jpg', undefined, Buffer.alloc(BIG_BYTES, 7));
  // A name that is not UTF-8 (Latin-1, from an old camera card): the library stores it as a path key.
  const latin1 = Buffer.concat([Buffer.from(path.join(library, 'Et')), Buffer.of(0xe9), Buffer.from('.jpg')]);
  fs.writeFileSync(latin1, PHOTO);
  const latin1Stat = fs.statSync(latin1);
  photos.set(14, { path: keyFromBytes(latin1), size: latin1Stat.size, mtimeMs: latin1Stat.mtimeMs, folders: [library] });

  photo(13, 'swapped-while-its-thumbnail-is-made.jpg');
  // The race a check by name loses: the photo passes the checks, then a link replaces it before the decoder opens it.
  const swapDuringThumbnail = (id: number) => {
    if (id !== 13) return;
    const file = photos.get(13)!.path;
    fs.rmSync(file);
    fs.symlinkSync(secret, file);
  };
  engine = fakeEngine({ photos, thumbnail: path.join(root, 'thumb.jpg'), beforeThumbnail: swapDuringThumbnail });
  server = await startServer({ service: engine, port: 0, rendererDir: path.join(root, 'renderer') });
  auth = { 'x-photo-search-token': server.token };
});

afterAll(async () => {
  await server?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('GET /api/photo/<id>', () => {
  it('serves the indexed file, a link inside the library that was indexed as such, and a name that is not UTF-8', async () => {
    for (const id of [1, 11, 14]) {
      const res = await rawRequest(server.port, { path: `/api/photo/${id}`, headers: auth });
      expect(res.status, `photo ${id}`).toBe(200);
      expect(res.body).toBe(PHOTO.toString());
    }
  });

  it.each([
    [2, 'a link to a file outside every library folder, with the indexed size and time'],
    [3, 'a link to /etc/passwd'],
    [4, 'a FIFO (which would block a reader)'],
    [5, 'a folder'],
    [6, 'a longer file (edited since indexing)'],
    [7, 'a file of the same size with another time'],
    [8, 'nothing (deleted)'],
    [9, 'a link to another photo, with another identity'],
    [10, 'a photo whose real path is outside the library folders'],
  ])('answers 404 when photo %i is now %s', async (id) => {
    const res = await rawRequest(server.port, { path: `/api/photo/${id}`, headers: auth });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(PRIVATE.toString());
    expect(res.body).not.toContain('root:');
  });
});

describe('GET /api/thumb/<id>', () => {
  it('has the engine make the thumbnail from the very file that was checked', async () => {
    engine.thumbnailSources.length = 0;
    const res = await rawRequest(server.port, { path: '/api/thumb/1?size=256', headers: auth });
    expect(res.status).toBe(200);
    expect(engine.thumbnailSources).toHaveLength(1);
    // Whatever the name it is handed, reading it gives the checked file's bytes.
    expect(engine.thumbnailSources[0]).toEqual(PHOTO);
  });

  it('reads the file it checked even when a link replaces it in the meantime', async () => {
    engine.thumbnailSources.length = 0;
    const res = await rawRequest(server.port, { path: '/api/thumb/13?size=256', headers: auth });
    expect(res.status).toBe(200);
    expect(engine.thumbnailSources).toEqual([PHOTO]);
  });

  it.each([2, 3, 4, 5, 6, 7, 8, 9, 10])('answers 404 for photo %i without asking the engine for a thumbnail', async (id) => {
    engine.thumbnailSources.length = 0;
    const res = await rawRequest(server.port, { path: `/api/thumb/${id}?size=256`, headers: auth });
    expect(res.status).toBe(404);
    expect(engine.thumbnailSources).toEqual([]);
  });
});

/** File descriptors of this process that are open on `file`. */
function openHandlesOn(file: string): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) count++;
    } catch {
      // The descriptor closed while listing.
    }
  }
  return count;
}

describe('a download the client abandons', () => {
  it.skipIf(!fs.existsSync('/proc/self/fd'))('closes the photo file when the client goes away', async () => {
    const file = photos.get(12)!.path;
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /api/photo/12 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nx-photo-search-token: ${server.token}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.pause();
    expect(openHandlesOn(file)).toBe(1);
    socket.destroy();
    await expect.poll(() => openHandlesOn(file), { timeout: 5000 }).toBe(0);
  });
});
