import type { Database } from 'better-sqlite3';
import { PhotoPlaceTable, type StoredPlace } from '../store/photo-places.ts';
import { countryNames } from './country-names.ts';
import { nameVariants } from './place-names.ts';
import { placeTokens } from './place-text.ts';

export type PlaceKind = 'city' | 'region' | 'country';

/** The photos taken in one place a query named. */
export interface PlaceHit {
  kind: PlaceKind;
  /** For a reason line: "Paris, France", "Paris, Texas, United States", "Bavaria, Germany", "Japan". */
  label: string;
  /** Ascending ids. A photo is in one hit only: the most specific (city before region before country). */
  photoIds: number[];
}

/** Consecutive query words that name a place ("paris france", "new york"). */
export interface PlacePhrase {
  /** The words as typed, joined by spaces. */
  text: string;
  /** Indices into the words given: [start, end). */
  start: number;
  end: number;
  /** Every place of that name among the library's photos, better known (more populous) first. */
  places: PlaceHit[];
}

export interface PlaceQueryResult {
  /** In query order. */
  phrases: PlacePhrase[];
  /**
   * Ascending indices of the words the phrases took, with a preposition just before a
   * phrase ("in", "at", "near", "from", "around"); the rest is for the other sources.
   */
  consumed: number[];
}

interface Entry {
  kind: PlaceKind;
  countryCode: string;
  /** For a city and a region. */
  region: string | null;
  /** For a city: its rows in `places` (one per geocoder version). */
  placeIds: number[];
  city: string;
  country: string;
  prominence: number;
}

/** The names of the places in the library; grows as places are added, never rebuilt. */
interface NameIndex {
  table: PhotoPlaceTable;
  /** Rows of `places` up to this id are in. */
  lastId: number;
  /** Folded tokens joined by one space -> the places with that name. */
  names: Map<string, Entry[]>;
  longest: number;
  cities: Map<number, Entry>;
  regions: Map<string, Entry>;
  countries: Map<string, Entry>;
  /** Folded city name -> GeoNames ids: a name shared by several cities gets the region in its labels. */
  cityNames: Map<string, Set<number>>;
}

/** Words that are never a place on their own unless typed in capitals ("US" is the country, "us" is not). */
const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and around at by for from in into me my near of on or our photo photos picture pictures the to us we with'.split(' '),
);
const PREPOSITIONS: ReadonlySet<string> = new Set(['in', 'at', 'near', 'from', 'around']);

const indexes = new WeakMap<Database, NameIndex>();

/**
 * Finds the words of a query that name places where the library's photos were taken,
 * and those photos: "Paris", "paris france", "photos in Japan", "New York", "Bavaria",
 * "USA", "UK". Names are compared as folded tokens (case and accents ignored), longest
 * name first; a city followed by its region and/or country ("paris texas", "paris, france")
 * is one phrase naming that city only. Only names of places in the library are matched,
 * never all GeoNames cities: their index is built on the first query and then only
 * extended with the places added since, so a query costs well under a millisecond plus
 * reading the matched photo ids. Never throws on any input.
 *
 * @param store anything holding the library connection (a LibraryStore)
 * @param words the query's words as typed, in order
 */
export function findPlaces(store: { db: Database }, words: readonly string[]): PlaceQueryResult {
  const index = nameIndex(store.db);
  const { table } = index;
  const tokens: Array<{ token: string; word: number; typed: string }> = [];
  words.forEach((typed, word) => {
    for (const token of placeTokens(typed)) tokens.push({ token, word, typed });
  });

  const spans: Array<{ start: number; end: number; entries: Entry[] }> = [];
  for (let i = 0; i < tokens.length;) {
    let found: { end: number; entries: Entry[] } | undefined;
    for (let len = Math.min(index.longest, tokens.length - i); len > 0 && !found; len--) {
      const key = tokens
        .slice(i, i + len)
        .map((t) => t.token)
        .join(' ');
      const entries = index.names.get(key);
      if (!entries) continue;
      if (len === 1 && STOP_WORDS.has(key) && !isCapitals(tokens[i].typed)) continue;
      found = { end: i + len, entries };
    }
    if (found) {
      spans.push({ start: i, ...found });
      i = found.end;
    } else {
      i++;
    }
  }

  const phrases: PlacePhrase[] = [];
  const consumedTokens = new Set<number>();
  for (let s = 0; s < spans.length;) {
    let candidates = spans[s].entries;
    let last = s;
    while (last + 1 < spans.length && spans[last + 1].start === spans[last].end) {
      const qualifiers = spans[last + 1].entries;
      const narrowed = candidates.filter((c) => qualifiers.some((q) => qualifies(q, c)));
      if (narrowed.length === 0) break;
      candidates = narrowed;
      last++;
    }
    const start = spans[s].start;
    const end = spans[last].end;
    const places = hits(table, index, candidates);
    if (places.length > 0) {
      const first = tokens[start].word;
      const lastWord = tokens[end - 1].word;
      phrases.push({ text: words.slice(first, lastWord + 1).join(' '), start: first, end: lastWord + 1, places });
      for (let t = start; t < end; t++) consumedTokens.add(t);
      if (start > 0 && PREPOSITIONS.has(tokens[start - 1].token)) consumedTokens.add(start - 1);
    }
    s = last + 1;
  }

  const consumed = words
    .map((_, w) => w)
    .filter((w) => {
      const own = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.word === w);
      return own.length > 0 && own.every(([, i]) => consumedTokens.has(i));
    });
  return { phrases, consumed };
}

