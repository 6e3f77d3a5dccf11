import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { openImage } from '../../../src-main/core/media/decode.ts';
import { contentHash } from '../../../src-main/core/media/identity.ts';
import { OCR_INPUT_SIDE, PROBE_SIDE } from '../../../src-main/core/text/reader.ts';
import { searchPhotoText } from '../../../src-main/core/text/search-text.ts';
import { runTextStage, type PhotoTextReader, type TextStageProgress } from '../../../src-main/core/text/text-stage.ts';
import type { RgbImage, TextReading } from '../../../src-main/core/text/types.ts';
import { snapshotTree, writeJpegScene } from '../../fixtures/photos.ts';
import { band, scratchLibrary } from './library-helpers.ts';

/**
 * A stand-in reader: says which photo it saw by the size it was given, so the stage's
 * decoding, bookkeeping and failure handling are tested without the OCR model's cost.
 */
class FakeReader implements PhotoTextReader {
  readonly probed: Array<{ width: number; height: number }> = [];
  readonly seen: Array<{ width: number; height: number }> = [];
  /** Widths (of the small decode) the early exit says hold no text. */
  readonly blankWidths = new Set<number>();
  failOnWidth: number | null = null;
  afterRead: () => void = () => {};
  constructor(readonly modelId = 'fake-ocr-r1-000000000000') {}
  async ready(): Promise<void> {}
  async mayHoldText(image: RgbImage): Promise<boolean> {
    this.probed.push({ width: image.width, height: image.height });
    return !this.blankWidths.has(image.width);
  }
  async readText(image: RgbImage): Promise<TextReading> {
    this.seen.push({ width: image.width, height: image.height });
    if (image.data.length !== image.width * image.height * 3) throw new Error('not RGB');
    if (image.width === this.failOnWidth) throw new ModelError('model-invalid', '/models/ocr', 'the recogniser failed to run');
    this.afterRead();
    return { modelId: this.modelId, lines: [{ text: `photo ${image.width}x${image.height}`, confidence: 0.9, box: band(0.4) }] };
  }
}

let lib: ReturnType<typeof scratchLibrary>;
let photosDir: string;
let folderId: number;

async function addPhoto(name: string): Promise<number> {
  const file = path.join(photosDir, name);
  const opened = await openImage(file).catch(() => null);
  const stat = await fs.stat(file);
  return lib.store.photos.insert({
    folderId,
    path: file,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    hash: await contentHash(file, stat.size),
    width: opened?.meta.width ?? 0,
    height: opened?.meta.height ?? 0,
    format: opened?.meta.format ?? 'jpeg',
    ext: path.extname(name).slice(1),
    takenAt: null,
    camera: null,
    latitude: null,
    longitude: null,
  });
}

beforeEach(async () => {
  lib = scratchLibrary('text-stage');
  photosDir = path.join(lib.dir, 'photos');
  // Stored 2000x1000 but EXIF orientation 6: shown 1000x2000, so read at 640x1280.
  await writeJpegScene(path.join(photosDir, 'portrait.jpg'), { colour: 'blue', pattern: 'stripes', width: 1000, height: 2000 }, { orientation: 6 });
  await writeJpegScene(path.join(photosDir, 'small.jpg'), { colour: 'red', pattern: 'circle', width: 300, height: 200 });
  await fs.copyFile(path.join(photosDir, 'small.jpg'), path.join(photosDir, 'small-copy.jpg'));
  const whole = await fs.readFile(path.join(photosDir, 'portrait.jpg'));
  await fs.writeFile(path.join(photosDir, 'truncated.jpg'), whole.subarray(0, 2000));
  folderId = lib.store.folders.ensure(photosDir);
});
afterEach(() => lib.cleanup());

