import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import type { EmbeddingTable } from '../assets/compact-text.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { dot } from '../../src-main/core/vectors/math.ts';
import { SIGLIP2_B16, SIGLIP2_B32_256, VIT_B_32, type ClipShape } from '../../test/fixtures/clip-shaped-model.ts';
import { ensureLargePhotos } from '../assets/large-photos.ts';
import { ensureCompactTextModel } from '../assets/models.ts';
import { queryTexts } from '../assets/query-texts.ts';
import { REPO_ROOT } from '../cache.ts';
import type { TextAlone } from '../cold-start-child.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';
import { mapPool } from '../pool.ts';
import { percentile } from '../stats.ts';
import { modelAlone } from '../throughput/model-alone.ts';
import { pipelineRun } from '../throughput/pipeline.ts';

const run = promisify(execFile);
const CHILD = path.join(REPO_ROOT, 'bench', 'cold-start-child.ts');
const BATCH = 8;
const MODEL_PHOTOS = 32;
const SAMPLE_PHOTOS = 8;
const QUERIES = 30;
const TABLES: EmbeddingTable[] = ['float16', 'int8'];

/** The models compared, with Immich's Crossmodal-3600 text-to-image recall (mean) for the real weights of each shape. */
const MODELS: Array<{ shape: ClipShape; label: string; recall: number }> = [
  { shape: VIT_B_32, label: 'CLIP ViT-B/32 (LAION-2B)', recall: 68.78 },
  { shape: SIGLIP2_B32_256, label: 'SigLIP 2 ViT-B/32-256', recall: 73.15 },
  { shape: SIGLIP2_B16, label: 'SigLIP 2 ViT-B/16', recall: 75.2 },
];

async function textAlone(dir: string, query: string): Promise<TextAlone> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, 'text', dir, query], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as TextAlone;
}

async function encodeP50(model: ClipModel, texts: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (const t of texts) {
    const started = performance.now();
    await model.encodeTexts([t]);
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
}

const megabytes = (file: string): number => statSync(file).size / 1e6;

/**
 * SigLIP 2 next to the default's shape: indexing throughput (model alone and the app's
 * pipeline), text encoding, what a search-only session's text encoder costs in memory,
 * and the same with the token table stored in float16 or int8, with how far that moves
 * the text embeddings.
 */
export async function modelsSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('models', 'Models: SigLIP 2 shapes against CLIP ViT-B/32, fp32, and compact token tables');
  const { opts, log } = ctx;
  const photos = await ensureLargePhotos(opts.photos, log);
  const texts = queryTexts(QUERIES * opts.runs + QUERIES, 71);
  const drift = texts.slice(0, QUERIES);
  for (const { shape, label, recall } of MODELS) {
    const dir = await ctx.modelDir(shape);
    const key = shape.name.replace(/-shaped$/, '');
    const rates = { model: [] as number[], pipeline: [] as number[], text: [] as number[] };
    const model = await loadModel(dir);
    try {
      const samples = await mapPool(
        photos.files.slice(0, SAMPLE_PHOTOS),
        os.availableParallelism(),
        async (f) => (await decodeForModel(f, model.preprocess)).pixels,
      );
      for (let r = 0; r < opts.runs; r++) {
        rates.model.push(await modelAlone(model, samples, BATCH, MODEL_PHOTOS));
        rates.pipeline.push(await pipelineRun(photos.dir, photos.files.length, model));
        rates.text.push(await encodeP50(model, texts.slice(QUERIES * (r + 1), QUERIES * (r + 2))));
        log(
          `  ${label} run ${r + 1}: model ${rates.model.at(-1)!.toFixed(1)}/s, pipeline ${rates.pipeline.at(-1)!.toFixed(1)}/s, text p50 ${rates.text.at(-1)!.toFixed(1)} ms`,
        );
      }
      rec.add(`${key}.model`, `${label}: model alone, batch ${BATCH}`, 'photos/s', rates.model);
      rec.add(`${key}.pipeline`, `${label}: app pipeline (thumbnails and hashes included)`, 'photos/s', rates.pipeline);
      rec.add(`${key}.text-ms`, `${label}: text encoding p50 (fp32)`, 'ms', rates.text);
      rec.add(`${key}.files`, `${label}: image + text encoder files (fp32)`, 'MB', [
        megabytes(path.join(dir, 'onnx', 'vision_model.onnx')) + megabytes(path.join(dir, 'onnx', 'text_model.onnx')),
      ]);
      const tables: Array<{ table: EmbeddingTable | 'float32'; dir: string }> = [{ table: 'float32', dir }];
      if (shape.family === 'siglip') for (const table of TABLES) tables.push({ table, dir: await ensureCompactTextModel(shape, dir, table, log) });
      const reference = await model.encodeTexts(drift);
      for (const variant of tables) {
        const sessions: TextAlone[] = [];
        for (let r = 0; r < opts.runs; r++) sessions.push(await textAlone(variant.dir, texts[r]));
        const file = megabytes(path.join(variant.dir, 'onnx', 'text_model.onnx'));
        rec.add(`${key}.${variant.table}.text-file`, `${label}, ${variant.table} token table: text encoder file`, 'MB', [file]);
        rec.add(
          `${key}.${variant.table}.text-rss`,
          `${label}, ${variant.table} token table: resident memory of a text-only process`,
          'MB',
          sessions.map((s) => s.rssMB),
        );
        rec.add(
          `${key}.${variant.table}.text-load`,
          `${label}, ${variant.table} token table: text encoder load + one encode`,
          'ms',
          sessions.map((s) => s.unavoidableMs),
        );
        if (variant.table === 'float32') continue;
        const compact = await loadModel(variant.dir, { vision: 'lazy' });
        try {
          const moved = await compact.encodeTexts(drift);
          rec.add(
            `${key}.${variant.table}.cosine`,
            `${label}, ${variant.table} token table: text embedding cosine to fp32 (over ${drift.length} queries)`,
            'cosine',
            moved.map((v, i) => dot(v, reference[i])),
          );
        } finally {
          await compact.dispose();
        }
      }
      rec.note(
        `${label}: Crossmodal-3600 recall ${recall} (Immich's evaluation of the real weights); ${(recall / (1 / percentile(rates.pipeline, 50))).toFixed(0)} recall x photos/s here.`,
      );
    } finally {
      await model.dispose();
    }
  }
  rec.note(
    'Generated models with the real layer sizes and seeded random weights (test/fixtures/clip-shaped-model.ts): SigLIP 2 B/16 at 224 px (196 patches) and ' +
      'B/32 at 256 px (64 patches), both with the 256,000-token Gemma text tower padded to 64 tokens; CLIP ViT-B/32 at 224 px with its 49,408-token tower. ' +
      'Compact token tables are written by bench/assets/compact-text.ts (the rest of the text tower unchanged); resident memory is a new process that loads only ' +
      'the text encoder and encodes one query, as a search-only session does.',
  );
  return rec.result;
}
