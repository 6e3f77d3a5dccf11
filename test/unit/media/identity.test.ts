import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../../src-main/core/errors.ts';
import { contentHash, contentIdentity, identityOfBytes, quickHash } from '../../../src-main/core/media/identity.ts';
import { removeDir, tempDir } from './helpers.ts';

async function hashOf(file: string): Promise<string> {
  return contentHash(file, (await fs.stat(file)).size);
}

function patterned(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

describe('contentHash', () => {
  let dir: string;
  const large = patterned(3 * 1024 * 1024);
  const small = patterned(10_000);

  beforeAll(async () => {
    dir = await tempDir('identity');
  });
  afterAll(() => removeDir(dir));

  it('gives the same hash for the same content at a new path (a moved or renamed photo)', async () => {
    for (const [name, bytes] of [
      ['large', large],
      ['small', small],
    ] as const) {
      await fs.writeFile(path.join(dir, `${name}.jpg`), bytes);
      await fs.mkdir(path.join(dir, 'moved'), { recursive: true });
      await fs.writeFile(path.join(dir, 'moved', `renamed ${name}.jpg`), bytes);
      expect(await hashOf(path.join(dir, 'moved', `renamed ${name}.jpg`))).toBe(await hashOf(path.join(dir, `${name}.jpg`)));
    }
  });

  it('changes when one byte at the end changes', async () => {
    for (const bytes of [large, small]) {
      const edited = Buffer.from(bytes);
      edited[edited.length - 1] ^= 0xff;
      await fs.writeFile(path.join(dir, 'a.jpg'), bytes);
      await fs.writeFile(path.join(dir, 'b.jpg'), edited);
      expect(await hashOf(path.join(dir, 'b.jpg'))).not.toBe(await hashOf(path.join(dir, 'a.jpg')));
    }
  });

  it('changes when one byte at the start changes or the file grows', async () => {
    const edited = Buffer.from(large);
    edited[0] ^= 0x01;
    await fs.writeFile(path.join(dir, 'a.jpg'), large);
    await fs.writeFile(path.join(dir, 'b.jpg'), edited);
    await fs.writeFile(path.join(dir, 'c.jpg'), Buffer.concat([large, Buffer.from([0])]));
    const hashes = new Set([await hashOf(path.join(dir, 'a.jpg')), await hashOf(path.join(dir, 'b.jpg')), await hashOf(path.join(dir, 'c.jpg'))]);
    expect(hashes.size).toBe(3);
  });

  it('tells apart files that share their size, first MiB and last 64 KiB (scans with equal margins)', async () => {
    const middle = Buffer.from(large);
    middle[large.length >> 1] ^= 0xff;
    await fs.writeFile(path.join(dir, 'a.tif'), large);
    await fs.writeFile(path.join(dir, 'b.tif'), middle);
    expect(await hashOf(path.join(dir, 'b.tif'))).not.toBe(await hashOf(path.join(dir, 'a.tif')));
    // The quick hash cannot: it only finds candidates, which the full hash confirms.
    expect(await quickHash(path.join(dir, 'b.tif'), middle.length)).toBe(await quickHash(path.join(dir, 'a.tif'), large.length));
  });

  it('gives the same identity for bytes in memory as for the file holding them', async () => {
    for (const bytes of [large, small, Buffer.alloc(0)]) {
      await fs.writeFile(path.join(dir, 'same.jpg'), bytes);
      expect(await identityOfBytes(bytes)).toEqual(await contentIdentity(path.join(dir, 'same.jpg'), bytes.length));
    }
  });

  it('refuses a file that grew past its recorded size: it is still being written', async () => {
    await fs.writeFile(path.join(dir, 'growing.jpg'), small);
    await expect(contentHash(path.join(dir, 'growing.jpg'), small.length - 10)).rejects.toMatchObject({
      code: 'file-unreadable',
      reason: expect.stringMatching(/changed while reading/),
    });
  });

  it('is a sha256 hex string', async () => {
    await fs.writeFile(path.join(dir, 'a.jpg'), small);
    expect(await hashOf(path.join(dir, 'a.jpg'))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails with a MediaError for a missing file or one shorter than its recorded size', async () => {
    await expect(contentHash(path.join(dir, 'missing.jpg'), 10)).rejects.toMatchObject({ name: 'MediaError', code: 'file-unreadable', reason: 'not found' });
    await fs.writeFile(path.join(dir, 'short.jpg'), small);
    const error = await contentHash(path.join(dir, 'short.jpg'), small.length + 500).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toContain('changed while reading');
  });

  it.runIf(existsSync('/proc/self/fd'))('leaves no file open, also when it fails', async () => {
    await fs.writeFile(path.join(dir, 'a.jpg'), large);
    const openFiles = async () => (await fs.readdir('/proc/self/fd')).length;
    const before = await openFiles();
    for (let i = 0; i < 20; i++) {
      await contentHash(path.join(dir, 'a.jpg'), large.length);
      await contentHash(path.join(dir, 'a.jpg'), large.length * 2).catch(() => undefined);
    }
    expect(await openFiles()).toBe(before);
  });
});