describe('the words-in-photos stage', () => {
  it('reads each content once, EXIF-oriented at OCR size, and records what it cannot read with why', async () => {
    const portrait = await addPhoto('portrait.jpg');
    const small = await addPhoto('small.jpg');
    const copy = await addPhoto('small-copy.jpg');
    const broken = await addPhoto('truncated.jpg');
    const reader = new FakeReader();
    const events: TextStageProgress[] = [];
    const before = await snapshotTree(photosDir);

    const result = await runTextStage(lib.store, reader, { onProgress: (p) => events.push(p) });

    expect(result).toMatchObject({ phase: 'done', total: 3, done: 3, withText: 2, failed: 1 });
    expect(reader.seen).toEqual(
      expect.arrayContaining([
        { width: OCR_INPUT_SIDE / 2, height: OCR_INPUT_SIDE },
        { width: 300, height: 200 },
      ]),
    );
    expect(reader.seen).toHaveLength(2);
    expect(lib.store.photoText.forPhoto(portrait)?.lines[0].text).toBe('photo 640x1280');
    expect(lib.store.photoText.forPhoto(copy)?.lines[0].text).toBe(lib.store.photoText.forPhoto(small)?.lines[0].text);
    expect(lib.store.photoText.forPhoto(broken)).toMatchObject({ status: 'failed', code: 'decode-failed' });
    expect(lib.store.photoText.forPhoto(broken)?.reason).toMatch(/\S/);
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: 3 });
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
    expect(await snapshotTree(photosDir)).toEqual(before);
  });

  it('reads nothing again, not for a moved photo, and a changed one again', async () => {
    const small = await addPhoto('small.jpg');
    const reader = new FakeReader();
    await runTextStage(lib.store, reader);
    expect(await runTextStage(lib.store, reader)).toMatchObject({ total: 0 });

    await fs.rename(path.join(photosDir, 'small.jpg'), path.join(photosDir, 'renamed.jpg'));
    const moved = path.join(photosDir, 'renamed.jpg');
    lib.store.photos.move(small, folderId, {
      path: moved,
      size: (await fs.stat(moved)).size,
      mtimeMs: 2,
      hash: lib.store.photos.byPath(path.join(photosDir, 'small.jpg'))!.hash,
    });
    expect(await runTextStage(lib.store, reader)).toMatchObject({ total: 0 });
    expect(searchPhotoText(lib.store.photoText, '300x200').map((m) => m.photoId)).toEqual([small]);

    await writeJpegScene(moved, { colour: 'green', pattern: 'plain', width: 320, height: 240 });
    const stat = await fs.stat(moved);
    lib.store.photos.update(small, { ...lib.store.photos.record(small)!, size: stat.size, mtimeMs: stat.mtimeMs, hash: await contentHash(moved, stat.size) });
    expect(await runTextStage(lib.store, reader)).toMatchObject({ total: 1, done: 1 });
    expect(searchPhotoText(lib.store.photoText, '300x200')).toEqual([]);
    expect(searchPhotoText(lib.store.photoText, '320x240').map((m) => m.photoId)).toEqual([small]);
  });

  it('stops at the early exit for photos it finds nothing in, without decoding them again', async () => {
    const portrait = await addPhoto('portrait.jpg');
    await addPhoto('small.jpg');
    const reader = new FakeReader();
    reader.blankWidths.add(PROBE_SIDE / 2);
    const result = await runTextStage(lib.store, reader);
    expect(result).toMatchObject({ done: 2, withText: 1, failed: 0 });
    expect(reader.probed).toEqual(
      expect.arrayContaining([
        { width: PROBE_SIDE / 2, height: PROBE_SIDE },
        { width: 300, height: 200 },
      ]),
    );
    expect(reader.seen).toEqual([{ width: 300, height: 200 }]);
    expect(lib.store.photoText.forPhoto(portrait)).toMatchObject({ status: 'read', lines: [] });
  });

  it('goes on past a photo the model fails on, recording the model’s reason', async () => {
    await addPhoto('small.jpg');
    const portrait = await addPhoto('portrait.jpg');
    const reader = new FakeReader();
    reader.failOnWidth = 640;
    const result = await runTextStage(lib.store, reader);
    expect(result).toMatchObject({ done: 2, failed: 1, withText: 1 });
    expect(lib.store.photoText.forPhoto(portrait)).toMatchObject({
      status: 'failed',
      code: 'model-invalid',
      reason: expect.stringContaining('recogniser failed'),
    });
  });

  it('stops when asked, keeping what it read, and the next run reads the rest', async () => {
    await addPhoto('portrait.jpg');
    await addPhoto('small.jpg');
    const controller = new AbortController();
    const reader = new FakeReader();
    reader.afterRead = () => controller.abort();
    const first = await runTextStage(lib.store, reader, { signal: controller.signal });
    reader.afterRead = () => {};
    expect(first).toMatchObject({ phase: 'cancelled', done: 1 });
    expect(lib.store.photoText.counts().read).toBe(1);
    expect(await runTextStage(lib.store, reader)).toMatchObject({ phase: 'done', total: 1, done: 1 });
  });

  it('reads nothing while paused', async () => {
    await addPhoto('portrait.jpg');
    await addPhoto('small.jpg');
    const reader = new FakeReader();
    let release!: () => void;
    const resumed = new Promise<void>((resolve) => (release = resolve));
    let pausedAt!: () => void;
    const pausing = new Promise<void>((resolve) => (pausedAt = resolve));
    let gateCalls = 0;
    const run = runTextStage(lib.store, reader, {
      gate: async () => {
        if (++gateCalls !== 2) return;
        pausedAt();
        await resumed;
      },
    });
    await pausing;
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(reader.seen).toHaveLength(1);
    release();
    expect(await run).toMatchObject({ done: 2 });
    expect(reader.seen).toHaveLength(2);
  });

  it('reports a model that cannot load before reading or recording anything', async () => {
    await addPhoto('small.jpg');
    const reader = new FakeReader();
    reader.ready = () => Promise.reject(new ModelError('model-missing', '/models/ocr', 'OCR model file det.onnx is missing.'));
    await expect(runTextStage(lib.store, reader)).rejects.toThrow(/det\.onnx is missing/);
    expect(lib.store.photoText.counts()).toMatchObject({ read: 0, failed: 0 });
  });
});
