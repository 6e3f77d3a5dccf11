/**
 * "Show where": on generated photos of one coloured shape on a grey background
 * (test/fixtures/shape-photos.ts), the heat map of the shape's colour, asked with
 * words or with an example photo, peaks on the shape.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import { heatMap, heatMapFromBoxes, type HeatMap } from '../../src-main/core/learn/heat-map.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';
import { writeJpegScene } from '../fixtures/photos.ts';
import type { Colour } from '../fixtures/scenes.ts';
import { writeShapePhotos, type ShapePhoto } from '../fixtures/shape-photos.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

const PHOTOS = 40;

let root: string;
let model: ClipModel;
let shapes: ShapePhoto[];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-learn-heat-map-'));
  await writeTinyModel(path.join(root, 'model'));
  model = await loadModel(path.join(root, 'model'), { intraOpThreads: 1 });
  shapes = await writeShapePhotos(path.join(root, 'photos'), PHOTOS);
});

afterAll(async () => {
  await model?.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The cell with the highest value overlaps the shape's bounding box. */
function peaksOnShape(map: HeatMap, photo: ShapePhoto): boolean {
  const best = map.values.indexOf(Math.max(...map.values));
  const column = best % map.columns;
  const row = Math.floor(best / map.columns);
  const cell = {
    left: (column * photo.width) / map.columns,
    top: (row * photo.height) / map.rows,
    width: photo.width / map.columns,
    height: photo.height / map.rows,
  };
  const { box } = photo;
  return cell.left < box.left + box.width && box.left < cell.left + cell.width && cell.top < box.top + box.height && box.top < cell.top + cell.height;
}

async function exampleOf(colour: Colour): Promise<Float32Array> {
  const file = path.join(root, `example-${colour}.jpg`);
  await writeJpegScene(file, { colour, pattern: 'plain', width: 200, height: 150 });
  const { pixels } = await decodeForModel(file, model.preprocess);
  const [v] = await model.encodeImages(pixels, 1);
  return v;
}

describe('where in the photo the query matches', () => {
  it('peaks on the queried shape in at least 90% of the photos, asked with words or an example, as displayed', async () => {
    const colours = [...new Set(shapes.map((s) => s.colour))];
    const words = new Map(colours.map((c, i) => [c, i]));
    const texts = await model.encodeTexts(colours);
    const examples = new Map<Colour, Float32Array>();
    for (const c of colours) examples.set(c, await exampleOf(c));
    const hits: boolean[] = [];
    for (const [n, photo] of shapes.entries()) {
      const query = n % 3 === 2 ? examples.get(photo.colour)! : texts[words.get(photo.colour)!];
      const map = await heatMap(photo.file, query, model);
      expect(map.values).toHaveLength(map.columns * map.rows);
      expect(Math.max(...map.values)).toBe(1);
      expect(map.values.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect([map.width, map.height]).toEqual([photo.width, photo.height]);
      expect(map.columns / map.rows).toBeCloseTo(photo.width / photo.height, 0);
      hits.push(peaksOnShape(map, photo));
    }
    const share = hits.filter(Boolean).length / hits.length;
    console.log(`heat map peaks on the shape in ${hits.filter(Boolean).length} of ${hits.length} photos`);
    expect(share).toBeGreaterThanOrEqual(0.9);
    // The photos stored turned are found too: the map is over the photo as displayed.
    expect(hits.filter((_, i) => shapes[i].orientation !== 1).filter(Boolean).length).toBeGreaterThanOrEqual(
      0.9 * shapes.filter((s) => s.orientation !== 1).length,
    );
  });

  it('is what "Show where" answers for an indexed photo, asked with words or another photo as the example', async () => {
    const service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir: path.join(root, 'model'), intraOpThreads: 1 });
    try {
      await service.index({ paths: [path.join(root, 'photos')] });
      const listed = (await service.search({ k: PHOTOS })).hits;
      const idOf = (file: string) => listed.find((h) => h.path === file)!.id;
      const [first, second] = shapes.filter((s) => s.colour === shapes[0].colour);
      const worded = await service.showWhere({ id: idOf(first.file), text: first.colour });
      expect(peaksOnShape(worded, first)).toBe(true);
      expect(worded).toMatchObject({ width: first.width, height: first.height });
      const byExample = await service.showWhere({ id: idOf(first.file), exampleId: idOf(second.file) });
      expect(byExample.values).toHaveLength(byExample.columns * byExample.rows);
      await expect(service.showWhere({ id: 999_999, text: 'red' })).rejects.toThrow(/not in the library/);
    } finally {
      await service.close();
    }
  });

  it('refuses a query from another model', async () => {
    await expect(heatMap(shapes[0].file, new Float32Array(model.dim + 1), model)).rejects.toThrow(/embedding of/);
  });

  it('draws the boxes of recognised text on the same grid', () => {
    const map = heatMapFromBoxes([[0, 0, 0.2, 0, 0.2, 0.2, 0, 0.2]], 640, 480);
    expect([map.columns, map.rows]).toEqual([7, 5]);
    expect(map.values[0]).toBe(1);
    expect(map.values[map.columns * map.rows - 1]).toBe(0);
    expect(map.values.filter((v) => v === 1)).toHaveLength(2);
  });
});
