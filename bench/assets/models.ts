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

/** The tiny test model: cheap to run, for measurements where the model does no work. */
export async function ensureTinyModel(): Promise<string> {
  const dir = path.join(cachePaths.models, 'tiny');
  await buildOnce(dir, { model: 'tiny' }, async (out) => {
    await writeTinyModel(out);
    return {};
  });
  return dir;
}
