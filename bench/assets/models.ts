import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compactTextEncoder, type EmbeddingTable } from './compact-text.ts';
import { linkModelWithText } from '../../test/fixtures/clip-shaped-model-variants.ts';
import { CLIP_SHAPED_GENERATOR_VERSION, writeClipShapedModel, type ClipShape } from '../../test/fixtures/clip-shaped-model.ts';
import { writeTinyModel } from '../../test/fixtures/tiny-model.ts';
import { buildOnce, cachePaths } from '../cache.ts';

const SEED = 1;

/**
 * The CLIP-shaped model, generated on first use or when the generator changes: fp32
 * and int8 variants for CLIP shapes, fp32 only for SigLIP shapes (their int8 is not
 * measured; their 1.1 GB text towers are costly to write twice).
 */
export async function ensureClipShapedModel(shape: ClipShape, log: (line: string) => void): Promise<string> {
  const dir = path.join(cachePaths.models, shape.name);
  const quantized = shape.family !== 'siglip';
  const { reused } = await buildOnce(dir, { generator: CLIP_SHAPED_GENERATOR_VERSION, seed: SEED, shape }, async (out) => {
    log(`generating ${shape.name} (fp32${quantized ? ' + int8' : ''}) in ${path.relative(process.cwd(), out)}`);
    await writeClipShapedModel(out, shape, { seed: SEED, quantized });
    return {};
  });
  if (reused) log(`using cached ${shape.name}`);
  return dir;
}

/**
 * The same model's int8 variant with weights over the full 8-bit range (±127), alone in
 * its folder: what onnxruntime's int8 kernel saturates on where the CPU has no VNNI.
 */
export async function ensureFullRangeInt8Model(shape: ClipShape, log: (line: string) => void): Promise<string> {
  const dir = path.join(cachePaths.models, `${shape.name}-int8-full-range`);
  const { reused } = await buildOnce(dir, { generator: CLIP_SHAPED_GENERATOR_VERSION, seed: SEED, shape, int8Weights: 'full-range' }, async (out) => {
    log(`generating ${shape.name} (int8, full-range weights) in ${path.relative(process.cwd(), out)}`);
    await writeClipShapedModel(out, shape, { seed: SEED, fp32: false, int8Weights: 'full-range' });
    return {};
  });
  if (reused) log(`using cached ${shape.name} (int8, full-range weights)`);
  return dir;
}

/**
 * The model at `dir` with its text encoder's token table stored as `table`
 * (bench/assets/compact-text.ts), in a folder of its own beside it; the other files are
 * hard links.
 */
export async function ensureCompactTextModel(shape: ClipShape, dir: string, table: EmbeddingTable, log: (line: string) => void): Promise<string> {
  const out = path.join(cachePaths.models, `${shape.name}-text-${table}`);
  await buildOnce(out, { generator: CLIP_SHAPED_GENERATOR_VERSION, seed: SEED, shape, table }, async (target) => {
    log(`writing ${shape.name} with a ${table} token table in ${path.relative(process.cwd(), target)}`);
    const text = path.join(dir, 'onnx', 'text_model.onnx');
    await linkModelWithText(dir, target, compactTextEncoder(await readFile(text), table, text));
    return {};
  });
  return out;
}

/** The tiny test model: cheap to run, for measurements where the model does no work. */
export async function ensureTinyModel(): Promise<string> {
  const dir = path.join(cachePaths.models, 'tiny');
  await buildOnce(dir, { model: 'tiny' }, async (out) => {
    await writeTinyModel(out);
    return {};
  });
  return dir;
}
