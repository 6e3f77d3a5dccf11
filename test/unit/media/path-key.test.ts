import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath, fsPath, keyFromBytes, keyToBytes, realKey } from '../../../src-main/core/media/path-key.ts';
import { removeDir, tempDir } from './helpers.ts';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('path keys', () => {
  it.each([
    ['plain ASCII', bytes('/photos/a.jpg')],
    ['accents and CJK', bytes('/photos/Été/写真.png')],
    ['emoji and other astral characters', bytes('/photos/🎉 party/𝄞.jpg')],
    ['a Latin-1 name', bytes('/photos/Et', [0xe9], '.jpg')],
    ['a lone continuation byte and a truncated sequence', bytes('/p/', [0x80], 'x', [0xe2, 0x82], '.jpg')],
    ['an overlong encoding of "/"', bytes('/p/', [0xc0, 0xaf], '.jpg')],
    ['an encoded surrogate', bytes('/p/', [0xed, 0xa0, 0x80], '.jpg')],
    ['a valid name using the escape characters themselves', bytes('/p/\uef80\uefff.jpg')],
    [
      'every byte from 0x80 to 0xff',
      bytes(
        '/p/',
        Array.from({ length: 128 }, (_, i) => 0x80 + i),
      ),
    ],
  ])('turns %s into a key and back to the same bytes', (_label, raw) => {
    const key = keyFromBytes(raw);
    expect(keyToBytes(key)).toEqual(raw);
    expect(Buffer.from(key, 'utf8').toString('utf8')).toBe(key);
  });

  it('gives different keys to different names, including names built from the escape characters', () => {
    const names = [bytes('Et', [0xe9]), bytes('Eté'), bytes('Et\uefe9'), bytes('Et', [0xc3]), bytes('Et', [0xc3, 0xa9])];
    expect(new Set(names.map(keyFromBytes)).size).toBe(names.length - 1);
    expect(keyFromBytes(bytes('Eté'))).toBe(keyFromBytes(bytes('Et', [0xc3, 0xa9])));
  });

  it('keeps a valid name as the string Node would give, and uses it as the file-system path', () => {
    const key = keyFromBytes(bytes('/photos/🎉 party/Été.jpg'));
    expect(key).toBe('/photos/🎉 party/Été.jpg');
    expect(fsPath(key)).toBe(key);
    expect(displayPath(key)).toBe(key);
  });

  it('shows bytes that are not UTF-8 as Windows-1252, the usual encoding of such names', () => {
    expect(displayPath(keyFromBytes(bytes('/photos/Caf', [0xe9], '/r', [0xf6], 'd ', [0x80], '.png')))).toBe('/photos/Café/röd €.png');
    expect(displayPath(keyFromBytes(bytes('/p/\uef80.jpg')))).toBe('/p/\uef80.jpg');
  });

  describe('on disk', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await tempDir('path-key');
    });
    afterAll(() => removeDir(dir));

    it('reaches a file with a Latin-1 name through its key, and resolves links to keys', async () => {
      const raw = bytes(dir, '/Et', [0xe9], '.jpg');
      fs.writeFileSync(raw, 'x');
      fs.symlinkSync(raw, path.join(dir, 'link.jpg'));
      const key = keyFromBytes(raw);
      expect(fs.readFileSync(fsPath(key), 'utf8')).toBe('x');
      expect(await realKey(path.join(dir, 'link.jpg'))).toBe(key);
    });
  });
});
