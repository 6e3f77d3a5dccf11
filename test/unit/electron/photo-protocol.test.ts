import { describe, expect, it, vi } from 'vitest';
import { LibraryError } from '../../../src-main/core/errors.ts';
import { createPhotoHandler, parsePhotoUrl, type PhotoSource } from '../../../src-main/electron/photo-protocol.ts';
import { photoUrl, thumbnailUrl } from '../../../src-main/electron/photo-urls.ts';
import { EngineCallError } from '../../../src-main/electron/shell-errors.ts';

describe('parsePhotoUrl: accepted', () => {
  it.each([
    ['photo://thumb/1?size=256', { kind: 'thumb', id: 1, size: 256 }],
    ['photo://thumb/42', { kind: 'thumb', id: 42, size: 256 }],
    ['photo://thumb/9007199254740991?size=16', { kind: 'thumb', id: 9007199254740991, size: 16 }],
    ['photo://thumb/5?size=1024', { kind: 'thumb', id: 5, size: 1024 }],
    ['photo://full/7', { kind: 'full', id: 7 }],
    ['photo://full/7#fragment', { kind: 'full', id: 7 }],
  ])('%s', (url, request) => {
    expect(parsePhotoUrl(url)).toEqual({ ok: true, request });
  });

  it('parses what the preload builds', () => {
    expect(parsePhotoUrl(thumbnailUrl(12, 512))).toEqual({ ok: true, request: { kind: 'thumb', id: 12, size: 512 } });
    expect(parsePhotoUrl(photoUrl(12))).toEqual({ ok: true, request: { kind: 'full', id: 12 } });
  });
});

const hostile: [string, string, 400 | 404][] = [
  ['not a URL at all', 'not a url', 400],
  ['another scheme', 'file:///etc/passwd', 400],
  ['an http URL', 'http://thumb/1', 400],
  ['an unknown host', 'photo://raw/1', 404],
  ['an empty host', 'photo:///1', 404],
  ['a host that only starts like one', 'photo://thumbs/1', 404],
  ['a path as the host', 'photo://etc/passwd', 404],
  ['a non-numeric id', 'photo://thumb/abc', 400],
  ['an id with a suffix', 'photo://thumb/1.jpg', 400],
  ['a negative id', 'photo://thumb/-1', 400],
  ['a zero id', 'photo://thumb/0', 400],
  ['a zero-padded id', 'photo://thumb/007', 400],
  ['an id beyond safe integers', 'photo://thumb/99999999999999999', 400],
  ['an exponent id', 'photo://full/1e3', 400],
  ['a hex id', 'photo://full/0x10', 400],
  ['no id', 'photo://full/', 400],
  ['no path', 'photo://full', 400],
  ['a trailing slash', 'photo://full/1/', 400],
  ['a second segment', 'photo://full/1/2', 400],
  ['a plain traversal', 'photo://thumb/../../etc/passwd', 400],
  ['a traversal after the id', 'photo://full/1/../../etc/passwd', 400],
  ['a traversal that resolves to an id', 'photo://full/x/../1', 400],
  ['a dot segment', 'photo://full/./1', 400],
  ['an encoded traversal', 'photo://full/%2e%2e/%2e%2e/etc/passwd', 400],
  ['a mixed-case encoded traversal', 'photo://full/%2E./1', 400],
  ['an encoded slash', 'photo://full/..%2f..%2fetc%2fpasswd', 400],
  ['a double-encoded traversal', 'photo://full/%252e%252e/1', 400],
  ['an encoded id', 'photo://full/%31', 400],
  ['a backslash traversal', 'photo://full/..\\..\\windows\\win.ini', 400],
  ['a NUL byte', 'photo://full/1%00.jpg', 400],
  ['an absolute Windows path', 'photo://full/C:/Windows/win.ini', 400],
  ['credentials', 'photo://user:pw@full/1', 400],
  ['a port', 'photo://full:80/1', 400],
  ['a size that is not a number', 'photo://thumb/1?size=abc', 400],
  ['a size too small', 'photo://thumb/1?size=8', 400],
  ['a size too large', 'photo://thumb/1?size=99999', 400],
  ['a negative size', 'photo://thumb/1?size=-256', 400],
  ['a fractional size', 'photo://thumb/1?size=256.5', 400],
  ['an empty size', 'photo://thumb/1?size=', 400],
  ['two sizes', 'photo://thumb/1?size=256&size=512', 400],
  ['an unknown parameter', 'photo://thumb/1?size=256&path=/etc/passwd', 400],
  ['a parameter on a full photo', 'photo://full/1?size=256', 400],
  ['an encoded size', 'photo://thumb/1?size=2%356', 400],
];

