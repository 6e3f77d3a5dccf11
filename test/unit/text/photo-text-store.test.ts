import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { searchPhotoText } from '../../../src-main/core/text/search-text.ts';
import { photoRecord, reading, scratchLibrary } from './library-helpers.ts';

const OCR = 'pp-ocrv4-mobile-r1-aaaaaaaaaaaa';
const NEWER_OCR = 'pp-ocrv5-mobile-r1-bbbbbbbbbbbb';

let lib: ReturnType<typeof scratchLibrary>;
let store: LibraryStore;
let folderId: number;

beforeEach(() => {
  lib = scratchLibrary('photo-text');
  store = lib.store;
  folderId = store.folders.ensure('/photos');
});
afterEach(() => lib.cleanup());

const toRead = () => store.photoText.toRead(OCR).map((j) => j.path);

describe('stored text of photos', () => {
  it('lists every photo until its content is read, once per content', () => {
    const a = store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.photos.insert(photoRecord(folderId, '/photos/b.jpg', 'hb'));
    store.photos.insert(photoRecord(folderId, '/photos/copy-of-a.jpg', 'ha'));
    expect(toRead()).toEqual(['/photos/a.jpg', '/photos/b.jpg']);
    store.transaction(() => store.photoText.write('ha', reading(OCR, ['CAFE LUNA'])));
    expect(toRead()).toEqual(['/photos/b.jpg']);
    expect(store.photoText.forPhoto(a)?.lines.map((l) => l.text)).toEqual(['CAFE LUNA']);
  });

  it('keeps the text of a photo moved or renamed, and shares it with copies', () => {
    const a = store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.transaction(() => store.photoText.write('ha', reading(OCR, ['Trains to Oxford'])));
    store.photos.move(a, folderId, { path: '/photos/2024/renamed.jpg', size: 1000, mtimeMs: 5, hash: 'ha' });
    const copy = store.photos.insert(photoRecord(folderId, '/photos/copy.jpg', 'ha'));
    expect(toRead()).toEqual([]);
    expect(store.photoText.forPhoto(a)?.lines[0].text).toBe('Trains to Oxford');
    expect(store.photoText.forPhoto(copy)?.lines[0].text).toBe('Trains to Oxford');
    expect(searchPhotoText(store.photoText, 'oxford').map((m) => m.photoId)).toEqual([a, copy]);
  });

  it('reads a changed photo again and forgets its old words', () => {
    const a = store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'old'));
    store.transaction(() => store.photoText.write('old', reading(OCR, ['NO PARKING'])));
    store.photos.update(a, photoRecord(folderId, '/photos/a.jpg', 'new'));
    expect(toRead()).toEqual(['/photos/a.jpg']);
    expect(store.photoText.forPhoto(a)).toBeUndefined();
    expect(store.photoText.prune()).toBe(1);
    expect(searchPhotoText(store.photoText, 'parking')).toEqual([]);
  });

  it('is untouched by a switch of the CLIP model, and read again by a new OCR model', () => {
    store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.transaction(() => store.photoText.write('ha', reading(OCR, ['EXIT'])));
    store.embeddings.registerModel({ id: '512d-another-clip', dim: 512, name: 'other', dir: '/m' });
    expect(toRead()).toEqual([]);
    expect(store.photoText.toRead(NEWER_OCR).map((j) => j.path)).toEqual(['/photos/a.jpg']);
    // Until the new model has read it, the old text still answers searches.
    expect(searchPhotoText(store.photoText, 'exit')).toHaveLength(1);
    store.transaction(() => store.photoText.write('ha', reading(NEWER_OCR, ['EXIT 4'])));
    expect(store.photoText.forPhoto(1)?.modelId).toBe(NEWER_OCR);
    expect(searchPhotoText(store.photoText, 'exit4')).toHaveLength(1);
  });

  it('records a failure with its reason and does not retry it with the same model', () => {
    const a = store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.transaction(() => store.photoText.writeFailure('ha', OCR, 'decode-failed', 'truncated file'));
    expect(toRead()).toEqual([]);
    expect(store.photoText.forPhoto(a)).toMatchObject({ status: 'failed', code: 'decode-failed', reason: 'truncated file', lines: [] });
    expect(store.photoText.failures()).toEqual([expect.objectContaining({ photoId: a, path: '/photos/a.jpg', reason: 'truncated file' })]);
    expect(store.photoText.toRead(NEWER_OCR)).toHaveLength(1);
  });

  it('tries again a photo whose file could not be opened', () => {
    store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.transaction(() => store.photoText.writeFailure('ha', OCR, 'file-unreadable', 'permission denied'));
    expect(toRead()).toEqual(['/photos/a.jpg']);
  });

  it('counts photos read, with text and failed', () => {
    store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.photos.insert(photoRecord(folderId, '/photos/a-copy.jpg', 'ha'));
    store.photos.insert(photoRecord(folderId, '/photos/b.jpg', 'hb'));
    store.photos.insert(photoRecord(folderId, '/photos/c.jpg', 'hc'));
    store.photos.insert(photoRecord(folderId, '/photos/d.jpg', 'hd'));
    store.transaction(() => {
      store.photoText.write('ha', reading(OCR, ['Menu']));
      store.photoText.write('hb', reading(OCR, []));
      store.photoText.writeFailure('hc', OCR, 'too-large', 'over the limit');
    });
    expect(store.photoText.counts()).toEqual({ photos: 5, read: 3, withText: 2, failed: 1 });
  });

  it('skips photos of an offline folder', () => {
    store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    store.folders.markScanned(folderId, false, 'drive unplugged');
    expect(toRead()).toEqual([]);
  });

  it('is on until the library turns it off', () => {
    expect(store.photoText.enabled()).toBe(true);
    store.photoText.setEnabled(false);
    expect(store.photoText.enabled()).toBe(false);
    store.photoText.setEnabled(true);
    expect(store.photoText.enabled()).toBe(true);
  });

  it('keeps lines, confidence and outlines (to 1/10,000 of the photo) as written', () => {
    const a = store.photos.insert(photoRecord(folderId, '/photos/a.jpg', 'ha'));
    const written = reading(OCR, ['WiFi password: sunflower42', '欢迎光临'], 0.875);
    store.transaction(() => store.photoText.write('ha', written));
    const stored = store.photoText.forPhoto(a)!;
    expect(stored.status).toBe('read');
    expect(stored.lines.map((l) => [l.text, l.confidence])).toEqual(written.lines.map((l) => [l.text, l.confidence]));
    stored.lines.forEach((line, i) =>
      line.box.forEach((p, k) => {
        expect(p.x).toBeCloseTo(written.lines[i].box[k].x, 4);
        expect(p.y).toBeCloseTo(written.lines[i].box[k].y, 4);
      }),
    );
  });
});
