/**
 * Child process for the thin-image test: writes a PNG one pixel thin, decodes it
 * for a model with the given preprocessing, and prints the peak resident memory,
 * so the parent can see what a user would see in a task manager.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeForModel } from '../../../src-main/core/indexer/decode-for-model.ts';
import type { PreprocessSpec } from '../../../src-main/core/models/types.ts';

const [width, height, specJson] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const spec = JSON.parse(specJson) as PreprocessSpec;
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-thin-')), 'thin.png');
const rgb = Buffer.alloc(width * height * 3);
for (let i = 0; i < width * height; i++) rgb.set(i % 2 ? [220, 30, 30] : [30, 60, 220], i * 3);
await sharp(rgb, { raw: { width, height, channels: 3 } })
  .png()
  .toFile(file);
const before = process.resourceUsage().maxRSS;
const { pixels } = await decodeForModel(file, spec);
fs.rmSync(path.dirname(file), { recursive: true, force: true });
process.stdout.write(JSON.stringify({ values: pixels.length, baselineKiB: before, peakKiB: process.resourceUsage().maxRSS }));