describe('parsePhotoUrl: refused', () => {
  it.each(hostile)('%s: %s -> %i', (_name, url, status) => {
    const result = parsePhotoUrl(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.status).toBe(status);
  });
});

function source(overrides: Partial<PhotoSource> = {}) {
  const served: string[] = [];
  const log = vi.fn<(message: string) => void>();
  const base: PhotoSource = {
    thumbnailFile: async (id, size) => {
      if (id !== 1) throw new EngineCallError({ code: 'not-found', message: `Photo ${id} is not in the library.` });
      return `/lib/thumbnails/abc-${size}.webp`;
    },
    photoPath: async (id) => (id === 1 ? '/photos/a.jpg' : null),
    serveFile: async (file) => {
      served.push(file);
      return new Response('bytes', { status: 200, headers: { 'content-type': 'image/webp' } });
    },
    log,
  };
  return { handler: createPhotoHandler({ ...base, ...overrides }), served, log };
}

describe('photo:// handler', () => {
  it('serves the thumbnail the engine resolved for a known id', async () => {
    const { handler, served } = source();
    const res = await handler(new Request('photo://thumb/1?size=128'));
    expect(res.status).toBe(200);
    expect(served).toEqual(['/lib/thumbnails/abc-128.webp']);
  });

  it('serves the original of a known photo', async () => {
    const { handler, served } = source();
    expect((await handler(new Request('photo://full/1'))).status).toBe(200);
    expect(served).toEqual(['/photos/a.jpg']);
  });

  it.each(['photo://thumb/2?size=256', 'photo://full/2'])('answers 404 for an id the library does not know: %s', async (url) => {
    const { handler, served } = source();
    expect((await handler(new Request(url))).status).toBe(404);
    expect(served).toEqual([]);
  });

  it('answers 404 when the engine reports not-found as its own error type', async () => {
    const { handler } = source({
      thumbnailFile: async () => {
        throw new LibraryError('not-found', '1', 'gone');
      },
    });
    expect((await handler(new Request('photo://thumb/1'))).status).toBe(404);
  });

  // A Request resolves dot segments itself (as Chromium does before calling the
  // handler); the rows it would rewrite are covered by the parser's table above.
  const reachable = hostile.filter(([, url]) => url.startsWith('photo:') && URL.canParse(url) && new URL(url).href === url && !url.includes('@'));

  it.each(reachable)('refuses %s without asking the engine', async (_name, url, status) => {
    const thumbnailFile = vi.fn(async () => '/x');
    const photoPath = vi.fn(async () => '/x');
    const { handler, served, log } = source({ thumbnailFile, photoPath });
    expect((await handler(new Request(url))).status).toBe(status);
    expect(thumbnailFile).not.toHaveBeenCalled();
    expect(photoPath).not.toHaveBeenCalled();
    expect(served).toEqual([]);
    expect(log).toHaveBeenCalled();
  });

  it('refuses methods other than GET', async () => {
    const { handler } = source();
    expect((await handler(new Request('photo://full/1', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('answers 500 and logs when the file cannot be served', async () => {
    const { handler, log } = source({
      serveFile: async () => {
        throw new Error('EIO');
      },
    });
    expect((await handler(new Request('photo://full/1'))).status).toBe(500);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('EIO'));
  });
});
