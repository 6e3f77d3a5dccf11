import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchPhotoText, type TextMatch } from '../../../src-main/core/text/search-text.ts';
import { photoRecord, reading, scratchLibrary } from './library-helpers.ts';

const OCR = 'pp-ocrv4-mobile-r1-aaaaaaaaaaaa';

/** Photos by name with the lines OCR gave for them (spaces and punctuation as OCR leaves them). */
const PHOTOS: Record<string, string[]> = {
  router: ['Network: Orchard', 'WiFi password: sunflower42'],
  chat: ['What is the WiFi again?', 'I forgot the password'],
  receipt: ['CAFE LUNA', 'Receipt #20419', '2 x Cappuccino', '7.80', 'Total', '11.00'],
  otherReceipt: ['CAFE LUNA', 'Receipt #31007', '1 x Espresso', 'Total'],
  slide: ['QuarterlyRoadmap2027', 'Launch the mobile beta'],
  welcome: ['欢迎光临', '谢谢惠顾'],
  station: ['北京西站', '出口'],
  password: ['PASSWORD RESET'],
  smartphone: ['Smartphone repair'],
  empty: [],
};

let lib: ReturnType<typeof scratchLibrary>;
const ids = new Map<string, number>();
const nameOf = (m: TextMatch) => [...ids].find(([, id]) => id === m.photoId)![0];
const search = (q: string) => searchPhotoText(lib.store.photoText, q);
const names = (q: string) => search(q).map(nameOf);

beforeAll(() => {
  lib = scratchLibrary('search-text');
  const folderId = lib.store.folders.ensure('/photos');
  lib.store.transaction(() => {
    for (const [name, lines] of Object.entries(PHOTOS)) {
      ids.set(name, lib.store.photos.insert(photoRecord(folderId, `/photos/${name}.jpg`, `hash-${name}`)));
      lib.store.photoText.write(`hash-${name}`, reading(OCR, lines));
    }
  });
});
afterAll(() => lib.cleanup());

describe('searching the words in photos', () => {
  it('needs every word, in any order, and ranks them together above them apart', () => {
    expect(names('wifi password')).toEqual(['router', 'chat']);
    expect(names('password wifi')[0]).toBe('router');
  });

  it('matches a quoted phrase only as written', () => {
    expect(names('"receipt #20419"')).toEqual(['receipt']);
    expect(names('"receipt 20419"')).toEqual(['receipt']);
    expect(names('"20419 receipt"')).toEqual([]);
  });

  it('matches parts of words, any case, and ranks word starts above the inside of words', () => {
    expect(names('cappucc')).toEqual(['receipt']);
    expect(names('CaPpUcCiNo')).toEqual(['receipt']);
    expect(names('phone')).toEqual(['smartphone']);
    const start = search('smart')[0];
    const inside = search('artph')[0];
    expect(start.score).toBeGreaterThan(inside.score);
  });

  it('does not depend on the spaces OCR kept or dropped', () => {
    expect(names('quarterly roadmap')).toEqual(['slide']);
    expect(names('"quarterly roadmap 2027"')).toEqual(['slide']);
    expect(names('cafeluna')).toEqual(expect.arrayContaining(['receipt', 'otherReceipt']));
  });

  it('finds Chinese words of any length without segmentation', () => {
    expect(names('欢迎')).toEqual(['welcome']);
    expect(names('出口')).toEqual(['station']);
    expect(names('西站')).toEqual(['station']);
    expect(names('光临谢谢')).toEqual(['welcome']);
  });

  it('forgives one wrong, missing or extra letter in words of five letters or more, ranked below exact hits', () => {
    for (const typo of ['pasword', 'passwerd', 'passsword']) {
      const found = search(typo);
      expect(found.map(nameOf), typo).toEqual(expect.arrayContaining(['router', 'chat', 'password']));
      expect(found.every((m) => !m.exact && m.score < 0.5)).toBe(true);
      expect(found[0].found).toEqual([expect.stringMatching(/^password$/i)]);
    }
    const mixed = search('wifi pasword');
    expect(mixed.map(nameOf)).toEqual(['router', 'chat']);
    expect(search('wifi password').every((m) => m.exact && m.score >= 0.5)).toBe(true);
    // Four letters are too few to guess at, and a quoted phrase is exact.
    expect(names('cafw')).toEqual([]);
    expect(names('"pasword"')).toEqual([]);
  });

  it('ranks an exact hit above any typo-forgiven one', () => {
    const results = search('espreso');
    expect(results.map(nameOf)).toEqual(['otherReceipt']);
    const exactLow = search('espresso')[0];
    expect(exactLow.score).toBeGreaterThan(results[0].score);
  });

  it('returns the matched lines with their outlines, the words found and a snippet', () => {
    const [hit] = search('wifi sunflower');
    expect(nameOf(hit)).toBe('router');
    expect(hit.exact).toBe(true);
    expect(hit.lines.map((l) => l.text)).toEqual(['WiFi password: sunflower42']);
    expect(hit.lines[0].box).toHaveLength(4);
    expect(hit.found).toEqual(['WiFi', 'sunflower']);
    expect(hit.snippet).toBe('WiFi password: sunflower42');
    const [spread] = search('luna 20419');
    expect(spread.lines.map((l) => l.text)).toEqual(['CAFE LUNA', 'Receipt #20419']);
    expect(spread.snippet).toBe('CAFE LUNA … Receipt #20419');
  });

  it('returns nothing for words no photo shows, for punctuation alone, and for an empty query', () => {
    expect(search('xyzzy')).toEqual([]);
    expect(search('zq')).toEqual([]);
    expect(search('!!!')).toEqual([]);
    expect(search('   ')).toEqual([]);
  });

  it('keeps to the limit, best first', () => {
    const all = searchPhotoText(lib.store.photoText, 'total');
    expect(all).toHaveLength(2);
    expect(searchPhotoText(lib.store.photoText, 'total', { limit: 1 })).toEqual([all[0]]);
  });
});