function isCapitals(typed: string): boolean {
  return /\p{Lu}/u.test(typed) && typed === typed.toUpperCase();
}

/** Whether `q` (a region or country named after `c`) narrows `c` to the places inside it. */
function qualifies(q: Entry, c: Entry): boolean {
  if (q.countryCode !== c.countryCode) return false;
  if (q.kind === 'country') return c.kind !== 'country';
  return q.kind === 'region' && c.kind === 'city' && q.region === c.region;
}

const SPECIFICITY: Record<PlaceKind, number> = { city: 0, region: 1, country: 2 };

function hits(table: PhotoPlaceTable, index: NameIndex, candidates: readonly Entry[]): PlaceHit[] {
  const found = candidates.map((entry) => ({ entry, photoIds: photosOf(table, entry) }));
  const taken = new Set<number>();
  for (const f of [...found].sort((a, b) => SPECIFICITY[a.entry.kind] - SPECIFICITY[b.entry.kind])) {
    f.photoIds = f.photoIds.filter((id) => !taken.has(id));
    for (const id of f.photoIds) taken.add(id);
  }
  return found
    .filter((f) => f.photoIds.length > 0)
    .sort((a, b) => b.entry.prominence - a.entry.prominence)
    .map(({ entry, photoIds }) => ({ kind: entry.kind, label: label(index, entry), photoIds }));
}

function photosOf(table: PhotoPlaceTable, entry: Entry): number[] {
  if (entry.kind === 'city') return table.photosInPlaces(entry.placeIds);
  if (entry.kind === 'region') return table.photosInRegion(entry.countryCode, entry.region ?? '');
  return table.photosInCountry(entry.countryCode);
}

function label(index: NameIndex, entry: Entry): string {
  if (entry.kind === 'country') return entry.country;
  if (entry.kind === 'region') return `${entry.region}, ${entry.country}`;
  const shared = (index.cityNames.get(placeTokens(entry.city).join(' '))?.size ?? 0) > 1;
  return shared && entry.region && entry.region !== entry.city ? `${entry.city}, ${entry.region}, ${entry.country}` : `${entry.city}, ${entry.country}`;
}

/** The library's name index, brought up to date with the places added since it was last used. */
function nameIndex(db: Database): NameIndex {
  let index = indexes.get(db);
  const table = index?.table ?? new PhotoPlaceTable(db);
  if (!index) {
    index = { table, lastId: 0, names: new Map(), longest: 0, cities: new Map(), regions: new Map(), countries: new Map(), cityNames: new Map() };
    indexes.set(db, index);
  }
  if (table.lastPlaceId() > index.lastId) {
    for (const place of table.placesAfter(index.lastId)) {
      addPlace(index, place);
      index.lastId = place.id;
    }
  }
  return index;
}

function addName(index: NameIndex, name: string, entry: Entry): void {
  const tokens = placeTokens(name);
  if (tokens.length === 0) return;
  const key = tokens.join(' ');
  const list = index.names.get(key);
  if (list?.includes(entry)) return;
  if (list) list.push(entry);
  else index.names.set(key, [entry]);
  index.longest = Math.max(index.longest, tokens.length);
}

function addPlace(index: NameIndex, p: StoredPlace): void {
  let city = index.cities.get(p.geonameId);
  if (city) {
    // The same city resolved by a newer geocoder version: newer names, same photos' city.
    city.placeIds.push(p.id);
    Object.assign(city, { region: p.region, city: p.city, country: p.country, prominence: p.cityPopulation });
  } else {
    city = { kind: 'city', countryCode: p.countryCode, region: p.region, placeIds: [p.id], city: p.city, country: p.country, prominence: p.cityPopulation };
    index.cities.set(p.geonameId, city);
  }
  for (const name of nameVariants(p.city)) addName(index, name, city);
  const folded = placeTokens(p.city).join(' ');
  const sharing = index.cityNames.get(folded) ?? new Set<number>();
  index.cityNames.set(folded, sharing.add(p.geonameId));

  const regionKey = `${p.countryCode}\u0000${p.region}`;
  if (p.region !== null && !index.regions.has(regionKey)) {
    const region: Entry = { ...city, kind: 'region', placeIds: [], city: '', prominence: p.regionPopulation };
    index.regions.set(regionKey, region);
    for (const name of nameVariants(p.region)) addName(index, name, region);
  }
  if (!index.countries.has(p.countryCode)) {
    const country: Entry = { ...city, kind: 'country', region: null, placeIds: [], city: '', prominence: p.countryPopulation };
    index.countries.set(p.countryCode, country);
    for (const name of new Set([p.country, ...countryNames(p.countryCode)])) addName(index, name, country);
  }
}

/**
 * The places an explicit place value names as a whole (`in:paris`, `in:"new york"`, a
 * place chip): the hits of one phrase covering every word, or [] when the value is not a
 * place of the library or has words left over ("paris hotel").
 *
 * @param store anything holding the library connection (a LibraryStore)
 * @param value the value as typed
 */
export function placeNamed(store: { db: Database }, value: string): PlaceHit[] {
  const words = value.split(/\s+/).filter(Boolean);
  const { phrases, consumed } = findPlaces(store, words);
  return phrases.length === 1 && consumed.length === words.length ? phrases[0].places : [];
}
