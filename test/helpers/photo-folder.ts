import fs from 'node:fs';
import path from 'node:path';
import { writeJpegScene } from '../fixtures/photos.ts';

const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;
const PATTERNS = ['plain', 'circle', 'stripes'] as const;

/**
 * Writes `count` small JPEGs of generated scenes into `dir` (colours and patterns in
 * turn, each file a little different), named `<prefix>NNN-<colour>-<pattern>.jpg`.
 */
export async function writeJpegFolder(dir: string, count: number, opts: { prefix?: string; width?: number; height?: number } = {}): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const colour = COLOURS[i % COLOURS.length];
    const pattern = PATTERNS[Math.floor(i / COLOURS.length) % PATTERNS.length];
    const file = path.join(dir, `${opts.prefix ?? ''}${String(i).padStart(3, '0')}-${colour}-${pattern}.jpg`);
    await writeJpegScene(file, { colour, pattern, width: opts.width ?? 160, height: opts.height ?? 120 }, { quality: 60 + (i % 30) });
    files.push(file);
  }
  return files;
}
