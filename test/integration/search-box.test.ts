import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHit, SearchInput, SearchResult } from '../../src-main/core/api/contract.ts';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { parseQuery, toSearchInput } from '../../src-main/core/search/query-language.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import { RELEVANCE_QUERIES, UNANSWERED_QUERIES, writeRelevanceLibrary, type RelevancePhoto } from '../fixtures/relevance-library.ts';
import type { SceneSpec } from '../fixtures/scenes.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

let root: string;
let modelDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-box-'));
  modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** What the search box sends for typed text. */
function typed(text: string, extra: Partial<SearchInput> = {}): SearchInput {
  return { ...toSearchInput(parseQuery(text)), ...extra };
}

function f1(found: readonly string[], truth: readonly string[]): number {
  if (found.length === 0 && truth.length === 0) return 1;
  const truthSet = new Set(truth);
  const hits = found.filter((f) => truthSet.has(f)).length;
  return (2 * hits) / (found.length + truth.length);
}

describe('what counts as a match, on a library where the answer to every query is known', () => {
  let service: PhotoSearchService;
  let photos: RelevancePhoto[];
  const report: string[] = [];

  beforeAll(async () => {
    const dir = path.join(root, 'relevance');
    photos = await writeRelevanceLibrary(dir);
    service = PhotoSearchService.open({ libraryDir: path.join(root, 'relevance-library'), modelDir, intraOpThreads: 1 });
    await service.index({ paths: [dir] });
  });

  afterAll(async () => {
    // The F1 of every query, for the record (issue: report per query in the test output).
    process.stdout.write(`\nMatches against the truth (${photos.length} photos):\n${report.join('\n')}\n`);
    await service.close();
  });

  it.each(RELEVANCE_QUERIES.map((q) => [q.text, q] as const))('"%s": the matches are the true set (F1 >= 0.9)', async (_text, query) => {
    const first = await service.search(typed(query.text, { k: 1 }));
    const all = await service.search(typed(query.text, { k: Math.max(1, first.matches) }));
    const found = all.hits.slice(0, all.matches).map((h) => h.path);
    const truth = photos.filter(query.truth).map((p) => p.file);
    const score = f1(found, truth);
    report.push(`  ${query.text.padEnd(14)} true ${String(truth.length).padStart(3)}  matches ${String(all.matches).padStart(3)}  F1 ${score.toFixed(3)}`);
    expect(score).toBeGreaterThanOrEqual(0.9);
    expect(all.total).toBe(photos.length);
    expect(all.hits.slice(0, all.matches).every((h) => h.match)).toBe(true);
  });

  it.each(UNANSWERED_QUERIES)('"%s" (nothing in the library) has no matches, and offers the weaker ones', async (text) => {
    const result = await service.search(typed(text, { k: 20 }));
    report.push(`  ${text.padEnd(14)} true   0  matches ${String(result.matches).padStart(3)}`);
    expect(result.matches).toBe(0);
    expect(result.total).toBe(photos.length);
    expect(result.hits).toHaveLength(20);
    expect(result.hits.every((h) => !h.match && h.strength === 'weak')).toBe(true);
  });

  it('pages through the whole library without a cap: matches first, then every weaker photo once', async () => {
    const seen: SearchHit[] = [];
    let page: SearchResult;
    let offset = 0;
    do {
      page = await service.search(typed('red circle', { k: 50, offset }));
      seen.push(...page.hits);
      offset += page.hits.length;
    } while (page.hits.length > 0);
    expect(seen).toHaveLength(photos.length);
    expect(new Set(seen.map((h) => h.id)).size).toBe(photos.length);
    expect(seen.findIndex((h) => !h.match)).toBe(page.matches);
    for (let i = 1; i < seen.length; i++) if (seen[i].match === seen[i - 1].match) expect(seen[i].score!).toBeLessThanOrEqual(seen[i - 1].score!);
  });

  /** The library's photos of one colour and pattern, as the search lists them. */
  async function photosOf(colour: string, pattern: string, count: number): Promise<SearchHit[]> {
    const all = await service.search(typed('', { k: photos.length }));
    const files = new Set(photos.filter((p) => p.colour === colour && p.pattern === pattern).map((p) => p.file));
    return all.hits.filter((h) => files.has(h.path)).slice(0, count);
  }
  const idsOf = async (colour: string, pattern: string, count: number) => (await photosOf(colour, pattern, count)).map((h) => h.id);

  it('finds more like a few example photos, leaving the examples themselves out', async () => {
    const examples = await photosOf('green', 'circle', 4);
    const like = examples.map((h) => h.id);
    const first = await service.search({ examples: { like }, k: 1 });
    const result = await service.search({ examples: { like }, k: Math.max(1, first.matches) });
    const found = result.hits.slice(0, result.matches).map((h) => h.path);
    const given = new Set(examples.map((h) => h.path));
    const truth = photos.filter((p) => p.colour === 'green' && p.pattern === 'circle' && !given.has(p.file)).map((p) => p.file);
    expect(f1(found, truth)).toBeGreaterThanOrEqual(0.9);
    expect(result.hits.some((h) => like.includes(h.id))).toBe(false);
    expect(result.hits[0].reasons).toContainEqual({ source: 'visual', text: 'looks like the examples (strong)' });
  });

  it('learns from thumbs up and down on the results, and keeps the marked photos in them', async () => {
    const up = await idsOf('red', 'circle', 2);
    const down = await idsOf('red', 'stripes', 2);
    const result = await service.search(typed('red', { feedback: { up, down }, k: photos.length }));
    const rank = (colourPattern: [string, string]) =>
      result.hits.findIndex((h) => photos.find((p) => p.file === h.path && p.colour === colourPattern[0] && p.pattern === colourPattern[1]) !== undefined);
    expect(rank(['red', 'circle'])).toBeLessThan(rank(['red', 'stripes']));
    const ids = new Set(result.hits.map((h) => h.id));
    for (const id of [...up, ...down]) expect(ids.has(id)).toBe(true);
    const redCircles = photos.filter((p) => p.colour === 'red' && p.pattern === 'circle').length;
    expect(result.hits.slice(0, redCircles).every((h) => photos.find((p) => p.file === h.path)?.pattern === 'circle')).toBe(true);
  });

  it('rates matches on a readable scale: the best is 100 and strong, weaker ones are weak', async () => {
    const result = await service.search(typed('blue plain', { k: 5 }));
    expect(result.hits[0]).toMatchObject({ match: true, relevance: 100, strength: 'strong' });
    expect(result.hits[0].reasons).toContainEqual({ source: 'visual', text: 'looks like the query (strong)' });
    expect(result.hits.slice(1).every((h) => h.strength === 'weak' && h.relevance < 100)).toBe(true);
  });
});

