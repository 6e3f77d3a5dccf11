import { existsSync, linkSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { COLOURS, PATTERNS, renderScene } from '../../test/fixtures/scenes.ts';
import { buildOnce, cachePaths } from '../cache.ts';
import { seededRandom } from './prng.ts';

/** Bump when the photos change, so cached ones are rewritten. */
const PHOTO_VERSION = 1;
export const PHOTO_WIDTH = 4000;
export const PHOTO_HEIGHT = 3000;
const SCENE_WIDTH = 400;
const SCENE_HEIGHT = 300;
/** Amplitudes (0-255) of the coarse texture drawn into the scene and the fine grain over the full image. */
const TEXTURE = 60;
const GRAIN = 20;
const GRAIN_TABLE_BITS = 22;
const QUALITY = 90;

/**
 * A 12-megapixel JPEG that costs what a camera photo costs to decode: a test scene
 * (colour and pattern) with coarse texture, enlarged, plus fine grain. Flat
 * synthetic images compress to a fraction of a real photo's size and decode several
 * times faster; with this grain a file is about 3 MB at quality 90 and decodes to
 * 224 px in about 25 ms on one core, as a phone photo does.
 */
async function largePhoto(index: number, grain: Int8Array): Promise<Buffer> {
  const random = seededRandom(PHOTO_VERSION * 1_000_003 + index);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const scene = renderScene({ colour: pick(COLOURS), pattern: pick(PATTERNS), width: SCENE_WIDTH, height: SCENE_HEIGHT, phase: random() });
  const textured = new Uint8ClampedArray(scene.data.buffer, scene.data.byteOffset, scene.data.length);
  for (let i = 0; i < textured.length; i++) textured[i] = scene.data[i] + (random() - 0.5) * TEXTURE;
  const enlarged = await sharp(scene.data, { raw: { width: SCENE_WIDTH, height: SCENE_HEIGHT, channels: 3 } })
    .resize(PHOTO_WIDTH, PHOTO_HEIGHT, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  const pixels = new Uint8ClampedArray(enlarged.buffer, enlarged.byteOffset, enlarged.length);
  const mask = grain.length - 1;
  const offset = Math.floor(random() * grain.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = enlarged[i] + grain[(i + offset) & mask];
  return sharp(enlarged, { raw: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3 } })
    .jpeg({ quality: QUALITY })
    .toBuffer();
}

function grainTable(): Int8Array {
  const random = seededRandom(PHOTO_VERSION);
  return Int8Array.from({ length: 1 << GRAIN_TABLE_BITS }, () => Math.round((random() - 0.5) * GRAIN));
}

const poolDir = (): string => path.join(cachePaths.photos, `12mp-v${PHOTO_VERSION}`, 'pool');

/** Makes sure the pool holds photos 0..count-1; each is written to a temp name and renamed, so none is ever half-written. */
async function fillPool(count: number, log: (line: string) => void): Promise<string[]> {
  const dir = poolDir();
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: count }, (_, i) => path.join(dir, `${String(i).padStart(5, '0')}.jpg`));
  const missing = files.map((file, index) => ({ file, index })).filter(({ file }) => !existsSync(file));
  if (missing.length === 0) return files;
  log(`generating ${missing.length} 12-megapixel JPEGs in ${path.relative(process.cwd(), dir)}`);
  const grain = grainTable();
  // Two at a time: one photo's JPEG encoding (sharp's threads) overlaps the next one's grain (this thread).
  for (let i = 0; i < missing.length; i += 2) {
    await Promise.all(
      missing.slice(i, i + 2).map(async ({ file, index }) => {
        writeFileSync(`${file}.partial`, await largePhoto(index, grain));
        renameSync(`${file}.partial`, file);
      }),
    );
  }
  return files;
}

/** A folder holding exactly `count` of the pool's photos (hard links), for the indexer to walk. */
export async function ensureLargePhotos(count: number, log: (line: string) => void): Promise<{ dir: string; files: string[] }> {
  const pool = await fillPool(count, log);
  const dir = path.join(cachePaths.photos, `12mp-v${PHOTO_VERSION}`, `set-${count}`);
  await buildOnce(dir, { version: PHOTO_VERSION, count }, async (out) => {
    for (const file of pool) linkSync(file, path.join(out, path.basename(file)));
    return {};
  });
  return { dir, files: pool.map((f) => path.join(dir, path.basename(f))) };
}
