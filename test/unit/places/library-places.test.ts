import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReverseGeocoder, geocoderVersion } from '../../../src-main/core/places/geocoder.ts';
import { findPlaces, placeNamed } from '../../../src-main/core/places/place-query.ts';
import { resolvePlaces } from '../../../src-main/core/places/resolve-places.ts';
import { LibraryStore } from '../../../src-main/core/store/library-store.ts';
import { PhotoPlaceTable } from '../../../src-main/core/store/photo-places.ts';
import type { PhotoRecord } from '../../../src-main/core/store/photos.ts';

/** Where the test library's photos were taken (real coordinates), by file name. */
const POSITIONS: Record<string, [number, number] | null> = {
  'eiffel.jpg': [48.8584, 2.2945],
  'louvre.jpg': [48.8606, 2.3376],
  'notre-dame.jpg': [48.853, 2.3499],
  'paris-texas.jpg': [33.6609, -95.5555],
  'shibuya.jpg': [35.6595, 139.7005],
  'asakusa.jpg': [35.7148, 139.7967],
  'central-park.jpg': [40.7829, -73.9654],
  'times-square.jpg': [40.758, -73.9855],
  'marienplatz.jpg': [48.1374, 11.5755],
  'neuschwanstein.jpg': [47.5576, 10.7498],
  'hollywood.jpg': [34.1341, -118.3215],
  'london-eye.jpg': [51.5033, -0.1196],
  'atlantic.jpg': [30, -40],
  'no-gps.jpg': null,
};

let geocoder: ReverseGeocoder;
let dir: string;
let store: LibraryStore;
let ids: Record<string, number>;

beforeAll(() => {
  geocoder = ReverseGeocoder.load().geocoder;
});

