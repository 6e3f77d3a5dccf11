import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src-main/core/indexer/decode-for-model.ts';
import type { EvalReport } from '../../src-main/core/eval/evaluate.ts';
import { PHOTO_TEMPLATES } from '../../src-main/core/learn/labels/prompts.ts';
import { loadModel } from '../../src-main/core/models/clip-model.ts';
import { LibraryStore } from '../../src-main/core/store/library-store.ts';
import { EVAL_CLASSES, writeEvalFolder, type EvalFolder } from '../fixtures/class-folders.ts';
import { snapshotTree } from '../fixtures/photos.ts';
import { createScratch, type Scratch } from '../helpers/scratch-library.ts';

let scratch: Scratch;
let folder: EvalFolder;
let library: string;
let before: Map<string, string>;

beforeAll(async () => {
  scratch = await createScratch('eval');
  folder = await writeEvalFolder(scratch.root);
  library = scratch.dir('library');
  before = await snapshotTree(folder.root);
});

afterAll(() => scratch.cleanup());

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Share of rows whose true column is strictly above every other among the k best (a tie is a miss). */
function topK(scores: number[][], truth: number[], k: number): number {
  return scores.filter((row, i) => row.filter((s, j) => j !== truth[i] && s >= row[truth[i]]).length < k).length / scores.length;
}

