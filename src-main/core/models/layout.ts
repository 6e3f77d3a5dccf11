import fs from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../errors.ts';
import type { ModelVariant } from './types.ts';

/**
 * The two directory layouts models come in: the Hugging Face ONNX export
 * (transformers.js repos) and Immich's open_clip export (the catalog's default).
 */
export type ModelLayoutKind = 'hf-onnx' | 'immich';

export interface ModelFiles {
  dir: string;
  layout: ModelLayoutKind;
  variant: ModelVariant;
  vision: string;
  text: string;
  tokenizer: string;
  tokenizerConfig: string | undefined;
  /** preprocessor_config.json (hf-onnx) or visual/preprocess_cfg.json (immich). */
  preprocessor: string;
  config: string;
}

/** Each requirement is one file, or alternatives of which one must exist (a quantized encoder will do). */
const REQUIRED: Record<ModelLayoutKind, string[][]> = {
  'hf-onnx': [
    ['onnx/vision_model.onnx', 'onnx/vision_model_quantized.onnx'],
    ['onnx/text_model.onnx', 'onnx/text_model_quantized.onnx'],
    ['tokenizer.json'],
    ['preprocessor_config.json'],
    ['config.json'],
  ],
  immich: [['visual/model.onnx'], ['visual/preprocess_cfg.json'], ['textual/model.onnx'], ['textual/tokenizer.json'], ['config.json']],
};

const LAYOUT_NAMES: Record<ModelLayoutKind, string> = {
  'hf-onnx': 'Hugging Face ONNX export',
  immich: 'Immich export',
};

function isFileSync(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The files a layout needs, as a user would read them ("a or b" for alternatives). */
export function requiredFiles(layout: ModelLayoutKind): string[] {
  return REQUIRED[layout].map((alternatives) => alternatives.join(' or '));
}

export function missingFiles(dir: string, layout: ModelLayoutKind): string[] {
  return REQUIRED[layout]
    .filter((alternatives) => !alternatives.some((file) => isFileSync(path.join(dir, file))))
    .map((alternatives) => alternatives.join(' or '));
}

/**
 * Which export layout a model directory uses, judged by its encoder folders: onnx/ for the
 * Hugging Face exports, visual/ + textual/ for Immich's. Completeness is checked separately
 * (missingFiles) so the error can name what is absent.
 */
export function detectLayout(dir: string): ModelLayoutKind {
  if (isDir(path.join(dir, 'onnx'))) return 'hf-onnx';
  if (isDir(path.join(dir, 'visual')) || isDir(path.join(dir, 'textual'))) return 'immich';
  const expected = (Object.keys(REQUIRED) as ModelLayoutKind[]).map((layout) => `${LAYOUT_NAMES[layout]} (${requiredFiles(layout).join(', ')})`);
  throw new ModelError('model-invalid', dir, `${dir} is not a model directory in a known layout. Expected either ${expected.join(' or ')}.`);
}

export function layoutName(layout: ModelLayoutKind): string {
  return LAYOUT_NAMES[layout];
}

const HF_FILES = REQUIRED['hf-onnx'].map((alternatives) => alternatives[0]);
const IMMICH_FILES = REQUIRED.immich.map((alternatives) => alternatives[0]);

export function missingModelMessage(dir: string): string {
  return (
    `No model found at ${dir}. Create the test model with \`npm run model:tiny -- ${dir}\` or point --model at a directory ` +
    `in the Hugging Face ONNX layout (${HF_FILES.join(', ')})`
  );
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function onnxFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const sub of ['', 'onnx', 'visual', 'textual']) {
    try {
      const names = await readdir(path.join(dir, sub));
      for (const name of names) if (name.endsWith('.onnx')) found.push(path.posix.join(sub, name));
    } catch {
      // A sub-folder that does not exist simply holds no models.
    }
  }
  return found;
}

function invalid(dir: string, layout: ModelLayoutKind, missing: string[], onnx: string[]): ModelError {
  const expected =
    layout === 'immich'
      ? `the Immich layout (${IMMICH_FILES.join(', ')})`
      : `the Hugging Face ONNX layout (${HF_FILES.join(', ')}; quantized variants as onnx/*_quantized.onnx)`;
  const found = onnx.length > 0 ? ` ONNX files found: ${onnx.join(', ')}.` : '';
  return new ModelError('model-invalid', dir, `Model directory ${dir} is incomplete: missing ${missing.join(', ')}. Expected ${expected}.${found}`);
}

function hfVariantFiles(variant: ModelVariant): [string, string] {
  const suffix = variant === 'quantized' ? '_quantized' : '';
  return [`onnx/vision_model${suffix}.onnx`, `onnx/text_model${suffix}.onnx`];
}

/**
 * Finds the model files in `dir`. Without an explicit variant, fp32 is preferred
 * and a directory holding only the quantized files loads those.
 */
export async function detectModelLayout(dir: string, variant?: ModelVariant): Promise<ModelFiles> {
  const root = path.resolve(dir);
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new ModelError('model-missing', root, missingModelMessage(root));
  const onnx = await onnxFilesIn(root);
  if (onnx.length === 0) throw new ModelError('model-missing', root, missingModelMessage(root));

  const has = new Set<string>();
  for (const rel of new Set([...HF_FILES, ...IMMICH_FILES, 'tokenizer_config.json', 'textual/tokenizer_config.json'])) {
    if (await isFile(path.join(root, rel))) has.add(rel);
  }
  const abs = (rel: string): string => path.join(root, rel);

  const immich = onnx.some((f) => f.startsWith('visual/') || f.startsWith('textual/'));
  if (immich) {
    const missing = IMMICH_FILES.filter((f) => !has.has(f));
    if (missing.length > 0) throw invalid(root, 'immich', missing, onnx);
    if (variant === 'quantized') {
      throw new ModelError('model-invalid', root, `Model directory ${root} (Immich layout) has no quantized variant; load the fp32 variant instead.`);
    }
    return {
      dir: root,
      layout: 'immich',
      variant: 'fp32',
      vision: abs('visual/model.onnx'),
      text: abs('textual/model.onnx'),
      tokenizer: abs('textual/tokenizer.json'),
      tokenizerConfig: has.has('textual/tokenizer_config.json') ? abs('textual/tokenizer_config.json') : undefined,
      preprocessor: abs('visual/preprocess_cfg.json'),
      config: abs('config.json'),
    };
  }

  const complete = (v: ModelVariant): boolean => hfVariantFiles(v).every((f) => onnx.includes(f));
  const chosen: ModelVariant = variant ?? (complete('fp32') || !complete('quantized') ? 'fp32' : 'quantized');
  const [vision, text] = hfVariantFiles(chosen);
  const missing = [vision, text, 'tokenizer.json', 'preprocessor_config.json', 'config.json'].filter((f) => !onnx.includes(f) && !has.has(f));
  if (missing.length > 0) {
    if (chosen === 'quantized' && complete('fp32')) {
      throw new ModelError(
        'model-invalid',
        root,
        `Model directory ${root} has no quantized variant (missing ${missing.join(', ')}); load the fp32 variant instead.`,
      );
    }
    throw invalid(root, 'hf-onnx', missing, onnx);
  }
  return {
    dir: root,
    layout: 'hf-onnx',
    variant: chosen,
    vision: abs(vision),
    text: abs(text),
    tokenizer: abs('tokenizer.json'),
    tokenizerConfig: has.has('tokenizer_config.json') ? abs('tokenizer_config.json') : undefined,
    preprocessor: abs('preprocessor_config.json'),
    config: abs('config.json'),
  };
}
