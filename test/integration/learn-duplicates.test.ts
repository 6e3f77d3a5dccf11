/**
 * Near-duplicate groups on a generated set whose groups are known
 * (test/fixtures/duplicate-set.ts): originals with resized, re-encoded, cropped-by-2%,
 * EXIF-rotated, converted and lightly edited copies, a HEIC with its JPEG export, and
 * different photos in the same colours, which the tiny model embeds alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main.ts';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { findDuplicates, type DuplicateReport, type DuplicateSource } from '../../src-main/core/learn/duplicate-report.ts';
import { backfillPerceptualHashes, hashPhotoFile } from '../../src-main/core/learn/hash-backfill.ts';
import { PERCEPTUAL_HASH_VERSION } from '../../src-main/core/media/perceptual-hash.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import { ModelIndex } from '../../src-main/core/search/model-index.ts';
import { PerceptualHashTable } from '../../src-main/core/store/perceptual-hashes.ts';
import { snapshotTree } from '../fixtures/photos.ts';
import { writeDuplicateSet, type DuplicatePhoto } from '../fixtures/duplicate-set.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

let root: string;
let photosDir: string;
let service: PhotoSearchService;
let truth: DuplicatePhoto[];
let source: DuplicateSource;
let index: ModelIndex;
let before: Map<string, string>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-learn-duplicates-'));
  const modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
  photosDir = path.join(root, 'photos');
  truth = await writeDuplicateSet(photosDir);
  before = await snapshotTree(photosDir);
  service = PhotoSearchService.open({ libraryDir: path.join(root, 'library'), modelDir, intraOpThreads: 1 });
  await service.index({ paths: [photosDir] });
  const model = await loadModel(modelDir, { intraOpThreads: 1 });
  await model.dispose();
  const indexFile = service.paths.vectorIndex(model.id);
  index = ModelIndex.open(service.store, indexFile, model);
  index.save();
  source = { store: service.store, modelId: model.id, dim: model.dim, indexFile, live: index.hnsw };
});

afterAll(async () => {
  await service?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The groups as sets of file paths, sorted, for comparing with the truth. */
function asPaths(report: DuplicateReport): string[][] {
  return report.groups.map((g) => g.photos.map((p) => p.path).sort()).sort((a, b) => a[0].localeCompare(b[0]));
}

function trueGroups(): string[][] {
  const byGroup = new Map<number, string[]>();
  for (const p of truth) byGroup.set(p.group, [...(byGroup.get(p.group) ?? []), p.file]);
  return [...byGroup.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort())
    .sort((a, b) => a[0].localeCompare(b[0]));
}

describe('near-duplicate groups', () => {
  it('are prepared by indexing: every photo has its perceptual hash, and a library from before hashes gets them', async () => {
    expect(findDuplicates(source).unhashed).toBe(0);
    expect((await backfillPerceptualHashes(service.store)).hashed).toBe(0);
    service.store.db.prepare('DELETE FROM perceptual_hashes').run();
    const unhashed = findDuplicates(source);
    expect(unhashed.groups).toEqual([]);
    expect(unhashed.unhashed).toBe(truth.length);
    const progress: number[] = [];
    const result = await backfillPerceptualHashes(service.store, { batchSize: 16, onProgress: (p) => progress.push(p.done) });
    expect(result).toMatchObject({ hashed: truth.length, failed: [], remaining: 0 });
    expect(progress.at(-1)).toBe(truth.length);
  });

  it('equal the true groups exactly, from the saved index', () => {
    const report = findDuplicates(source);
    expect(report.graph).toBe('saved-index');
    expect(report.unhashed).toBe(0);
    expect(report.photos).toBe(truth.length);
    expect(asPaths(report)).toEqual(trueGroups());
  });

  it('equal them too when the saved index cannot be used and the live graph is searched', () => {
    const report = findDuplicates({ ...source, indexFile: path.join(root, 'no-such-index.hnsw') });
    expect(report.graph).toBe('searched');
    expect(asPaths(report)).toEqual(trueGroups());
  });

  it('need the perceptual hash: on embeddings alone, different photos of the same colours merge', () => {
    const report = findDuplicates(source, { threshold: 0.9, hashLimit: 64 });
    expect(report.groups.length).toBeLessThan(trueGroups().length);
    expect(report.groups.some((g) => new Set(g.photos.map((p) => truth.find((t) => t.file === p.path)!.group)).size > 1)).toBe(true);
  });

  it('suggest keeping the HEIC over its JPEG export, the full-size original over its copies, and say why', () => {
    const report = findDuplicates(source);
    for (const group of report.groups) {
      const kept = truth.find((t) => t.file === group.photos[0].path)!;
      expect(group.keep).toBe(group.photos[0].id);
      expect(['heic', 'original']).toContain(kept.kind);
      expect(group.reasons.length).toBeGreaterThan(0);
      expect(group.reclaimableBytes).toBe(group.photos.slice(1).reduce((sum, p) => sum + p.size, 0));
      expect(group.photos[0]).toMatchObject({ similarity: 1, hashDistance: 0 });
      for (const p of group.photos) {
        expect(p.folder).toBe(photosDir);
        expect(p.directory).toBe(path.dirname(p.path));
        expect(p.size).toBeGreaterThan(0);
        expect(p.similarity).toBeGreaterThanOrEqual(0.9);
      }
    }
    const heicGroup = report.groups.find((g) => g.photos[0].format === 'heif')!;
    expect(heicGroup.reasons).toContain('original format');
  });

  it('shrink as the threshold rises, and never merge different photos', () => {
    const strict = findDuplicates(source, { threshold: 1 });
    expect(strict.hashLimit).toBeLessThan(findDuplicates(source).hashLimit);
    const members = strict.groups.reduce((n, g) => n + g.photos.length, 0);
    expect(members).toBeLessThan(trueGroups().reduce((n, g) => n + g.length, 0));
    for (const g of strict.groups) expect(new Set(g.photos.map((p) => truth.find((t) => t.file === p.path)!.group)).size).toBe(1);
  });

  it('are what the duplicates command lists, the photo to keep first and why', async () => {
    const report = await service.duplicates({});
    expect(asPaths(report)).toEqual(trueGroups());
    const out: string[] = [];
    const io = { out: new Writable({ write: (chunk: Buffer, _enc, done) => (out.push(chunk.toString()), done()) }), err: process.stderr };
    expect(await main(['duplicates', '--library', path.join(root, 'library')], io as never)).toBe(0);
    const text = out.join('');
    expect(text).toContain(`${trueGroups().length} groups of near-duplicates among ${truth.length} photos`);
    expect(text).toContain('Nothing is deleted');
    for (const group of report.groups) expect(text).toContain(`  keep  ${group.photos[0].width}x${group.photos[0].height}`);
  });

  it('lose a photo’s hash when its content changes, and never write to the photo folders', async () => {
    const table = new PerceptualHashTable(service.store.db);
    const [first] = truth;
    const id = service.store.photos.byPath(first.file)!.id;
    expect(table.get(id, PERCEPTUAL_HASH_VERSION)).toBe(await hashPhotoFile(first.file));
    service.store.db.prepare("UPDATE photos SET hash = 'changed' WHERE id = ?").run(id);
    expect(table.get(id, PERCEPTUAL_HASH_VERSION)).toBeUndefined();
    expect(await snapshotTree(photosDir)).toEqual(before);
  });
});
