import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryError } from '../../../src-main/core/errors.ts';
import { checkFolderOnline, type FoundFile, PHOTO_EXTENSIONS, walkPhotos, type WalkIssue } from '../../../src-main/core/media/walk.ts';
import { displayPath, fsPath } from '../../../src-main/core/media/path-key.ts';
import { writeJpegScene } from '../../fixtures/photos.ts';
import { canTestPermissions, type Corpus, makeCorpus, openToOthers, removeDir, runUnprivileged, tempDir } from './helpers.ts';

async function collect(root: string, opts: Parameters<typeof walkPhotos>[1] = {}): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for await (const file of walkPhotos(root, opts)) found.push(file);
  return found;
}

/** Depth-first order with each folder's names sorted by code unit. */
function walkOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

const tiny = { colour: 'green', pattern: 'plain', width: 32, height: 24 } as const;

describe('walkPhotos over the corpus', () => {
  let corpus: Corpus;
  let found: FoundFile[];
  let issues: WalkIssue[];
  const rel = (file: FoundFile) => path.relative(corpus.root, file.path).split(path.sep).join('/');

  beforeAll(async () => {
    corpus = await makeCorpus();
    issues = [];
    found = await collect(corpus.root, { onIssue: (issue) => issues.push(issue) });
  });
  afterAll(() => removeDir(corpus.base));

  it('yields every photo and broken image file, and nothing the walk must skip', () => {
    const expected = corpus.entries.filter((e) => e.kind !== 'skipped').map((e) => e.relPath);
    expect(found.map(rel).sort()).toEqual([...expected].sort());
  });

  it('walks in sorted depth-first order, the same on every run', async () => {
    const paths = found.map(rel);
    expect(paths).toEqual([...paths].sort(walkOrder));
    expect((await collect(corpus.root)).map(rel)).toEqual(paths);
  });

  it('finds unicode and space-containing names and upper-case extensions', () => {
    const paths = found.map(rel);
    expect(paths).toContain('Été à Paris/plage ensoleillée 01.jpg');
    expect(paths).toContain('写真.png');
    expect(found.find((f) => rel(f) === 'Family/IMG_0042.JPG')?.ext).toBe('jpg');
  });

  it('terminates on the symlink loop and yields a symlinked photo once, by its own path', () => {
    const paths = found.map(rel);
    expect(paths.some((p) => p.includes('loop'))).toBe(false);
    expect(paths).toContain('Family/red-plain.jpg');
    expect(paths).not.toContain('links/favourite.jpg');
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('reports a broken symlink as an issue instead of failing', () => {
    expect(issues).toEqual([{ path: corpus.abs('Trips/gone.jpg'), reason: 'broken symbolic link', kind: 'link' }]);
  });

  it('gives absolute paths with the size and mtime of the file', async () => {
    for (const file of found) {
      expect(path.isAbsolute(file.path)).toBe(true);
      const stats = await fs.stat(file.path);
      expect(file.size).toBe(stats.size);
      expect(file.mtimeMs).toBe(stats.mtimeMs);
      expect(file.ctimeMs).toBe(stats.ctimeMs);
      expect(PHOTO_EXTENSIONS.has(file.ext)).toBe(true);
    }
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const seen: FoundFile[] = [];
    await expect(async () => {
      for await (const file of walkPhotos(corpus.root, { signal: controller.signal })) {
        seen.push(file);
        controller.abort();
      }
    }).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });
});

describe('walkPhotos with symlinks to folders', () => {
  let base: string;
  beforeAll(async () => {
    base = await tempDir('walk-links');
    await writeJpegScene(path.join(base, 'elsewhere/outside.jpg'), tiny);
    await writeJpegScene(path.join(base, 'root/a/inside.jpg'), tiny);
    await fs.symlink('../elsewhere', path.join(base, 'root/b-linked'), 'dir');
    await fs.symlink('a', path.join(base, 'root/c-same-as-a'), 'dir');
    await fs.symlink('..', path.join(base, 'root/a/up'), 'dir');
  });
  afterAll(() => removeDir(base));

  it('follows a link to a folder outside the root, and enters each real folder once', async () => {
    const paths = (await collect(path.join(base, 'root'))).map((f) => path.relative(base, f.path));
    expect(paths).toEqual([path.join('root', 'a', 'inside.jpg'), path.join('root', 'b-linked', 'outside.jpg')]);
  });

  it('gives each file its real path too', async () => {
    const found = await collect(path.join(base, 'root'));
    expect(found.map((f) => path.relative(base, f.real))).toEqual([path.join('root', 'a', 'inside.jpg'), path.join('elsewhere', 'outside.jpg')]);
  });

  it('never enters an excluded folder, however it is reached', async () => {
    const found = await collect(path.join(base, 'root'), { exclude: [path.join(base, 'elsewhere')] });
    expect(found.map((f) => path.relative(base, f.path))).toEqual([path.join('root', 'a', 'inside.jpg')]);
    expect(await collect(path.join(base, 'root'), { exclude: [path.join(base, 'root')] })).toEqual([]);
  });
});

describe('walkPhotos over names that are not valid UTF-8', () => {
  let base: string;
  const raw = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  beforeAll(async () => {
    base = await tempDir('walk-bytes');
    await writeJpegScene(path.join(base, 'ok.jpg'), tiny);
    const bytes = await fs.readFile(path.join(base, 'ok.jpg'));
    await fs.writeFile(raw(base, '/Et', [0xe9], '.jpg'), bytes);
    await fs.mkdir(raw(base, '/Caf', [0xe9]));
    await fs.writeFile(raw(base, '/Caf', [0xe9], '/r', [0xf6], 'd.jpg'), bytes);
  });
  afterAll(() => removeDir(base));

  it('finds every file, under keys that lead back to it', async () => {
    const issues: WalkIssue[] = [];
    const found = await collect(base, { onIssue: (issue) => issues.push(issue) });
    expect(issues).toEqual([]);
    expect(found.map((f) => displayPath(path.relative(base, f.path))).sort()).toEqual([path.join('Café', 'röd.jpg'), 'Eté.jpg', 'ok.jpg']);
    for (const file of found) expect((await fs.stat(fsPath(file.path))).size).toBe(file.size);
  });
});

describe('walkPhotos on a root it cannot walk', () => {
  it('throws folder-offline for a missing root rather than yielding nothing', async () => {
    const base = await tempDir('walk-missing');
    try {
      const error = await collect(path.join(base, 'nope')).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(LibraryError);
      expect((error as LibraryError).code).toBe('folder-offline');
    } finally {
      await removeDir(base);
    }
  });
});

describe.runIf(canTestPermissions)('permission denied', () => {
  let base: string;
  beforeAll(async () => {
    base = await tempDir('walk-denied');
    await openToOthers(base);
    await writeJpegScene(path.join(base, 'root/open/ok.jpg'), tiny);
    await writeJpegScene(path.join(base, 'root/secret/hidden.jpg'), tiny);
    await writeJpegScene(path.join(base, 'root/zz.jpg'), tiny);
    await fs.chmod(path.join(base, 'root/secret'), 0o000);
    await writeJpegScene(path.join(base, 'locked/photo.jpg'), tiny);
    await fs.chmod(path.join(base, 'locked'), 0o000);
  });
  afterAll(async () => {
    await fs.chmod(path.join(base, 'root/secret'), 0o755);
    await fs.chmod(path.join(base, 'locked'), 0o755);
    await removeDir(base);
  });

  it('reports an unreadable subfolder through onIssue and walks the rest', async () => {
    const result = await runUnprivileged<{ files: string[]; issues: WalkIssue[] }>('walk', path.join(base, 'root'));
    expect(result.files).toEqual([path.join(base, 'root/open/ok.jpg'), path.join(base, 'root/zz.jpg')]);
    expect(result.issues).toEqual([{ path: path.join(base, 'root/secret'), reason: 'permission denied', kind: 'folder' }]);
  });

  it('says an unreadable folder is offline', async () => {
    expect(await runUnprivileged('online', path.join(base, 'locked'))).toEqual({ online: false, reason: 'permission denied' });
  });
});

describe('checkFolderOnline', () => {
  let base: string;
  beforeAll(async () => {
    base = await tempDir('online');
    await fs.mkdir(path.join(base, 'empty'));
    await fs.writeFile(path.join(base, 'a-file'), 'x');
    await writeJpegScene(path.join(base, 'photos/one.jpg'), tiny);
  });
  afterAll(() => removeDir(base));

  it.each([
    ['a missing folder', 'missing', 'folder not found'],
    ['an empty folder (an unmounted mount point)', 'empty', 'folder is empty'],
    ['a file instead of a folder', 'a-file', 'not a folder'],
  ])('says %s is offline', async (_label, name, reason) => {
    const state = await checkFolderOnline(path.join(base, name));
    expect(state.online).toBe(false);
    expect(state.online === false && state.reason).toContain(reason);
  });

  it('says a folder with files is online', async () => {
    expect(await checkFolderOnline(path.join(base, 'photos'))).toEqual({ online: true });
  });
});
