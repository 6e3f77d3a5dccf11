import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openImage, decodeToRaw } from '../../src-main/core/media/decode.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import { OCR_INPUT_SIDE, PROBE_SIDE, TextReader } from '../../src-main/core/text/reader.ts';
import { findTextModelEntry, resolveTextModelFiles } from '../../src-main/core/text/text-model.ts';
import { VIT_B_32 } from '../../test/fixtures/clip-shaped-model.ts';
import { writeTextImages } from '../../test/fixtures/text-images.ts';
import { ensureLargePhotos } from '../assets/large-photos.ts';
import { cachePaths, REPO_ROOT } from '../cache.ts';
import type { BenchContext } from '../context.ts';
import { SectionRecorder, type SectionResult } from '../figures.ts';
import type { OcrRun } from '../ocr-child.ts';

const run = promisify(execFile);
const CHILD = path.join(REPO_ROOT, 'bench', 'ocr-child.ts');
/** Photos timed one by one for the per-photo costs. */
const TIMED_PHOTOS = 8;
/** The embedding stage's batch, as indexing runs it (indexer.ts defaultTuning). */
const BATCH = 8;

async function child(args: string[]): Promise<OcrRun> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as OcrRun;
}

/** Decodes an image the way the text stage does: the long side at `side`, EXIF-oriented, RGB. */
async function decodeAt(file: string, side: number): Promise<{ data: Uint8Array; width: number; height: number }> {
  const opened = await openImage(file);
  const raw = await decodeToRaw(opened, (image) => image.resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true }));
  return { data: raw.data, width: raw.info.width, height: raw.info.height };
}

/** A folder of hard links to `files` under the photo cache, made afresh. */
function linkedFolder(name: string, files: readonly string[]): string {
  const folder = path.join(cachePaths.photos, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const file of files) fs.linkSync(file, path.join(folder, path.basename(file)));
  return folder;
}

