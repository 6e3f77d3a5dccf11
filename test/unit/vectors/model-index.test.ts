import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelIndex } from '../../../src-main/core/search/model-index.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { randomUnitVector, seededRandom } from './random-vectors.ts';

const DIM = 16;
const COUNT = 40;
const model = { id: '16d-test', dim: DIM, name: 'test model', dir: '/models/test' };

let root: string;
const stores: LibraryStore[] = [];

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-model-index-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function indexFile(libraryDir: string): string {
  return path.join(libraryDir, 'index', `${model.id}.hnsw`);
}

/** A library of COUNT photos with vectors drawn from `seed`, written the way indexing writes them. */
function library(name: string, seed: number): { dir: string; store: LibraryStore; vectors: Float32Array[] } {
  const dir = path.join(root, name);
  const store = LibraryStore.open(dir);
  stores.push(store);
  const rand = seededRandom(seed);
  const vectors = Array.from({ length: COUNT }, () => randomUnitVector(DIM, rand));
  const folderId = store.folders.ensure('/photos');
  store.embeddings.registerModel(model);
  store.transaction(() => {
    vectors.forEach((vector, i) => {
      const id = store.photos.insert({
        folderId,
        path: `/photos/${i}.jpg`,
        size: 1000 + i,
        mtimeMs: 1,
        hash: `h${i}`,
        width: 10,
        height: 10,
        format: 'jpeg',
        ext: 'jpg',
        takenAt: null,
        camera: null,
        latitude: null,
        longitude: null,
      });
      store.embeddings.put(id, model.id, 'v1', vector);
    });
    store.embeddings.bump([model.id]);
  });
  return { dir, store, vectors };
}

function copyIndex(fromDir: string, toDir: string): void {
  for (const suffix of ['', '.json']) fs.copyFileSync(indexFile(fromDir) + suffix, indexFile(toDir) + suffix);
}

function reopen(lib: { dir: string; store: LibraryStore }): ModelIndex {
  return ModelIndex.open(lib.store, indexFile(lib.dir), model);
}

describe('ModelIndex: the saved index belongs to this library and its contents', () => {
  it("refuses another library's index files even when model, dimension, count and generation match", () => {
    const mine = library('mine', 1);
    const theirs = library('theirs', 2);
    reopen(mine);
    reopen(theirs);
    copyIndex(theirs.dir, mine.dir);

    const opened = reopen(mine);
    expect(opened.openState).toMatchObject({ rebuilt: true, reason: expect.stringMatching(/another library/) });
    mine.vectors.forEach((v, i) => expect(opened.hnsw.search(v, 1)[0].id).toBe(i + 1));
  });

  it('refuses an index of a copy of this library whose photos have other vectors since', () => {
    const mine = library('mine', 1);
    reopen(mine);
    const copyDir = path.join(root, 'copy');
    fs.cpSync(mine.dir, copyDir, { recursive: true });
    const copy = { dir: copyDir, store: LibraryStore.open(copyDir) };
    stores.push(copy.store);

    // The same writes on both sides, except that the copy's photo 1 now looks like something else.
    const other = randomUnitVector(DIM, seededRandom(99));
    for (const [lib, vector] of [
      [mine, mine.vectors[0]],
      [copy, other],
    ] as const) {
      lib.store.transaction(() => {
        lib.store.embeddings.put(1, model.id, 'v1', vector);
        lib.store.embeddings.bump([model.id]);
      });
    }
    reopen(mine);
    copyIndex(mine.dir, copy.dir);

    const opened = reopen(copy);
    expect(opened.openState).toMatchObject({ rebuilt: true, reason: expect.stringMatching(/other photos or vectors/) });
    expect(opened.hnsw.search(other, 1)[0]).toMatchObject({ id: 1, score: expect.closeTo(1, 5) });
  });

  it('never saves a graph stamped with a state it does not hold: changes made through another connection are in it first', () => {
    const mine = library('mine', 1);
    reopen(mine);
    const loaded = reopen(mine);
    // Another process adds a photo while this one removes one of its own.
    const other = LibraryStore.open(mine.dir);
    stores.push(other);
    const added = randomUnitVector(DIM, seededRandom(7));
    other.transaction(() => {
      const id = other.photos.insert({ ...other.photos.record(1)!, path: '/photos/added.jpg', hash: 'added' });
      other.embeddings.put(id, model.id, 'v1', added);
    });
    mine.store.transaction(() => mine.store.photos.remove([2]));
    loaded.remove([2]);
    loaded.checkpoint();

    const opened = reopen(mine);
    expect(opened.openState).toMatchObject({ rebuilt: false });
    expect(opened.size).toBe(COUNT);
    expect(opened.hnsw.search(added, 1)[0]).toMatchObject({ id: COUNT + 1, score: expect.closeTo(1, 5) });
  });

  it('catches up with vectors another connection added or removed, in one call', () => {
    const mine = library('mine', 1);
    const loaded = reopen(mine);
    const other = LibraryStore.open(mine.dir);
    stores.push(other);
    const added = randomUnitVector(DIM, seededRandom(8));
    other.transaction(() => {
      other.embeddings.put(other.photos.insert({ ...other.photos.record(1)!, path: '/photos/added.jpg', hash: 'added' }), model.id, 'v1', added);
      other.photos.remove([3]);
      other.embeddings.put(4, model.id, 'v1', added);
    });
    expect(loaded.refresh()).toBe(3);
    expect(loaded.size).toBe(COUNT);
    expect(loaded.hnsw.search(mine.vectors[2], 1)[0].id).not.toBe(3);
    expect(
      loaded.hnsw
        .search(added, 2)
        .map((h) => h.id)
        .sort(),
    ).toEqual([4, COUNT + 1]);
    expect(loaded.refresh()).toBe(0);
  });

  it('reopens its own saved index without rebuilding', () => {
    const mine = library('mine', 1);
    reopen(mine);
    expect(reopen(mine).openState).toMatchObject({ rebuilt: false, reason: null });
  });
});

