import os from 'node:os';
import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import { int8Kernel } from '../../src-main/core/models/int8-kernel.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { dot } from '../../src-main/core/vectors/math.ts';
import { VIT_B_32 } from '../../test/fixtures/clip-shaped-model.ts';
import { ensureLargePhotos } from '../assets/large-photos.ts';
import { ensureFullRangeInt8Model } from '../assets/models.ts';
import { queryTexts } from '../assets/query-texts.ts';
import type { BenchContext } from '../context.ts';
import { int8KernelLabel } from '../machine.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';
import { mapPool } from '../pool.ts';
import { percentile } from '../stats.ts';
import { batchTensor, modelAlone } from '../throughput/model-alone.ts';
import { pipelineRun } from '../throughput/pipeline.ts';

const BATCH = 8;
const MODEL_PHOTOS = 64;
const GALLERY = 96;
const QUERIES = 30;
const TOP = 10;

async function embedAll(model: ClipModel, pixels: readonly Float32Array[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < pixels.length; start += BATCH) {
    const batch = pixels.slice(start, start + BATCH);
    out.push(...(await model.encodeImages(batchTensor(batch, batch.length), batch.length)));
  }
  return out;
}

function topIds(query: Float32Array, gallery: readonly Float32Array[]): number[] {
  return gallery
    .map((v, id) => ({ id, score: dot(query, v) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, TOP)
    .map((h) => h.id);
}

const cosines = (a: readonly Float32Array[], b: readonly Float32Array[]): number[] => a.map((v, i) => dot(v, b[i]));

function meanPairwiseCosine(vectors: readonly Float32Array[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      sum += dot(vectors[i], vectors[j]);
      pairs++;
    }
  }
  return pairs ? sum / pairs : 1;
}

/**
 * The int8 variant the generator writes (7-bit weights) against fp32 for speed and
 * drift, and the same model with full-range 8-bit weights for drift and speed: on a CPU
 * whose int8 kernel saturates (x86 without VNNI) only the full range drifts, so the
 * figures depend on the kernel, which the section names.
 */
export async function int8Section(ctx: BenchContext): Promise<SectionResult> {
  const kernel = await int8Kernel();
  const rec = new SectionRecorder('int8', `int8 (dynamically quantized weight matrices) vs fp32, ViT-B/32-shaped, on a CPU whose int8 kernel is ${kernel}`);
  const { opts, log } = ctx;
  const dir = await ctx.modelDir(VIT_B_32);
  const fullRangeDir = await ensureFullRangeInt8Model(VIT_B_32, log);
  const photos = await ensureLargePhotos(opts.photos, log);
  const fp32 = await loadModel(dir, { variant: 'fp32' });
  const int8 = await loadModel(dir, { variant: 'quantized' });
  const fullRange = await loadModel(fullRangeDir, { variant: 'quantized' });
  try {
    const files = photos.files.slice(0, Math.min(GALLERY, photos.files.length));
    const pixels = await mapPool(files, os.availableParallelism(), async (f) => (await decodeForModel(f, fp32.preprocess)).pixels);
    const rates = { fp32: [] as number[], int8: [] as number[], speedup: [] as number[], fullRange: [] as number[], pipeline: [] as number[] };
    for (let run = 0; run < opts.runs; run++) {
      const a = await modelAlone(fp32, pixels, BATCH, MODEL_PHOTOS);
      const b = await modelAlone(int8, pixels, BATCH, MODEL_PHOTOS);
      const c = await modelAlone(fullRange, pixels, BATCH, MODEL_PHOTOS);
      rates.fp32.push(a);
      rates.int8.push(b);
      rates.speedup.push(b / a);
      rates.fullRange.push(c);
      rates.pipeline.push(await pipelineRun(photos.dir, photos.files.length, int8));
      log(
        `  run ${run + 1}: model alone fp32 ${a.toFixed(1)}/s, int8 ${b.toFixed(1)}/s, full-range int8 ${c.toFixed(1)}/s; int8 pipeline ${rates.pipeline.at(-1)?.toFixed(1)}/s`,
      );
    }
    rec.add('fp32-model', `fp32 model alone, batch ${BATCH}`, 'photos/s', rates.fp32);
    rec.add('int8-model', `int8 model alone, batch ${BATCH}`, 'photos/s', rates.int8);
    rec.add('speedup', 'int8 / fp32 model alone', 'ratio', rates.speedup);
    rec.add('full-range-model', `int8 with full-range weights, model alone, batch ${BATCH}`, 'photos/s', rates.fullRange);
    rec.add('int8-pipeline', 'App pipeline with the int8 model', 'photos/s', rates.pipeline);

    const imagesFp32 = await embedAll(fp32, pixels);
    const imagesInt8 = await embedAll(int8, pixels);
    rec.add('image-cosine', `Image embedding cosine, int8 to fp32 (over ${files.length} photos)`, 'cosine', cosines(imagesFp32, imagesInt8));
    rec.add(
      'full-range-image-cosine',
      `Image embedding cosine, full-range int8 to fp32 (over ${files.length} photos)`,
      'cosine',
      cosines(imagesFp32, await embedAll(fullRange, pixels)),
    );
    const texts = queryTexts(QUERIES);
    const textsFp32 = await fp32.encodeTexts(texts);
    const textsInt8 = await int8.encodeTexts(texts);
    rec.add('text-cosine', `Text embedding cosine, int8 to fp32 (over ${texts.length} queries)`, 'cosine', cosines(textsFp32, textsInt8));
    rec.add(
      'full-range-text-cosine',
      `Text embedding cosine, full-range int8 to fp32 (over ${texts.length} queries)`,
      'cosine',
      cosines(textsFp32, await fullRange.encodeTexts(texts)),
    );
    const overlaps = texts.map((_, q) => {
      const before = new Set(topIds(textsFp32[q], imagesFp32));
      return topIds(textsInt8[q], imagesInt8).filter((id) => before.has(id)).length / TOP;
    });
    rec.add('top10-overlap', `Top-${TOP} overlap, int8 vs fp32 (text query over ${files.length} photos)`, 'share', overlaps);
    const unchanged = overlaps.filter((o) => o === 1).length;

    const encode = async (model: ClipModel): Promise<number> => {
      const times: number[] = [];
      for (const t of queryTexts(QUERIES, 23)) {
        const started = performance.now();
        await model.encodeTexts([t]);
        times.push(performance.now() - started);
      }
      return percentile(times, 50);
    };
    const encodeMs = { fp32: [] as number[], int8: [] as number[] };
    for (let run = 0; run < opts.runs; run++) {
      encodeMs.fp32.push(await encode(fp32));
      encodeMs.int8.push(await encode(int8));
    }
    rec.add('fp32-text-ms', 'fp32 text encoding, p50', 'ms', encodeMs.fp32);
    rec.add('int8-text-ms', 'int8 text encoding, p50', 'ms', encodeMs.int8);
    rec.note(`int8 kernel on this CPU: onnxruntime's u8×s8 product is ${int8KernelLabel(kernel)}.`);
    rec.note(
      `Top-${TOP} unchanged for ${unchanged} of ${texts.length} queries. The generated weights are random, so the photos' fp32 embeddings are ` +
        `close together (mean pairwise cosine ${meanPairwiseCosine(imagesFp32).toFixed(3)}) and small errors reorder them more easily than trained CLIP's would; ` +
        'the cosines to fp32 are the transferable figure.',
    );
    rec.note(
      "int8 variant: per-tensor symmetric 7-bit weights (±64, onnxruntime's reduce_range), activations quantized per call (DynamicQuantizeLinear + " +
        'MatMulInteger, fused by onnxruntime into DynamicQuantizeMatMul); "full-range" is the same model with ±127 weights, as quantizers write without reduce_range.',
    );
  } finally {
    await Promise.all([fp32.dispose(), int8.dispose(), fullRange.dispose()]);
  }
  return rec.result;
}