interface NamedPhoto {
  rel: string;
  scene: SceneSpec;
  takenAt?: Date;
  camera?: [string, string];
  gps?: { latitude: number; longitude: number };
}

const PARIS = { latitude: 48.8584, longitude: 2.2945 };
const TOKYO = { latitude: 35.6595, longitude: 139.7005 };
const scene = (colour: SceneSpec['colour'], pattern: SceneSpec['pattern']): SceneSpec => ({ colour, pattern, width: 96, height: 72 });

const NAMED: readonly NamedPhoto[] = [
  { rel: 'Hochzeit Anna/DSC_0001.jpg', scene: scene('green', 'plain'), takenAt: new Date(2022, 3, 2, 12) },
  { rel: 'camera-roll/IMG_2041.jpg', scene: scene('blue', 'circle'), takenAt: new Date(2022, 3, 3, 12) },
  { rel: '2019/Trip/IMG_0100.jpg', scene: scene('yellow', 'stripes'), takenAt: new Date(2019, 4, 1, 12) },
  { rel: 'camera-roll/IMG_3001.jpg', scene: scene('red', 'circle'), gps: PARIS, takenAt: new Date(2021, 5, 15, 12) },
  { rel: 'camera-roll/IMG_3002.jpg', scene: scene('red', 'circle'), gps: PARIS, takenAt: new Date(2022, 4, 1, 12) },
  { rel: 'camera-roll/IMG_3003.jpg', scene: scene('blue', 'plain'), gps: PARIS, takenAt: new Date(2022, 4, 2, 12) },
  { rel: 'camera-roll/IMG_3004.jpg', scene: scene('red', 'plain'), gps: TOKYO, takenAt: new Date(2021, 5, 20, 12) },
  { rel: 'camera-roll/IMG_3005.jpg', scene: scene('green', 'stripes'), gps: TOKYO, takenAt: new Date(2022, 6, 1, 12) },
  { rel: 'camera-roll/IMG_4001.jpg', scene: scene('yellow', 'plain'), camera: ['Apple', 'iPhone 12'], takenAt: new Date(2022, 7, 1, 12) },
  { rel: 'camera-roll/IMG_4002.jpg', scene: scene('green', 'circle'), camera: ['Apple', 'iPhone 12'], takenAt: new Date(2022, 7, 2, 12) },
  { rel: 'camera-roll/DSCF0001.jpg', scene: scene('blue', 'stripes'), camera: ['FUJIFILM', 'X100V'], takenAt: new Date(2022, 9, 5, 12) },
  { rel: 'camera-roll/DSCF0002.jpg', scene: scene('red', 'stripes'), camera: ['FUJIFILM', 'X100V'], takenAt: new Date(2019, 9, 1, 12) },
];

