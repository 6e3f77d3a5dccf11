/**
 * The app's tokenizer on a SentencePiece (Unigram) tokenizer.json, the kind SigLIP
 * and the multilingual models ship, with ids worked out by hand from the definition:
 * lowercase and collapse runs of spaces; Metaspace turns every word into "▁word";
 * each word is split into the pieces whose log-probabilities sum highest (Viterbi,
 * not greedy longest match); a character no piece covers becomes <unk> (2); "</s>" (1)
 * ends every text; padding uses <pad> (0).
 *
 * Vocabulary (test/fixtures/parity/sentencepiece-tokenizer.json), with scores:
 *   3 ▁ -2    4 ▁a -3    5 ▁dog -4   6 ▁do -6    7 g -7     8 s -5     9 ▁dogs -10
 *  10 ▁on -4  11 ▁the -3.5  12 ▁beach -4.5  13 ▁be -6  14 ach -6  15 ▁plage -5
 *  16 ▁at -4  17 ▁sunset -5  18 ▁sun -5.5  19 set -5.5  20-31 single letters -8
 */
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../../src-main/core/models/tokenizer.ts';
import { tokenizerFixture } from './tokenizer-files.ts';

const files = tokenizerFixture('sentencepiece-tokenizer');
const END = 1;
const PAD = 0;

describe('SentencePiece (Unigram) tokenizer.json', () => {
  it.each([
    ['a dog on the beach', [4, 5, 10, 11, 12, END], 'whole-word pieces'],
    ['Dogs', [5, 8, END], 'lowercased; ▁dog + s (-9) beats the single piece ▁dogs (-10)'],
    ['sunset', [17, END], '▁sunset (-5) beats ▁sun + set (-11)'],
    ['la plage', [3, 30, 23, 15, END], 'no ▁l or ▁la piece: ▁ + l + a'],
    ['a   dog', [4, 5, END], 'runs of spaces collapse to one'],
    ['猫', [3, 2, END], 'a character no piece covers is <unk>'],
    ['', [END], 'an empty text is just the end token'],
  ])('%j -> %j (%s)', async (text, ids) => {
    const tokenizer = await TextTokenizer.load(files, 16);
    expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('truncates a long text to the context length and keeps the end token', async () => {
    const tokenizer = await TextTokenizer.load(files, 8);
    expect(tokenizer.encode('a dog on the beach at sunset a dog')).toEqual([4, 5, 10, 11, 12, 16, 17, END]);
  });

  it('pads a batch with <pad> to a fixed length, as SigLIP text towers need, with the mask marking real tokens', async () => {
    const tokenizer = await TextTokenizer.load(files, 8);
    const batch = tokenizer.batch(['Dogs', 'a dog on the beach'], 8);
    expect(batch.length).toBe(8);
    expect([...batch.ids]).toEqual([5, 8, END, PAD, PAD, PAD, PAD, PAD, 4, 5, 10, 11, 12, END, PAD, PAD]);
    expect([...batch.attentionMask]).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0]);
  });
});