function median(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Words in photos: what reading costs per photo against embedding it (the target is a
 * ratio measured in one run, so it holds on any machine), OCR throughput on camera-like
 * photos without text and on text-heavy images, the embedding stage with reading on and
 * off, and the peak memory of an index run with and without it.
 */
export async function ocrSection(ctx: BenchContext): Promise<SectionResult> {
  const rec = new SectionRecorder('ocr', 'Words in photos: reading cost, throughput, and its effect on indexing');
  const { opts, log } = ctx;
  const modelDir = await ctx.modelDir(VIT_B_32);
  const photos = await ensureLargePhotos(Math.max(TIMED_PHOTOS, Math.min(opts.photos, 48)), log);
  const textDir = path.join(cachePaths.photos, 'text-images');
  const textImages = fs.existsSync(textDir) ? fs.readdirSync(textDir).map((f) => path.join(textDir, f)) : (await writeTextImages(textDir)).map((t) => t.file);

  const reader = await TextReader.open(resolveTextModelFiles(findTextModelEntry(), path.join(os.tmpdir(), 'photo-search-bench-text-models')));
  const model = await loadModel(modelDir);
  try {
    const ratios: number[] = [];
    const readMs: number[] = [];
    const embedMs: number[] = [];
    const heavyMs: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const reads: number[] = [];
      const embeds: number[] = [];
      for (const file of photos.files.slice(0, TIMED_PHOTOS)) {
        let started = performance.now();
        const small = await decodeAt(file, PROBE_SIDE);
        if (await reader.mayHoldText(small)) await reader.readText(await decodeAt(file, OCR_INPUT_SIDE));
        reads.push(performance.now() - started);
        started = performance.now();
        const { pixels } = await decodeForModel(file, model.preprocess);
        const decoded = performance.now();
        const batch = new Float32Array(pixels.length * BATCH);
        for (let i = 0; i < BATCH; i++) batch.set(pixels, i * pixels.length);
        await model.encodeImages(batch, BATCH);
        // Its own decode, and its share of a batch of BATCH, as indexing embeds photos.
        embeds.push(decoded - started + (performance.now() - decoded) / BATCH);
      }
      const heavy: number[] = [];
      for (const file of textImages.slice(0, TIMED_PHOTOS)) {
        const started = performance.now();
        await reader.readText(await decodeAt(file, OCR_INPUT_SIDE));
        heavy.push(performance.now() - started);
      }
      const read = median(reads);
      const embed = median(embeds);
      readMs.push(read);
      embedMs.push(embed);
      heavyMs.push(median(heavy));
      ratios.push(read / embed);
    }
    rec.add('textless-ms', 'Reading a 12 MP photo without text (decode at 480 px + detector probe), per photo', 'ms', readMs);
    rec.add('embed-ms', 'Embedding a 12 MP photo with the ViT-B/32-shaped model (decode + its batch of 8)', 'ms', embedMs);
    rec.add('textless-ratio', 'Reading a photo without text / embedding it, one photo at a time', 'x', ratios);
    rec.add(
      'textless-rate',
      'OCR throughput, 12 MP photos without text',
      'photos/s',
      readMs.map((ms) => 1000 / ms),
    );
    rec.add(
      'heavy-rate',
      'OCR throughput, text-heavy images (receipts, slides, screenshots)',
      'photos/s',
      heavyMs.map((ms) => 1000 / ms),
    );
  } finally {
    await reader.dispose();
    await model.dispose();
  }

  const on: OcrRun[] = [];
  const off: OcrRun[] = [];
  const textless: OcrRun[] = [];
  const mixedFolder = linkedFolder('ocr-index-run', [...photos.files, ...textImages]);
  const textlessFolder = linkedFolder('ocr-textless-run', photos.files);
  for (let r = 0; r < opts.runs; r++) {
    for (const [folder, reading, into] of [
      [mixedFolder, 'off', off],
      [mixedFolder, 'on', on],
      [textlessFolder, 'on', textless],
    ] as const) {
      const library = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-bench-ocr-'));
      try {
        into.push(await child([folder, library, modelDir, reading]));
      } finally {
        fs.rmSync(library, { recursive: true, force: true });
      }
    }
  }
  rec.add(
    'textless-stage-ratio',
    'Index run of 12 MP photos without text: text step / embedding stage, per photo',
    'x',
    textless.map((t) => t.textMs / t.embeddingMs),
    { atMost: 1 },
  );
  const slowdown = on.map((o, i) => o.embeddingMs / off[i].embeddingMs);
  rec.add('embedding-slowdown', 'Embedding stage with reading on / off (reading runs after it)', 'x', slowdown, { atMost: 1.1 });
  rec.add(
    'text-step-rate',
    'The text step of an index run (mixed photos)',
    'photos/s',
    on.map((o) => (o.photos * 1000) / Math.max(1, o.textMs)),
  );
  const extra = on.map((o, i) => o.peakRssMB - off[i].peakRssMB);
  rec.add('rss-extra', 'Peak RSS of an index run with reading on, above the same run with it off', 'MB', extra, { atMost: 300 });
  rec.add(
    'rss-off',
    'Peak RSS of an index run with reading off',
    'MB',
    off.map((o) => o.peakRssMB),
  );
  log(`  ocr: embedding with reading on / off ${slowdown.map((v) => v.toFixed(2)).join(', ')}; extra peak RSS ${extra.map((v) => v.toFixed(0)).join(', ')} MB`);
  rec.note(
    `Per-photo costs: ${TIMED_PHOTOS} of the generated 12 MP JPEGs (bench/assets/large-photos.ts) and ${TIMED_PHOTOS} text images (test/fixtures/text-images.ts), ` +
      'with the built-in PP-OCRv4 model on one intra-op thread, and the generated ViT-B/32-shaped model (fp32). A photo without text costs a 480-pixel decode ' +
      'and a detector pass at that size; the 1280-pixel read runs only where that pass finds text.',
  );
  rec.note(
    `Index runs: ${photos.files.length + textImages.length} photos (${textImages.length} with text) into a new library per run, each in its own process ` +
      '(bench/ocr-child.ts) so that its peak RSS is its own; the embedding stage is timed from its start to the organizing phase.',
  );
  rec.note(
    `The target on reading photos without text is taken from index runs of the ${photos.files.length} 12 MP photos alone, as the stages run: the embedding ` +
      'stage decodes ahead and batches the model on both cores, the text step decodes the next photos (eight ahead) while the detector probes this one. The one-at-a-time ' +
      "figures above overlap nothing: they are each photo's own cost, not the stages' throughput.",
  );
  return rec.result;
}
