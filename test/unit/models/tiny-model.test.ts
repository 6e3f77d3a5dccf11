import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_WORDS, writeTinyModel } from '../../fixtures/tiny-model.ts';
import { tempDirs } from './temp-dirs.ts';

const temp = tempDirs();
let dir: string;

beforeAll(async () => {
  dir = path.join(await temp.make(), 'tiny-clip');
  await writeTinyModel(dir, { quantizedVariant: true });
});

afterAll(() => temp.cleanup());

const readJson = async (name: string) => JSON.parse(await readFile(path.join(dir, name), 'utf8'));

describe('writeTinyModel', () => {
  it('writes the Hugging Face ONNX export layout', async () => {
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'onnx',
      'preprocessor_config.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect((await readdir(path.join(dir, 'onnx'))).sort()).toEqual([
      'text_model.onnx',
      'text_model_quantized.onnx',
      'vision_model.onnx',
      'vision_model_quantized.onnx',
    ]);
    expect(await readJson('config.json')).toMatchObject({
      model_type: 'clip',
      projection_dim: 16,
      text_config: { max_position_embeddings: 32 },
      vision_config: { image_size: 64 },
    });
  });

  it('writes a CLIP-style BPE tokenizer: lowercased, one token per keyword, start and end tokens around', async () => {
    const tokenizer = new Tokenizer(await readJson('tokenizer.json'), await readJson('tokenizer_config.json'));
    for (const word of Object.keys(TINY_WORDS)) {
      expect(tokenizer.tokenize(word.toUpperCase())).toEqual([`${word}</w>`]);
    }
    expect(tokenizer.encode('Red stripes').tokens).toEqual(['<|startoftext|>', 'red</w>', 'stripes</w>', '<|endoftext|>']);
    expect(tokenizer.decode(tokenizer.encode('a photo of a café').ids, { skip_special_tokens: true })).toBe('a photo of a café');
  });
});