describe('photo-search eval on a folder of class subfolders', () => {
  let report: EvalReport;

  beforeAll(async () => {
    const { code, out, err } = await scratch.cli(
      library,
      'eval',
      folder.root,
      '--captions',
      folder.captionsFile,
      '--prompts',
      folder.descriptionsFile,
      '--json',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    report = JSON.parse(out) as EvalReport;
    process.stdout.write(
      `\neval on ${folder.photos.length} generated photos, ${EVAL_CLASSES.length} classes:\n${JSON.stringify({ zeroShot: report.zeroShot, fewShot: report.fewShot, retrieval: report.retrieval }, null, 1)}\n`,
    );
  });

  it('matches an independent computation with the same prompts and embeddings', async () => {
    const model = await loadModel(scratch.modelDir, { intraOpThreads: 1 });
    try {
      const classes = [...EVAL_CLASSES.map((c) => c.name)].sort((a, b) => a.localeCompare(b));
      const photos = [...folder.photos].sort((a, b) => classes.indexOf(a.className) - classes.indexOf(b.className) || a.relPath.localeCompare(b.relPath));
      const images: Float32Array[] = [];
      for (const p of photos) {
        const { pixels } = await decodeForModel(path.join(folder.root, p.relPath), model.preprocess);
        images.push((await model.encodeImages(pixels, 1))[0]);
      }
      const truth = photos.map((p) => classes.indexOf(p.className));
      const bare = await model.encodeTexts(classes);
      const ensemble: number[][] = [];
      for (const name of classes) {
        const description = EVAL_CLASSES.find((c) => c.name === name)!.description;
        const prompts = [...PHOTO_TEMPLATES.map((t) => t.replace('{}', name)), description];
        const vectors = await model.encodeTexts(prompts);
        ensemble.push(unit(Array.from({ length: model.dim }, (_, d) => vectors.reduce((s, v) => s + v[d], 0))));
      }
      const bareScores = images.map((x) => bare.map((w) => dot(w, x)));
      const ensembleScores = images.map((x) => ensemble.map((w) => dot(w, x)));
      expect(report.classes.map((c) => c.name)).toEqual(classes);
      expect(report.images).toBe(photos.length);
      expect(report.zeroShot.bare.top1).toBeCloseTo(topK(bareScores, truth, 1), 12);
      expect(report.zeroShot.bare.top5).toBeCloseTo(topK(bareScores, truth, 5), 12);
      expect(report.zeroShot.ensemble.top1).toBeCloseTo(topK(ensembleScores, truth, 1), 12);
      expect(report.zeroShot.ensemble.top5).toBeCloseTo(topK(ensembleScores, truth, 5), 12);

      const captions = fs
        .readFileSync(folder.captionsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      const texts = await model.encodeTexts(captions.map(([, c]) => c));
      const ranks = captions.map(([rel], i) => {
        const target = photos.findIndex((p) => p.relPath === rel);
        const scores = images.map((x) => dot(texts[i], x));
        return scores.filter((s, j) => j !== target && s >= scores[target]).length;
      });
      const recall = (k: number) => ranks.filter((r) => r < k).length / ranks.length;
      expect(report.retrieval).toEqual({ captions: captions.length, recallAt1: recall(1), recallAt5: recall(5), recallAt10: recall(10) });
    } finally {
      await model.dispose();
    }
  });

  it('the prompt ensemble, the cache model and the trained head each beat the bare class names', () => {
    const bare = report.zeroShot.bare.top1;
    expect(bare).toBeLessThan(0.5);
    expect(report.zeroShot.ensemble.top1).toBeGreaterThan(bare);
    for (const method of ['cache', 'head']) {
      for (const shots of [1, 2, 4, 8, 16]) {
        const entry = report.fewShot.find((f) => f.method === method && f.shots === shots)!;
        expect(entry.runs).toHaveLength(3);
        expect(entry.mean).toBeCloseTo(entry.runs.reduce((a, b) => a + b, 0) / 3, 12);
        expect(entry.spread).toBeGreaterThanOrEqual(0);
        expect(entry.mean).toBeGreaterThan(bare);
      }
    }
  });

  it('reads the folder without writing to it and adds nothing to the library', async () => {
    expect(await snapshotTree(folder.root)).toEqual(before);
    const store = LibraryStore.open(library);
    try {
      expect(store.photos.count()).toBe(0);
      expect(store.db.prepare('SELECT count(*) FROM embeddings').pluck().get()).toBe(0);
    } finally {
      store.close();
    }
  });

  it('prints a table a person can read', async () => {
    const { code, out } = await scratch.cli(library, 'eval', folder.root, '--seeds', '2');
    expect(code).toBe(0);
    expect(out).toMatch(/6 classes, 120 photos/);
    expect(out).toMatch(/class name\s+\d+\.\d%/);
    expect(out).toMatch(/prompt ensemble \(16 templates\)/);
    expect(out).toMatch(/mean ± spread over 2 seeds/);
    expect(out).toMatch(/^\s+16\s+\d+\.\d% ± \d+\.\d/m);
    expect(out).not.toMatch(/retrieval/);
  });

  it('skips the shot counts a class has too few photos for, and says why', async () => {
    const small = await writeEvalFolder(path.join(scratch.root, 'small'), 3);
    const { code, out } = await scratch.cli(library, 'eval', small.root, '--json', '--seeds', '1');
    expect(code).toBe(0);
    const few = JSON.parse(out);
    const entries = few.fewShot.map((f: { method: string; shots: number; mean: number | null; spread: number | null; skipped?: string }) => [
      f.method,
      f.shots,
      f.mean !== null,
      f.spread,
    ]);
    expect(entries).toEqual([
      ['cache', 1, true, null],
      ['head', 1, true, null],
      ['cache', 2, true, null],
      ['head', 2, true, null],
      ['cache', 4, false, null],
      ['head', 4, false, null],
      ['cache', 8, false, null],
      ['head', 8, false, null],
      ['cache', 16, false, null],
      ['head', 16, false, null],
    ]);
    expect(few.fewShot[4].skipped).toBe('a class has 3 images; 4-shot needs 5 per class');
  });

  it.each([
    ['a folder with one class', () => path.join(folder.root, '..', 'one-class'), /only one class subfolder/],
    ['a folder that does not exist', () => path.join(folder.root, 'missing'), /Cannot read/],
  ])('refuses %s and says what it needs', async (_what, target, message) => {
    const one = path.join(folder.root, '..', 'one-class', 'only');
    fs.mkdirSync(one, { recursive: true });
    fs.copyFileSync(path.join(folder.root, folder.photos[0].relPath), path.join(one, 'a.jpg'));
    const { code, err } = await scratch.cli(library, 'eval', target());
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('names the line of a caption whose photo is not in the folder', async () => {
    const bad = path.join(scratch.root, 'bad-captions.tsv');
    fs.writeFileSync(bad, `${folder.photos[0].relPath}\tred circle\nnot/there.jpg\tblue\n`);
    const { code, err } = await scratch.cli(library, 'eval', folder.root, '--captions', bad);
    expect(code).toBe(2);
    expect(err).toMatch(/bad-captions\.tsv, line 2: not\/there\.jpg is not a photo/);
  });
});