describe('ModelIndex.load: answers from the saved vectors while the graph loads', () => {
  it('answers exactly before the graph is in, the same as the graph after', async () => {
    const mine = library('mine', 3);
    reopen(mine);
    const index = await ModelIndex.load(mine.store, indexFile(mine.dir), model);
    expect(index.graphLoaded).toBe(false);
    const before = mine.vectors.map((v) => index.nearest(v, 3).map((h) => h.id));
    await index.whenGraphLoaded();
    expect(index.graphLoaded).toBe(true);
    expect(mine.vectors.map((v) => index.nearest(v, 3).map((h) => h.id))).toEqual(before);
    expect(index.openState).toMatchObject({ rebuilt: false });
  });

  it('keeps what was added and removed while the graph loaded, in the graph and in what it saves', async () => {
    const mine = library('mine', 4);
    reopen(mine);
    const index = await ModelIndex.load(mine.store, indexFile(mine.dir), model);
    const added = randomUnitVector(DIM, seededRandom(99));
    mine.store.transaction(() => {
      mine.store.embeddings.put(2, model.id, 'v1', added);
      mine.store.photos.remove([5]);
      mine.store.embeddings.bump([model.id]);
    });
    index.add(2, added);
    index.remove([5]);
    // Saving before the background load ends loads the graph at once, so what is saved is never behind.
    expect(index.save()).toBe(true);
    expect(index.graphLoaded).toBe(true);
    await index.whenGraphLoaded();
    expect(index.hnsw.search(added, 1)[0]).toMatchObject({ id: 2, score: expect.closeTo(1, 5) });
    expect(index.hnsw.search(mine.vectors[4], 5).map((h) => h.id)).not.toContain(5);
    const reopened = reopen(mine);
    expect(reopened.openState.rebuilt).toBe(false);
    expect(reopened.nearest(added, 1)[0].id).toBe(2);
  });

  it('opens a library saved before the vectors were kept beside the graph, and keeps them from then on', async () => {
    const mine = library('mine', 5);
    reopen(mine);
    fs.rmSync(path.join(mine.dir, 'index', `${model.id}.vectors`));
    const index = await ModelIndex.load(mine.store, indexFile(mine.dir), model);
    expect(index.graphLoaded).toBe(true);
    expect(fs.existsSync(path.join(mine.dir, 'index', `${model.id}.vectors`))).toBe(true);
    expect(index.nearest(mine.vectors[0], 1)[0].id).toBe(1);
  });
});