function record(folderId: number, name: string, position: [number, number] | null): PhotoRecord {
  return {
    folderId,
    path: `/photos/${name}`,
    size: 1000,
    mtimeMs: 1,
    hash: name,
    width: 640,
    height: 480,
    format: 'jpeg',
    ext: 'jpg',
    takenAt: null,
    camera: null,
    latitude: position?.[0] ?? null,
    longitude: position?.[1] ?? null,
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-places-'));
  store = LibraryStore.open(dir);
  const folderId = store.folders.ensure('/photos');
  ids = Object.fromEntries(Object.entries(POSITIONS).map(([name, position]) => [name, store.photos.insert(record(folderId, name, position))]));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const idsOf = (...names: string[]) => names.map((n) => ids[n]).sort((a, b) => a - b);

describe('resolvePlaces', () => {
  it('gives every photo with GPS its place, and the open sea none', async () => {
    const result = await resolvePlaces(store, { geocoder });
    expect(result).toMatchObject({ resolved: 13, placed: 12, unplaced: 1 });
    const table = new PhotoPlaceTable(store.db);
    expect(table.place(ids['eiffel.jpg'])).toMatchObject({ city: 'Paris', region: 'Île-de-France', country: 'France', countryCode: 'FR' });
    expect(table.place(ids['shibuya.jpg'])).toMatchObject({ city: 'Tokyo', country: 'Japan' });
    expect(table.place(ids['atlantic.jpg'])).toBeNull();
    expect(table.place(ids['no-gps.jpg'])).toBeNull();
    expect([...table.places(idsOf('london-eye.jpg', 'atlantic.jpg', 'no-gps.jpg')).values()].map((p) => p.city)).toEqual(['London']);
  });

  it('resolves nothing twice, in batches, and a photo again when its position changes', async () => {
    const progress: number[] = [];
    expect((await resolvePlaces(store, { geocoder, batchSize: 5, onProgress: (done) => progress.push(done) })).resolved).toBe(13);
    expect(progress).toEqual([5, 10, 13]);
    expect((await resolvePlaces(store, { geocoder })).resolved).toBe(0);

    const moved = record(store.photos.record(ids['london-eye.jpg'])!.folderId, 'london-eye.jpg', POSITIONS['marienplatz.jpg']);
    store.photos.update(ids['london-eye.jpg'], moved);
    expect(new PhotoPlaceTable(store.db).place(ids['london-eye.jpg'])).toBeNull();
    expect(await resolvePlaces(store, { geocoder })).toMatchObject({ resolved: 1, placed: 1 });
    expect(new PhotoPlaceTable(store.db).place(ids['london-eye.jpg'])).toMatchObject({ city: 'Munich', region: 'Bavaria' });
  });

  it('resolves again the photos a previous version of the geocoder resolved', async () => {
    const table = new PhotoPlaceTable(store.db);
    table.write('places-0 old data', [{ photoId: ids['eiffel.jpg'], place: null }]);
    expect(table.countPending(geocoderVersion())).toBe(13);
    expect(table.pending(geocoderVersion(), 100).map((p) => p.id)).toContain(ids['eiffel.jpg']);
    expect((await resolvePlaces(store, { geocoder })).resolved).toBe(13);
    expect(table.place(ids['eiffel.jpg'])?.city).toBe('Paris');
  });

  it('stops after the batch in flight when aborted, and the next run finishes', async () => {
    const stop = new AbortController();
    const first = await resolvePlaces(store, { geocoder, batchSize: 4, onProgress: () => stop.abort(), signal: stop.signal });
    expect(first.resolved).toBe(4);
    expect((await resolvePlaces(store, { geocoder })).resolved).toBe(9);
  });

  it('skips a photo deleted before its place is written', () => {
    const table = new PhotoPlaceTable(store.db);
    const place = geocoder.resolve(48.8584, 2.2945);
    store.photos.remove([ids['eiffel.jpg']]);
    table.write(geocoderVersion(), [{ photoId: ids['eiffel.jpg'], place }]);
    expect(table.place(ids['eiffel.jpg'])).toBeNull();
  });
});

describe('findPlaces', () => {
  beforeEach(async () => {
    await resolvePlaces(store, { geocoder });
  });

  const find = (query: string) => findPlaces(store, query.split(' '));
  const photos = (query: string) =>
    find(query)
      .phrases.flatMap((p) => p.places.flatMap((h) => h.photoIds))
      .sort((a, b) => a - b);

  it('finds a city, every place of an ambiguous name better known first, each labelled', () => {
    const { phrases, consumed } = find('Paris');
    expect(consumed).toEqual([0]);
    expect(phrases).toEqual([
      {
        text: 'Paris',
        start: 0,
        end: 1,
        places: [
          { kind: 'city', label: 'Paris, Île-de-France, France', photoIds: idsOf('eiffel.jpg', 'louvre.jpg', 'notre-dame.jpg') },
          { kind: 'city', label: 'Paris, Texas, United States', photoIds: idsOf('paris-texas.jpg') },
        ],
      },
    ]);
  });

  it.each([
    ['paris france', ['eiffel.jpg', 'louvre.jpg', 'notre-dame.jpg']],
    ['Paris, Texas', ['paris-texas.jpg']],
    ['tokyo', ['shibuya.jpg', 'asakusa.jpg']],
    ['photos in Japan', ['shibuya.jpg', 'asakusa.jpg']],
    ['New York', ['central-park.jpg', 'times-square.jpg']],
    ['new york city', ['times-square.jpg']],
    ['Bavaria', ['marienplatz.jpg', 'neuschwanstein.jpg']],
    ['munich germany', ['marienplatz.jpg']],
    ['California', ['hollywood.jpg']],
    ['los angeles', ['hollywood.jpg']],
    ['USA', ['paris-texas.jpg', 'central-park.jpg', 'times-square.jpg', 'hollywood.jpg']],
    ['United States', ['paris-texas.jpg', 'central-park.jpg', 'times-square.jpg', 'hollywood.jpg']],
    ['UK', ['london-eye.jpg']],
    ['île-de-france', ['eiffel.jpg', 'louvre.jpg', 'notre-dame.jpg']],
    ['ILE DE FRANCE', ['eiffel.jpg', 'louvre.jpg', 'notre-dame.jpg']],
  ])('"%s" finds the photos taken there', (query, names) => {
    expect(photos(query)).toEqual(idsOf(...names));
  });

  it.each([['dog on a beach'], ['photos of us'], ['sunset in the mountains'], ['Rome'], ['Atlantic']])('"%s" names no place of the library', (query) => {
    expect(find(query)).toEqual({ phrases: [], consumed: [] });
  });

  it('says which words it took, with the preposition before a place, and leaves the rest', () => {
    expect(find('red car in Paris France at night')).toMatchObject({
      phrases: [{ text: 'Paris France', start: 3, end: 5 }],
      consumed: [2, 3, 4],
    });
    expect(find('Tokyo and London').phrases.map((p) => [p.text, p.places.map((h) => h.label)])).toEqual([
      ['Tokyo', ['Tokyo, Japan']],
      ['London', ['London, United Kingdom']],
    ]);
  });

  it('labels a region or country match, and puts a photo under its most specific place', () => {
    expect(find('New York').phrases[0].places).toEqual(
      expect.arrayContaining([
        { kind: 'city', label: 'New York City, United States', photoIds: idsOf('times-square.jpg') },
        { kind: 'region', label: 'New York, United States', photoIds: idsOf('central-park.jpg') },
      ]),
    );
    expect(find('Japan').phrases[0].places).toEqual([{ kind: 'country', label: 'Japan', photoIds: idsOf('shibuya.jpg', 'asakusa.jpg') }]);
  });

  it('takes an explicit place value (in:, a chip) only when all of it names one place', () => {
    expect(placeNamed(store, 'new york city')).toEqual([{ kind: 'city', label: 'New York City, United States', photoIds: idsOf('times-square.jpg') }]);
    expect(placeNamed(store, 'Paris, France').map((h) => h.label)).toEqual(['Paris, Île-de-France, France']);
    expect(placeNamed(store, 'paris hotel')).toEqual([]);
    expect(placeNamed(store, 'Tokyo London')).toEqual([]);
    expect(placeNamed(store, '')).toEqual([]);
  });

  it('sees places resolved and photos deleted after an earlier query', async () => {
    expect(find('Rome').phrases).toEqual([]);
    expect(photos('Paris')).toContain(ids['louvre.jpg']);
    const folderId = store.folders.ensure('/photos');
    const colosseum = store.photos.insert(record(folderId, 'colosseum.jpg', [41.8902, 12.4922]));
    store.photos.remove([ids['louvre.jpg']]);
    await resolvePlaces(store, { geocoder });
    expect(photos('Rome')).toEqual([colosseum]);
    expect(photos('Paris')).not.toContain(ids['louvre.jpg']);
  });
});
