import path from 'node:path';
import { CLIP_SHAPED_GENERATOR_VERSION, writeClipShapedModel, type ClipShape } from '../../test/fixtures/clip-shaped-model.ts';
import { writeTinyModel } from '../../test/fixtures/tiny-model.ts';
import { buildOnce, cachePaths } from '../cache.ts';

const SEED = 1;

/** The CLIP-shaped model (fp32 and int8 variants), generated on first use or when the generator changes. */
export async function ensureClipShapedModel(shape: ClipShape, log: (line: string) => void): Promise<string> {
  const dir = path.join(cachePaths.models, shape.name);
  const { reused } = await buildOnce(dir, { generator: CLIP_SHAPED_GENERATOR_VERSION, seed: SEED, shape }, async (out) => {
    log(`generating ${shape.name} (fp32 + int8) in ${path.relative(process.cwd(), out)}`);
    await writeClipShapedModel(out, shape, { seed: SEED, quantized: true });
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

/** The tiny test model: cheap to run, for measurements where the model does no work. */
export async function ensureTinyModel(): Promise<string> {
  const dir = path.join(cachePaths.models, 'tiny');
  await buildOnce(dir, { model: 'tiny' }, async (out) => {
    await writeTinyModel(out);
    return {};
  });
  return dir;
}