describe('words that are not pictures, in the same ranked list', () => {
  let service: PhotoSearchService;
  let dir: string;
  const matchNames = (r: SearchResult) =>
    r.hits
      .slice(0, r.matches)
      .map((h) => path.relative(dir, h.path))
      .sort();

  beforeAll(async () => {
    dir = path.join(root, 'named');
    for (const p of NAMED) {
      await writeJpegScene(path.join(dir, p.rel), p.scene, { takenAt: p.takenAt, gps: p.gps, make: p.camera?.[0], model: p.camera?.[1] });
    }
    service = PhotoSearchService.open({ libraryDir: path.join(root, 'named-library'), modelDir, intraOpThreads: 1 });
    await service.index({ paths: [dir] });
  });

  afterAll(async () => {
    await service.close();
  });

  it('finds a photo by its file name', async () => {
    const result = await service.search(typed('IMG_2041'));
    expect(matchNames(result)).toEqual(['camera-roll/IMG_2041.jpg']);
    expect(result.hits[0].reasons).toContainEqual({ source: 'names', text: "file name contains 'IMG_2041'" });
  });

  it('finds photos by a folder name, in any case and by the start of a word', async () => {
    expect(matchNames(await service.search(typed('hochzeit anna')))).toEqual(['Hochzeit Anna/DSC_0001.jpg']);
    const trip = await service.search(typed('trip'));
    expect(matchNames(trip)).toEqual(['2019/Trip/IMG_0100.jpg']);
    expect(trip.hits[0].reasons).toContainEqual({ source: 'names', text: "folder name contains 'trip'" });
  });

  it('finds the photos taken in a place, from their GPS position', async () => {
    const paris = await service.search(typed('Paris'));
    expect(matchNames(paris)).toEqual(['camera-roll/IMG_3001.jpg', 'camera-roll/IMG_3002.jpg', 'camera-roll/IMG_3003.jpg']);
    expect(paris.hits[0].reasons).toContainEqual({ source: 'place', text: 'taken in Paris, France' });
    expect(matchNames(await service.search(typed('photos in Japan')))).toEqual(['camera-roll/IMG_3004.jpg', 'camera-roll/IMG_3005.jpg']);
  });

  it('filters by a place chip (in:)', async () => {
    const result = await service.search(typed('red in:tokyo'));
    expect(result.total).toBe(2);
    expect(matchNames(result)).toEqual(['camera-roll/IMG_3004.jpg']);
  });

  it('finds the photos of a year, of a month, and of a month in any year', async () => {
    expect(matchNames(await service.search(typed('2019')))).toEqual(['2019/Trip/IMG_0100.jpg', 'camera-roll/DSCF0002.jpg']);
    const june = await service.search(typed('June 2021'));
    expect(matchNames(june)).toEqual(['camera-roll/IMG_3001.jpg', 'camera-roll/IMG_3004.jpg']);
    expect(june.hits[0].reasons).toContainEqual({ source: 'date', text: 'taken June 2021' });
    expect(matchNames(await service.search(typed('October')))).toEqual(['camera-roll/DSCF0001.jpg', 'camera-roll/DSCF0002.jpg']);
  });

  it('finds the photos of a camera by its make or model', async () => {
    expect(matchNames(await service.search(typed('iphone')))).toEqual(['camera-roll/IMG_4001.jpg', 'camera-roll/IMG_4002.jpg']);
    const fuji = await service.search(typed('x100v'));
    expect(matchNames(fuji)).toEqual(['camera-roll/DSCF0001.jpg', 'camera-roll/DSCF0002.jpg']);
    expect(fuji.hits[0].reasons).toContainEqual({ source: 'camera', text: 'taken with FUJIFILM X100V' });
  });

  it('ranks the photos that satisfy every part of a mixed query first ("red Paris")', async () => {
    const result = await service.search(typed('red Paris', { k: 12 }));
    expect(matchNames(result)).toEqual(['camera-roll/IMG_3001.jpg', 'camera-roll/IMG_3002.jpg']);
    const reasons = result.hits[0].reasons.map((r) => r.source).sort();
    expect(reasons).toEqual(['place', 'visual']);
    // Next come the photos that satisfy one part: red ones elsewhere and the other photo of Paris.
    const next = result.hits.slice(2, 6).map((h) => path.relative(dir, h.path));
    expect(next).toEqual(expect.arrayContaining(['camera-roll/IMG_3003.jpg', 'camera-roll/IMG_3004.jpg', 'camera-roll/DSCF0002.jpg']));
  });

  it('matches a quoted phrase only literally, never by the look of a photo', async () => {
    expect(matchNames(await service.search(typed('"red"')))).toEqual([]);
    expect(matchNames(await service.search(typed('"hochzeit anna"')))).toEqual(['Hochzeit Anna/DSC_0001.jpg']);
  });

  it('lists the library newest first with an empty query, and sorts matches by date', async () => {
    const timeline = await service.search(typed('', { k: 100 }));
    expect(timeline.total).toBe(NAMED.length);
    expect(timeline.matches).toBe(NAMED.length);
    const dates = timeline.hits.map((h) => h.takenAt!);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const oldest = await service.search(typed('red sort:oldest'));
    const matched = oldest.hits.slice(0, oldest.matches);
    expect(matched.map((h) => h.takenAt!)).toEqual(matched.map((h) => h.takenAt!).sort((a, b) => a - b));
    expect(oldest.matches).toBe(4);
  });
});
