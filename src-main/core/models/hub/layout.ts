import fs from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../errors.ts';

export type ModelLayout = 'hf-onnx' | 'immich';

/** Each requirement is one file, or alternatives of which one must exist (a quantized encoder will do). */
const REQUIRED: Record<ModelLayout, string[][]> = {
  'hf-onnx': [
    ['config.json'],
    ['preprocessor_config.json'],
    ['tokenizer.json'],
    ['onnx/vision_model.onnx', 'onnx/vision_model_quantized.onnx'],
    ['onnx/text_model.onnx', 'onnx/text_model_quantized.onnx'],
  ],
  immich: [['config.json'], ['visual/model.onnx'], ['visual/preprocess_cfg.json'], ['textual/model.onnx'], ['textual/tokenizer.json']],
};

const LAYOUT_NAMES: Record<ModelLayout, string> = {
  'hf-onnx': 'Hugging Face ONNX export',
  immich: 'Immich export',
};

function isFile(p: string): boolean {
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
export function requiredFiles(layout: ModelLayout): string[] {
  return REQUIRED[layout].map((alternatives) => alternatives.join(' or '));
}

export function missingFiles(dir: string, layout: ModelLayout): string[] {
  return REQUIRED[layout]
    .filter((alternatives) => !alternatives.some((file) => isFile(path.join(dir, file))))
    .map((alternatives) => alternatives.join(' or '));
}

/**
 * Which export layout a model directory uses, judged by its encoder folders: onnx/ for the
 * Hugging Face exports, visual/ + textual/ for Immich's. Completeness is checked separately
 * (missingFiles) so the error can name what is absent.
 */
export function detectLayout(dir: string): ModelLayout {
  if (isDir(path.join(dir, 'onnx'))) return 'hf-onnx';
  if (isDir(path.join(dir, 'visual')) || isDir(path.join(dir, 'textual'))) return 'immich';
  const expected = (Object.keys(REQUIRED) as ModelLayout[]).map((layout) => `${LAYOUT_NAMES[layout]} (${requiredFiles(layout).join(', ')})`);
  throw new ModelError('model-invalid', dir, `${dir} is not a model directory in a known layout. Expected either ${expected.join(' or ')}.`);
}

export function layoutName(layout: ModelLayout): string {
  return LAYOUT_NAMES[layout];
}
