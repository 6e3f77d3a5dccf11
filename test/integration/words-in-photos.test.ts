/**
 * Words in photos through the whole app: an index run reads the text of generated
 * images (real fonts, the real PP-OCRv4 model from npm) after embedding them, and the
 * search box, the lightbox's text, "Show where", status and the command line use it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main.ts';
import type { IndexProgress, SearchInput } from '../../src-main/core/api/contract.ts';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { parseQuery, toSearchInput } from '../../src-main/core/search/query-language.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { textImages, writeTextImages, type WrittenTextImage } from '../fixtures/text-images.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

const WANTED = ['receipt-cafe-luna', 'screenshot-wifi', 'slide-roadmap', 'chinese-welcome', 'rotated-90-receipt'];

let root: string;
let photosDir: string;
let libraryDir: string;
let service: PhotoSearchService;
let images: WrittenTextImage[];
const steps: string[] = [];

const typed = (text: string, extra: Partial<SearchInput> = {}): SearchInput => ({ ...toSearchInput(parseQuery(text)), ...extra });
const idOf = async (file: string) => (await service.findPhoto({ path: file })).id;
const image = (name: string) => images.find((i) => i.name === name)!;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-words-'));
  await writeTinyModel(path.join(root, 'model'));
  photosDir = path.join(root, 'photos');
  const all = await writeTextImages(path.join(root, 'all'));
  images = [];
  for (const name of WANTED) {
    const written = all.find((i) => i.name === name);
    if (!written) throw new Error(`the text image ${name} is gone from test/fixtures/text-images.ts (${textImages().length} images there)`);
    const file = path.join(photosDir, path.basename(written.file));
    fs.mkdirSync(photosDir, { recursive: true });
    fs.copyFileSync(written.file, file);
    images.push({ ...written, file });
  }
  await writeJpegScene(path.join(photosDir, 'red-circle.jpg'), { colour: 'red', pattern: 'circle', width: 200, height: 150 });
  libraryDir = path.join(root, 'library');
  service = PhotoSearchService.open({ libraryDir, modelDir: path.join(root, 'model'), intraOpThreads: 1 });
  const stop = service.events.on('index-progress', (p: IndexProgress) => {
    if (p.phase === 'organizing' && p.step && steps.at(-1) !== p.step.name) steps.push(p.step.name);
  });
  await service.index({ paths: [photosDir] });
  stop();
}, 300_000);

afterAll(async () => {
  await service?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('words in photos', () => {
  it('are read after the embeddings, as a step of their own, and status says how many photos were read', async () => {
    expect(steps.at(-1)).toBe('text');
    const status = await service.status();
    expect(status.textReading).toEqual({ enabled: true, model: 'pp-ocrv4-mobile', read: images.length + 1, withText: images.length, failed: 0 });
  });

  it.each([
    ['wifi password', 'screenshot-wifi'],
    ['"receipt #20419"', 'receipt-cafe-luna'],
    ['cappucc', 'receipt-cafe-luna'],
    ['CAPPUCCINO', 'receipt-cafe-luna'],
    ['quarterly roadmap', 'slide-roadmap'],
    ['欢迎', 'chinese-welcome'],
    ['yellow cab', 'rotated-90-receipt'],
    ['pasword sunflower', 'screenshot-wifi'],
  ])('"%s" finds its photo first, saying which words it found', async (query, name) => {
    const result = await service.search(typed(query));
    expect(result.matches).toBeGreaterThanOrEqual(1);
    expect(result.hits[0].path).toBe(image(name).file);
    expect(result.hits[0].reasons.some((r) => r.source === 'text' && r.text.startsWith('words in photo: '))).toBe(true);
  });

  it('rates a photo whose words match as a strong match, however little it looks like the words', async () => {
    const result = await service.search(typed('wifi password'));
    expect(result.hits[0]).toMatchObject({ path: image('screenshot-wifi').file, match: true, relevance: 100, strength: 'strong' });
  });

  it('gives the lightbox the text of a photo with the lines a query matched', async () => {
    const text = await service.photoText({ id: await idOf(image('screenshot-wifi').file), query: 'wifi password' });
    expect(text.status).toBe('read');
    expect(text.lines.map((l) => l.text)).toContain('WiFi password: sunflower42');
    const matched = text.matched.map((i) => text.lines[i].text);
    expect(matched).toContain('WiFi password: sunflower42');
    expect(matched.every((line) => /wifi|password/i.test(line))).toBe(true);
    expect(matched).not.toContain('Thanks!');
    for (const line of text.lines) {
      expect(line.box).toHaveLength(4);
      for (const p of line.box) expect(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1).toBe(true);
    }
  });

  it('shows where a photo found by its words matches: the boxes of those words', async () => {
    const map = await service.showWhere({ id: await idOf(image('screenshot-wifi').file), text: 'wifi password' });
    expect(map.windows).toBe(0);
    expect(map.values.filter((v) => v === 1).length).toBeGreaterThan(0);
    expect(map.values.filter((v) => v === 0).length).toBeGreaterThan(0);
  });

  it('keeps the text of a moved photo without reading it again, and reads a new one', async () => {
    const moved = path.join(photosDir, 'moved', path.basename(image('slide-roadmap').file));
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.renameSync(image('slide-roadmap').file, moved);
    image('slide-roadmap').file = moved;
    await service.index({});
    const status = await service.status();
    expect(status.textReading.read).toBe(images.length + 1);
    expect((await service.search(typed('quarterly roadmap'))).hits[0].path).toBe(moved);
  });

  it('prints a photo’s lines on the command line, and can be turned off per library', async () => {
    const out: string[] = [];
    const io = { out: new Writable({ write: (chunk: Buffer, _enc, done) => (out.push(chunk.toString()), done()) }), err: process.stderr };
    expect(await main(['text', image('receipt-cafe-luna').file, '--library', libraryDir], io as never)).toBe(0);
    expect(out.join('')).toMatch(/^\d\.\d\d {2}CAFE LUNA {2}\[/m);
    expect(await main(['text', 'off', '--library', libraryDir], io as never)).toBe(0);
    await writeJpegScene(path.join(photosDir, 'green.jpg'), { colour: 'green', pattern: 'plain', width: 120, height: 90 });
    await service.index({});
    const status = await service.status();
    expect(status.textReading.enabled).toBe(false);
    expect(status.textReading.read).toBe(images.length + 1);
    expect(status.photos).toBe(images.length + 2);
  });
});
