import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src-main/core/errors.ts';
import { readClassFolder } from '../../../src-main/core/eval/class-folder.ts';
import { accuracy } from '../../../src-main/core/eval/evaluate.ts';
import { readCaptions, readDescriptions } from '../../../src-main/core/eval/tsv-files.ts';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-eval-inputs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function touch(...parts: string[]): string {
  const file = path.join(dir, ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x');
  return file;
}

describe('accuracy', () => {
  it.each([
    ['the true class strictly first', [[0.9, 0.1, 0.2]], [0], 1, 1],
    ['a tie with another class (a miss at top-1)', [[0.5, 0.5, 0.1]], [0], 0, 1],
    ['the true class third of six', [[0.1, 0.9, 0.8, 0, 0, 0]], [0], 0, 1],
    ['the true class sixth of six', [[0, 0.9, 0.8, 0.7, 0.6, 0.5]], [0], 0, 0],
    [
      'two photos, one right',
      [
        [1, 0],
        [1, 0],
      ],
      [0, 1],
      0.5,
      1,
    ],
  ])('counts %s', (_what, scores, labels, top1, top5) => {
    expect(accuracy(scores, labels)).toEqual({ top1, top5 });
  });
});

describe('the labelled folder', () => {
  it('takes each visible subfolder with photos as a class named as written, photos at any depth', async () => {
    const root = path.join(dir, 'labelled');
    touch('labelled', 'Golden Retriever', 'a.jpg');
    touch('labelled', 'Golden Retriever', 'more', 'b.png');
    touch('labelled', 'café', 'c.jpeg');
    touch('labelled', '.hidden', 'd.jpg');
    touch('labelled', 'empty', 'notes.txt');
    touch('labelled', 'loose.jpg');
    const folder = await readClassFolder(root);
    expect(folder.classes).toEqual(['café', 'Golden Retriever']);
    expect(folder.images.map((i) => [path.relative(root, i.path), i.label])).toEqual([
      [path.join('café', 'c.jpeg'), 0],
      [path.join('Golden Retriever', 'a.jpg'), 1],
      [path.join('Golden Retriever', 'more', 'b.png'), 1],
    ]);
  });

  it.each([
    ['one class', 'one', () => touch('one', 'only', 'a.jpg'), /only one class subfolder/],
    ['no folder', 'nowhere', () => undefined, /Cannot read/],
  ])('refuses a folder with %s', async (_what, name, make, message) => {
    make();
    await expect(readClassFolder(path.join(dir, name))).rejects.toThrow(message);
    await expect(readClassFolder(path.join(dir, name))).rejects.toBeInstanceOf(InputError);
  });
});

describe('descriptions and captions files', () => {
  it('reads class descriptions, skipping blank lines and comments', async () => {
    const file = path.join(dir, 'descriptions.tsv');
    fs.writeFileSync(file, '# class<TAB>description\n\ncat\ta small furry pet\ndog\ta loyal pet\r\ncat\ta cat asleep\n');
    expect(await readDescriptions(file, ['cat', 'dog', 'fox'])).toEqual([['a small furry pet', 'a cat asleep'], ['a loyal pet'], []]);
  });

  it.each([
    ['an unknown class', 'wolf\ta wild dog\n', /line 1: "wolf" is not one of the classes \(cat, dog\)/],
    ['a line without a tab', 'cat a pet\n', /line 1: expected two fields separated by a tab/],
    ['an empty description', 'cat\t \n', /line 1: expected two fields/],
  ])('names the line of %s', async (_what, text, message) => {
    const file = path.join(dir, 'bad.tsv');
    fs.writeFileSync(file, text);
    await expect(readDescriptions(file, ['cat', 'dog'])).rejects.toThrow(message);
  });

  it('finds captioned photos by their path under the folder, and names a caption of a photo it does not hold', async () => {
    const root = path.join(dir, 'captioned');
    const images = new Map([[path.join(root, 'cat', 'a.jpg'), 0]]);
    const file = path.join(dir, 'captions.tsv');
    fs.writeFileSync(file, 'cat/a.jpg\ta cat on a sofa\ncat/a.jpg\tgrey cat\n');
    expect(await readCaptions(file, root, images)).toEqual([
      { image: 0, caption: 'a cat on a sofa' },
      { image: 0, caption: 'grey cat' },
    ]);
    fs.writeFileSync(file, 'cat/a.jpg\ta cat\ndog/b.jpg\ta dog\n');
    await expect(readCaptions(file, root, images)).rejects.toThrow(/line 2: dog\/b\.jpg is not a photo/);
    fs.writeFileSync(file, '\n# nothing\n');
    await expect(readCaptions(file, root, images)).rejects.toThrow(/holds no caption/);
  });
});
