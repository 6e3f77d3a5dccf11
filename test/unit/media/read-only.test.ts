import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToRaw, openImage } from '../../../src-main/core/media/decode.ts';
import { contentHash } from '../../../src-main/core/media/identity.ts';
import { makeThumbnail } from '../../../src-main/core/media/thumbnail.ts';
import { checkFolderOnline, walkPhotos } from '../../../src-main/core/media/walk.ts';
import { snapshotTree } from '../../fixtures/photos.ts';
import { type Corpus, makeCorpus, removeDir, tempDir } from './helpers.ts';

describe('the photo folder is read only for the media layer', () => {
  let corpus: Corpus;
  let cache: string;
  beforeAll(async () => {
    corpus = await makeCorpus();
    cache = await tempDir('read-only-cache');
  });
  afterAll(async () => {
    await removeDir(corpus.base);
    await removeDir(cache);
  });

  it('leaves every file, folder and link exactly as it was after walking, hashing, decoding and thumbnailing all of it', async () => {
    const before = await snapshotTree(corpus.root);
    expect(before.size).toBeGreaterThan(corpus.entries.length);
    expect(await checkFolderOnline(corpus.root)).toEqual({ online: true });
    let processed = 0;
    for await (const file of walkPhotos(corpus.root)) {
      const hash = await contentHash(file.path, file.size);
      await openImage(file.path)
        .then((opened) => decodeToRaw(opened, (image) => image.resize(64, 64)))
        .catch(() => undefined);
      await makeThumbnail(file.path, cache, hash.slice(0, 16), 96).catch(() => undefined);
      processed++;
    }
    expect(processed).toBe(corpus.entries.filter((e) => e.kind !== 'skipped').length);
    expect(await snapshotTree(corpus.root)).toEqual(before);
  });

  it('would notice a change: snapshotTree sees a re-stamped file, a new file and a retargeted link', async () => {
    const dir = await tempDir('snapshot');
    try {
      await fs.writeFile(path.join(dir, 'a.jpg'), 'a');
      await fs.symlink('a.jpg', path.join(dir, 'link.jpg'));
      const before = await snapshotTree(dir);
      await fs.utimes(path.join(dir, 'a.jpg'), new Date(2001, 0, 1), new Date(2001, 0, 1));
      const restamped = await snapshotTree(dir);
      expect(restamped).not.toEqual(before);
      await fs.writeFile(path.join(dir, 'new.tmp'), '');
      await fs.rm(path.join(dir, 'new.tmp'));
      expect(await snapshotTree(dir)).not.toEqual(restamped);
      const settled = await snapshotTree(dir);
      await fs.rm(path.join(dir, 'link.jpg'));
      await fs.symlink('b.jpg', path.join(dir, 'link.jpg'));
      expect((await snapshotTree(dir)).get('link.jpg')).not.toBe(settled.get('link.jpg'));
    } finally {
      await removeDir(dir);
    }
  });
});
