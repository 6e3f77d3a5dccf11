import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { loadModel } from '../../../src-main/core/models/clip-model.ts';
import { writeTinyModel } from '../../fixtures/tiny-model.ts';
import { tempDirs } from './temp-dirs.ts';

const temp = tempDirs();
let good: string;

beforeAll(async () => {
  good = path.join(await temp.make(), 'tiny-clip');
  await writeTinyModel(good);
});

afterAll(() => temp.cleanup());

/** A copy of the good model, broken by `damage`. */
async function broken(damage: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(await temp.make(), 'model');
  await cp(good, dir, { recursive: true });
  await damage(dir);
  return dir;
}

async function loadError(dir: string, variant?: 'quantized'): Promise<ModelError> {
  try {
    const model = await loadModel(dir, { intraOpThreads: 1, variant });
    await model.dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error(`${dir} loaded, but should have failed`);
}

const howToGetOne =
  /No model found at .*npm run model:tiny -- .*onnx\/vision_model\.onnx, onnx\/text_model\.onnx, tokenizer\.json, preprocessor_config\.json, config\.json/;

describe('loadModel on a directory that holds no model', () => {
  it.each([
    ['a directory that does not exist', async () => path.join(await temp.make(), 'nowhere')],
    ['an empty directory', () => temp.make()],
    ['a directory with the JSON files but no ONNX files', () => broken((d) => rm(path.join(d, 'onnx'), { recursive: true }))],
    [
      'a file instead of a directory',
      async () => {
        const file = path.join(await temp.make(), 'model.onnx');
        await writeFile(file, 'not a folder');
        return file;
      },
    ],
  ])('%s: model-missing, naming the directory and how to get a model', async (_case, makeDir) => {
    const dir = await makeDir();
    const err = await loadError(dir);
    expect(err.code).toBe('model-missing');
    expect(err.subject).toBe(path.resolve(dir));
    expect(err.message).toContain(path.resolve(dir));
    expect(err.message).toMatch(howToGetOne);
  });
});

describe('loadModel on a broken model directory', () => {
  it.each([
    [
      'the text graph is missing',
      (d: string) => rm(path.join(d, 'onnx', 'text_model.onnx')),
      /missing onnx\/text_model\.onnx.*Expected the Hugging Face ONNX layout/,
    ],
    ['tokenizer.json is missing', (d: string) => rm(path.join(d, 'tokenizer.json')), /missing tokenizer\.json/],
    [
      'the vision graph is not ONNX',
      (d: string) => writeFile(path.join(d, 'onnx', 'vision_model.onnx'), 'garbage, not protobuf'),
      /vision_model\.onnx is not a loadable ONNX model/,
    ],
    [
      'the text graph is truncated',
      async (d: string) => {
        const file = path.join(d, 'onnx', 'text_model.onnx');
        const bytes = await readFile(file);
        await writeFile(file, bytes.subarray(0, bytes.length / 2));
      },
      /text_model\.onnx is not a loadable ONNX model/,
    ],
    [
      'preprocessor_config.json is not JSON',
      (d: string) => writeFile(path.join(d, 'preprocessor_config.json'), '{ "size": '),
      /preprocessor_config\.json: is not valid JSON/,
    ],
    [
      'the preprocessor prepares another image size than the vision graph takes',
      async (d: string) => {
        const file = path.join(d, 'preprocessor_config.json');
        const cfg = JSON.parse(await readFile(file, 'utf8'));
        await writeFile(file, JSON.stringify({ ...cfg, size: { shortest_edge: 32 }, crop_size: { height: 32, width: 32 } }));
      },
      /takes 64x64 images but .*preprocessor_config\.json prepares 32x32/,
    ],
    [
      'the ONNX files sit in an unknown layout',
      async (d: string) => {
        await rm(path.join(d, 'onnx'), { recursive: true });
        await mkdir(path.join(d, 'onnx'));
        await writeFile(path.join(d, 'onnx', 'model.onnx'), 'x');
      },
      /missing onnx\/vision_model\.onnx, onnx\/text_model\.onnx.*ONNX files found: onnx\/model\.onnx/,
    ],
  ])('%s: model-invalid, naming the directory and the problem', async (_case, damage, message) => {
    const dir = await broken(damage);
    const err = await loadError(dir);
    expect(err.code).toBe('model-invalid');
    expect(err.subject).toBe(dir);
    expect(err.message).toMatch(message);
  });

  it.each([
    ['empty', (f: string) => writeFile(f, ''), /is empty \(0 bytes\).*Install the model again/],
    [
      'a Git LFS pointer',
      (f: string) => writeFile(f, 'version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 254000000\n'),
      /is a Git LFS pointer.*git lfs pull/,
    ],
    ['a web page', (f: string) => writeFile(f, '<!DOCTYPE html><html><body>Not found</body></html>'), /is a web page.*Install the model again/],
    ['a folder', async (f: string) => (await rm(f), mkdir(f)), /is a folder, not a file/],
    [
      'cut short',
      async (f: string) => writeFile(f, (await readFile(f)).subarray(0, 300)),
      /is cut short or damaged: it does not read as an ONNX model.*Install the model again/,
    ],
  ])('a text encoder that is %s is explained in plain words, with what to do', async (_case, damage, message) => {
    const dir = await broken((d) => damage(path.join(d, 'onnx', 'text_model.onnx')));
    const err = await loadError(dir);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(path.join(dir, 'onnx', 'text_model.onnx'));
    // No source locations or C++ signatures from onnxruntime.
    expect(err.message).not.toMatch(/\.cc:\d+|onnxruntime::/);
  });

  it('asking for a quantized variant that is not there says so', async () => {
    const err = await loadError(good, 'quantized');
    expect(err.code).toBe('model-invalid');
    expect(err.message).toMatch(/no quantized variant.*load the fp32 variant/);
  });
});
