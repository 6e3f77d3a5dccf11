/**
 * `npx tsx bench/int8-drift.ts [--photos N] [--queries N]`: the int8 section's drift
 * figures alone (cosine of int8 to fp32 embeddings, 7-bit and full-range weights), with no
 * timing and on a few photos, so that it can run under CPU emulation. To see the other
 * kind of int8 kernel than this machine's, run it natively once (it generates the models
 * and photos into .cache), then under QEMU's user-mode emulation of a CPU without VNNI:
 * `qemu-x86_64 -cpu Haswell "$(command -v node)" --import tsx bench/int8-drift.ts`.
 * Integer arithmetic is exact under emulation, so the cosines are those of a real CPU of
 * that kind; the speed is not, which is why nothing is timed.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { decodeForModel } from '../src-main/core/indexer/decode-for-model.ts';
import { loadModel } from '../src-main/core/models/clip-model.ts';
import { cpuFeatures, describeFlags } from '../src-main/core/models/cpu-features.ts';
import { int8Kernel } from '../src-main/core/models/int8-kernel.ts';
import type { ClipModel } from '../src-main/core/models/types.ts';
import { dot } from '../src-main/core/vectors/math.ts';
import { VIT_B_32 } from '../test/fixtures/clip-shaped-model.ts';
import { ensureLargePhotos } from './assets/large-photos.ts';
import { ensureClipShapedModel, ensureFullRangeInt8Model } from './assets/models.ts';
import { queryTexts } from './assets/query-texts.ts';
import { int8KernelLabel } from './machine.ts';
import { summarize } from './stats.ts';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '8' }, queries: { type: 'string', default: '10' } } });
const photoCount = Number(values.photos);
const queryCount = Number(values.queries);
if (!Number.isInteger(photoCount) || photoCount < 1 || !Number.isInteger(queryCount) || queryCount < 1) {
  console.error('usage: npx tsx bench/int8-drift.ts [--photos N] [--queries N] (whole numbers, at least 1)');
  process.exit(2);
}

const log = (line: string): void => console.error(line);
const threads = os.availableParallelism();
const dir = await ensureClipShapedModel(VIT_B_32, log);
const fullRangeDir = await ensureFullRangeInt8Model(VIT_B_32, log);
const photos = await ensureLargePhotos(photoCount, log);
const kernel = await int8Kernel();
const cpu = cpuFeatures();

const models: Record<'fp32' | 'int8' | 'fullRange', ClipModel> = {
  fp32: await loadModel(dir, { variant: 'fp32', intraOpThreads: threads }),
  int8: await loadModel(dir, { variant: 'quantized', intraOpThreads: threads }),
  fullRange: await loadModel(fullRangeDir, { variant: 'quantized', intraOpThreads: threads }),
};
try {
  const pixels = await Promise.all(photos.files.map(async (f) => (await decodeForModel(f, models.fp32.preprocess)).pixels));
  const texts = queryTexts(queryCount);
  const embed = async (model: ClipModel) => ({
    images: (await Promise.all(pixels.map((p) => model.encodeImages(p, 1)))).flat(),
    texts: await model.encodeTexts(texts),
  });
  const reference = await embed(models.fp32);
  const rows: string[] = [];
  for (const [label, model] of [
    ['int8, 7-bit weights', models.int8],
    ['int8, full-range weights', models.fullRange],
  ] as const) {
    const got = await embed(model);
    for (const tower of ['images', 'texts'] as const) {
      const s = summarize(reference[tower].map((v, i) => dot(v, got[tower][i])));
      rows.push(`| ${label}, ${tower} (${s.runs}) | ${s.median.toFixed(4)} | ${s.min.toFixed(4)} | ${s.max.toFixed(4)} |`);
    }
  }
  console.log(`CPU: ${cpu.model}${cpu.flags ? ` (${describeFlags(cpu.flags)})` : ''}`);
  console.log(`onnxruntime u8×s8 product: ${int8KernelLabel(kernel)}\n`);
  console.log(['| Cosine to fp32, ViT-B/32-shaped | Median | Min | Max |', '|---|---:|---:|---:|', ...rows].join('\n'));
} finally {
  await Promise.all(Object.values(models).map((m) => m.dispose()));
}
