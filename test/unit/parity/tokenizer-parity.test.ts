/**
 * The app's tokenizer against ids worked out by hand from CLIP's definition, on a
 * hand-written CLIP-style tokenizer.json (test/fixtures/parity/clip-bpe-tokenizer.json):
 * NFC, whitespace runs to one space, lowercase; CLIP's split regex; GPT-2 byte
 * symbols; BPE with "</w>" on each word's last symbol, merges applied lowest rank
 * first; <|startoftext|> (54) ... <|endoftext|> (55) around every text.
 *
 * Vocabulary (56): single symbols ' a c d e f g h o p r s t « Ã ç ð Ĭ Į Ĳ Ł (0-20);
 * end-of-word symbols !,24adfgorst©«¬¶ + "</w>" (21-36); merge results (37-53):
 *   rank 0 re(37)  1 ca(38)  2 do(39)  3 red</w>(40)  4 car</w>(41)  5 cat</w>(42)
 *   6 dog</w>(43)  7 's</w>(44)  8 of</w>(45)  9 ðŁ(46)  10 ar</w>(47)  11 çĮ(48)
 *   12 st(49)  13 ph(50)  14 pho(51)  15 to</w>(52)  16 photo</w>(53)
 * Byte symbols: printable bytes stand for themselves (0xE7 ç, 0xAB «, 0xC3 Ã),
 * the others are numbered from U+0100 in byte order (0x8A Ĭ, 0x8C Į, 0x90 Ĳ, 0x9F Ł).
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnnxClipModel, loadModel } from '../../../src-main/core/models/clip-model.ts';
import { TextTokenizer } from '../../../src-main/core/models/tokenizer.ts';
import { TINY_CONTEXT_LENGTH, writeTinyModel } from '../../fixtures/tiny-model.ts';
import { tempDirs } from '../models/temp-dirs.ts';
import { tokenizerFixture } from './tokenizer-files.ts';

const START = 54;
const END = 55;

const files = tokenizerFixture('clip-bpe-tokenizer');
const TOKENIZER_JSON = files.tokenizer;

const CASES: Array<[string, string, number[]]> = [
  // red -> r e d</w> -> re d</w> -> red</w>; car -> c a r</w> -> ca r</w> -> car</w>. In "car" both
  // (c, a) and (a, r</w>) could merge; rank 1 beats rank 10, else it would end as c ar</w> (2, 47).
  ['casing', 'Red CAR', [START, 40, 41, END]],
  // The regex makes "," and "!" words of their own, so each carries "</w>".
  ['punctuation', 'dog, cat!', [START, 43, 22, 42, 21, END]],
  ['a contraction', "dog's", [START, 43, 44, END]],
  // Digits are split one by one; "dogs" shares a prefix with "dog" but only d o merges.
  ['digits and a partly merged word', '42 dogs', [START, 24, 23, 39, 6, 31, END]],
  // 🐶 is F0 9F 90 B6: ð Ł Ĳ ¶</w>, and only ð Ł merges.
  ['an emoji', 'dog 🐶', [START, 43, 46, 19, 36, END]],
  // 猫 E7 8C AB, 犬 E7 8A AC: one word of six bytes, so only the last byte ends the word;
  // then 猫 alone: ç Į «</w>.
  ['CJK characters (byte pieces)', '猫犬 猫', [START, 48, 13, 15, 17, 35, 48, 34, END]],
  // é is C3 A9: Ã ©</w>; É lowercases to é.
  ['an accented capital', 'CAFÉ', [START, 38, 5, 14, 33, END]],
  // e + U+0301 (combining acute) composes to é under NFC.
  ['a decomposed accent', 'cafe\u0301', [START, 38, 5, 14, 33, END]],
  ['extra whitespace', '  red \t\n car  ', [START, 40, 41, END]],
  ['an empty string', '', [START, END]],
  // p h o t o</w> -> ph o t o</w> -> pho t o</w> -> pho to</w> -> photo</w>.
  ['a whole prompt', 'a photo of a dog', [START, 25, 53, 45, 25, 43, END]],
];

describe('TextTokenizer on a hand-written CLIP BPE tokenizer.json', () => {
  let tokenizer: TextTokenizer;
  beforeAll(async () => {
    tokenizer = await TextTokenizer.load(files, 77);
  });

  it.each(CASES)('%s: %j', (_what, text, ids) => {
    expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('truncates a text longer than the context to 76 tokens and the end token', () => {
    const ids = tokenizer.encode('red car '.repeat(50));
    expect(ids).toHaveLength(77);
    expect(ids).toEqual([START, ...Array.from({ length: 75 }, (_, i) => (i % 2 === 0 ? 40 : 41)), END]);
  });

  it('truncates at a short context the same way', async () => {
    const short = await TextTokenizer.load(files, 8);
    expect(short.encode('a photo of a dog red car')).toEqual([START, 25, 53, 45, 25, 43, 40, END]);
  });

  it('pads a batch with the pad token (<|endoftext|>) and masks only the padding', () => {
    const batch = tokenizer.batch(['Red CAR', '', 'dog, cat!']);
    expect(batch.length).toBe(6);
    expect(batch.tokenCounts).toEqual([4, 2, 6]);
    expect([...batch.ids]).toEqual([START, 40, 41, END, END, END, START, END, END, END, END, END, START, 43, 22, 42, 21, END]);
    expect([...batch.attentionMask]).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });
});

describe('OnnxClipModel.tokenize with this tokenizer.json in a model directory', () => {
  const temp = tempDirs();
  let model: OnnxClipModel;

  beforeAll(async () => {
    const dir = path.join(await temp.make('photo-search-parity-'), 'model');
    await writeTinyModel(dir);
    await copyFile(TOKENIZER_JSON, path.join(dir, 'tokenizer.json'));
    model = (await loadModel(dir, { intraOpThreads: 1 })) as OnnxClipModel;
  });

  afterAll(async () => {
    await model?.dispose();
    await temp.cleanup();
  });

  it("gives the same ids, truncated at the model's own context length", () => {
    expect(model.contextLength).toBe(TINY_CONTEXT_LENGTH);
    const batch = model.tokenize(['猫犬 猫', 'dog 🐶 '.repeat(20)]);
    const length = TINY_CONTEXT_LENGTH;
    expect(batch.length).toBe(length);
    const row = (values: Int32Array, r: number) => [...values.subarray(r * length, (r + 1) * length)];
    const first = [START, 48, 13, 15, 17, 35, 48, 34, END];
    expect(row(batch.ids, 0)).toEqual([...first, ...Array(length - first.length).fill(END)]);
    expect(row(batch.attentionMask, 0)).toEqual([...Array(first.length).fill(1), ...Array(length - first.length).fill(0)]);
    const dogs = Array.from({ length: 20 }, () => [43, 46, 19, 36]).flat();
    expect(row(batch.ids, 1)).toEqual([START, ...dogs.slice(0, length - 2), END]);
    expect(row(batch.attentionMask, 1)).toEqual(Array(length).fill(1));
  });
});
