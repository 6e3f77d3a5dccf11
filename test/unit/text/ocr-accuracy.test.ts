/**
 * The OCR engine on the real PP-OCRv4 model shipped by npm, over the generated set of
 * photos with known text (test/fixtures/text-images.ts), read once into a real library
 * by the text stage: character error rate per category, every image's key phrase found
 * first by search, and photos without text read as nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../../src-main/core/media/decode.ts';
import { contentHash } from '../../../src-main/core/media/identity.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { TextReader } from '../../../src-main/core/text/reader.ts';
import { searchPhotoText } from '../../../src-main/core/text/search-text.ts';
import { findTextModelEntry, resolveTextModelFiles } from '../../../src-main/core/text/text-model.ts';
import { runTextStage, type TextStageProgress } from '../../../src-main/core/text/text-stage.ts';
import { CLEAN_LATIN, missingFonts, writeTextImages, writeTextlessPhotos, type TextCategory, type WrittenTextImage } from '../../fixtures/text-images.ts';
import { characterErrors } from './cer.ts';

let root: string;
let store: LibraryStore;
let images: WrittenTextImage[];
let textless: string[];
let stage: TextStageProgress;
const photoIds = new Map<string, number>();

async function addPhoto(folderId: number, file: string): Promise<void> {
  const stat = fs.statSync(file);
  const opened = await openImage(file);
  const id = store.photos.insert({
    folderId,
    path: file,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    hash: await contentHash(file, stat.size),
    width: opened.meta.width,
    height: opened.meta.height,
    format: opened.meta.format,
    ext: path.extname(file).slice(1),
    takenAt: null,
    camera: null,
    latitude: null,
    longitude: null,
  });
  photoIds.set(file, id);
}

beforeAll(async () => {
  expect(missingFonts(), 'fonts the test images need (Debian: apt-get install fonts-dejavu-core fonts-wqy-zenhei)').toEqual([]);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-ocr-'));
  const photos = path.join(root, 'photos');
  images = await writeTextImages(photos);
  textless = await writeTextlessPhotos(photos);
  store = LibraryStore.open(path.join(root, 'library'));
  const folderId = store.folders.ensure(photos);
  for (const file of [...images.map((i) => i.file), ...textless]) await addPhoto(folderId, file);
  const reader = await TextReader.open(resolveTextModelFiles(findTextModelEntry(), path.join(root, 'text-models')), { intraOpThreads: 1 });
  try {
    stage = await runTextStage(store, reader);
  } finally {
    await reader.dispose();
  }
}, 600_000);

afterAll(() => {
  store?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const linesOf = (file: string): string[] => store.photoText.forPhoto(photoIds.get(file)!)?.lines.map((l) => l.text) ?? [];

describe('OCR on generated photos with known text', () => {
  it('reads the whole set without a failure', () => {
    expect(images.length).toBeGreaterThanOrEqual(40);
    expect(stage).toMatchObject({ phase: 'done', total: images.length + textless.length, failed: 0 });
  });

  it('keeps the character error rate per category within bounds', () => {
    const totals = new Map<TextCategory, { errors: number; length: number; images: number }>();
    for (const image of images) {
      const { errors, length } = characterErrors(image.lines, linesOf(image.file));
      const t = totals.get(image.category) ?? { errors: 0, length: 0, images: 0 };
      totals.set(image.category, { errors: t.errors + errors, length: t.length + length, images: t.images + 1 });
    }
    const rate = (category: TextCategory) => totals.get(category)!.errors / totals.get(category)!.length;
    const table = [...totals].map(
      ([category, t]) =>
        `${category.padEnd(13)} ${String(t.images).padStart(2)} images ${String(t.length).padStart(5)} chars  CER ${(100 * rate(category)).toFixed(2)}%`,
    );
    const clean = CLEAN_LATIN.reduce((s, c) => ({ errors: s.errors + totals.get(c)!.errors, length: s.length + totals.get(c)!.length }), {
      errors: 0,
      length: 0,
    });
    table.push(`clean Latin   (receipt, sign, slide, screenshot)  CER ${((100 * clean.errors) / clean.length).toFixed(2)}%`);
    console.log(`Character error rate (whitespace ignored), PP-OCRv4 mobile:\n${table.join('\n')}`);

    expect(clean.errors / clean.length).toBeLessThanOrEqual(0.02);
    expect(rate('chinese')).toBeLessThanOrEqual(0.05);
    expect(rate('rotated')).toBeLessThanOrEqual(0.05);
    for (const category of ['overlay', 'low-contrast', 'small'] as const) expect(rate(category), category).toBeLessThanOrEqual(0.1);
  });

  it('finds every image first by its key phrase', () => {
    const misses: string[] = [];
    for (const image of images) {
      const results = searchPhotoText(store.photoText, image.query);
      if (results[0]?.photoId !== photoIds.get(image.file))
        misses.push(`${image.query} -> ${results[0] ? path.basename([...photoIds].find(([, id]) => id === results[0].photoId)![0]) : 'nothing'}`);
    }
    expect(misses).toEqual([]);
  });

  it('reads nothing in photos without text, not even a stray letter in a disc', () => {
    for (const file of textless) expect(linesOf(file), path.basename(file)).toEqual([]);
  });

  it('puts the boxes of a match over the matched words', () => {
    const [hit] = searchPhotoText(store.photoText, 'wifi password');
    expect(hit.lines.map((l) => l.text)).toContain('WiFi password: sunflower42');
    const line = hit.lines.find((l) => l.text.includes('sunflower42'))!;
    // The screenshot draws that message at y 264 of 800 (baseline), from x 585 of 1200.
    const ys = line.box.map((p) => p.y);
    const xs = line.box.map((p) => p.x);
    expect(Math.min(...ys)).toBeLessThan(264 / 800);
    expect(Math.max(...ys)).toBeGreaterThan(250 / 800);
    expect(Math.min(...xs)).toBeGreaterThan(560 / 1200);
    expect(Math.min(...xs)).toBeLessThan(600 / 1200);
  });
});
