import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { dot } from '../vectors/math.ts';
import { loadModel } from './clip-model.ts';
import { writeFileDurably } from './hub/durable-fs.ts';
import type { Int8Kernel } from './int8-kernel.ts';
import { pixelValuesFromRgb } from './preprocess.ts';
import type { ClipModel, PreprocessSpec } from './types.ts';

/** Mean cosine of int8 to fp32 embeddings, per tower: 1 is identical. */
export interface Int8Drift {
  image: number;
  text: number;
}

/** Queries of the kind people type, short and long, so the text tower runs at several lengths. */
const TEXTS = [
  'a dog running on the beach',
  'birthday cake with candles',
  'snow-covered mountains under a blue sky',
  'a red car parked on a city street at night',
];
const IMAGES = 4;

/**
 * Photo-like RGB patterns (a sky gradient, a sun disc, stripes, a seeded texture) at
 * the model's input size, normalised as its processor does: [count, 3, H, W] float32.
 */
function generatedImages(spec: PreprocessSpec): Float32Array {
  const { width: w, height: h } = spec;
  const out = new Float32Array(IMAGES * 3 * w * h);
  let seed = 0x2545f491;
  const noise = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24) / 255;
  for (let i = 0; i < IMAGES; i++) {
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const u = x / w;
        const v = y / h;
        let px: [number, number, number];
        if (i === 0) px = v < 0.6 ? [90 + 80 * v, 150 + 60 * v, 240] : [60, 140 - 60 * (v - 0.6), 50];
        else if (i === 1) px = (u - 0.5) ** 2 + (v - 0.45) ** 2 < 0.04 ? [250, 200, 60] : [200 * (1 - v), 80 * (1 - v), 90 * v];
        else if (i === 2) px = Math.floor((x + y) / 12) % 2 === 0 ? [220, 30, 40] : [245, 245, 240];
        else px = [255 * noise(), 180 * noise(), 120 + 100 * noise()];
        rgb.set(px.map(Math.round), (y * w + x) * 3);
      }
    }
    out.set(pixelValuesFromRgb(rgb, w, h, spec), i * 3 * w * h);
  }
  return out;
}

const meanCosine = (a: Float32Array[], b: Float32Array[]): number => a.reduce((sum, row, i) => sum + dot(row, b[i]), 0) / a.length;

/**
 * Embeds 4 generated photos and 4 queries with the fp32 variant in `fp32Dir` and the
 * int8 variant in `int8Dir` (the same folder when it holds both) and compares them.
 * Takes a few seconds for a ViT-B model. Throws ModelError when a variant does not load.
 */
export async function measureInt8Drift(fp32Dir: string, int8Dir: string, opts: { intraOpThreads?: number } = {}): Promise<Int8Drift> {
  const loaded: ClipModel[] = [];
  try {
    const fp32 = await loadModel(fp32Dir, { variant: 'fp32', intraOpThreads: opts.intraOpThreads });
    loaded.push(fp32);
    const int8 = await loadModel(int8Dir, { variant: 'quantized', intraOpThreads: opts.intraOpThreads });
    loaded.push(int8);
    const pixels = generatedImages(fp32.preprocess);
    return {
      image: meanCosine(await fp32.encodeImages(pixels, IMAGES), await int8.encodeImages(pixels, IMAGES)),
      text: meanCosine(await fp32.encodeTexts(TEXTS), await int8.encodeTexts(TEXTS)),
    };
  } finally {
    await Promise.all(loaded.map((m) => m.dispose()));
  }
}

/** A dot file, so `models import` does not carry one machine's figures to another. */
const RECORD = '.int8-drift.json';

const recordSchema = z.object({ cpu: z.string(), kernel: z.enum(['exact', 'saturating']), image: z.number(), text: z.number(), measuredAt: z.string() });
type Int8DriftRecord = z.infer<typeof recordSchema>;

/** Stores a measurement in the model folder; replacing the folder (a new install) drops it. */
export async function writeInt8Drift(modelDir: string, drift: Int8Drift, cpu: string, kernel: Int8Kernel): Promise<void> {
  const record: Int8DriftRecord = { cpu, kernel, ...drift, measuredAt: new Date().toISOString() };
  await writeFileDurably(path.join(modelDir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

/** The measurement stored in `modelDir` when it was made on this CPU with this kernel, else null. */
export async function readInt8Drift(modelDir: string, cpu: string, kernel: Int8Kernel): Promise<Int8Drift | null> {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(await fsp.readFile(path.join(modelDir, RECORD), 'utf8')));
    if (!parsed.success || parsed.data.cpu !== cpu || parsed.data.kernel !== kernel) return null;
    return { image: parsed.data.image, text: parsed.data.text };
  } catch {
    return null;
  }
}

/**
 * Hard-links the files of `modelDir` into `to` (same volume, no bytes copied), so they
 * outlive an install that replaces the folder. Null when the file system cannot link
 * (FAT, some network shares): the caller then measures nothing.
 */
export async function linkModelFiles(modelDir: string, to: string): Promise<string | null> {
  await fsp.rm(to, { recursive: true, force: true });
  try {
    for (const entry of await fsp.readdir(modelDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const from = path.join(entry.parentPath, entry.name);
      const dest = path.join(to, path.relative(modelDir, from));
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      await fsp.link(from, dest);
    }
    return to;
  } catch {
    await fsp.rm(to, { recursive: true, force: true });
    return null;
  }
}
