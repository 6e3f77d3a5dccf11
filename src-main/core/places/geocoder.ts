import * as geokdbush from 'geokdbush';
import KDBush from 'kdbush';
import { InputError } from '../errors.ts';
import type { PlaceRecord } from '../store/photo-places.ts';
import { countryName } from './country-names.ts';
import { geoNamesDataVersion, loadGeoNamesData, type GeoNamesData } from './geonames-data.ts';

/** Where a photo was taken, in names a person uses (the fields are documented with PlaceRecord). */
export type GeocodedPlace = PlaceRecord;

/**
 * A position farther than this from every place of 1000 inhabitants has no place: the open
 * sea, the poles, the emptiest deserts. Photos in mountains and parks are well within it
 * (measured: Yosemite Valley 14 km, Everest base camp 12 km, the Matterhorn 9 km from the
 * place they get); farther out the nearest town may be across a border or a sea, and
 * naming it would mislead.
 */
export const MAX_DISTANCE_KM = 50;

/**
 * Each place is taken as a disc whose radius grows with the square root of its population
 * (the radius of a city of uniform density), and a position belongs to the place it is most
 * inside: the smallest distance / radius. A village 1 km away does not win over the centre of
 * a city of 2 million 4 km away (the Eiffel Tower is in Paris, not Neuilly). Places under
 * TOWN_POPULATION share the TOWN_RADIUS_KM floor, so among towns the nearest wins and a
 * village keeps its own photos even when a big city is 15 km off. Radius 2 km at 50,000
 * inhabitants is a density of about 4,000 per km², that of a European or Japanese town.
 */
const TOWN_RADIUS_KM = 2;
const TOWN_POPULATION = 50_000;

function reachKm(population: number): number {
  return TOWN_RADIUS_KM * Math.sqrt(Math.max(population, TOWN_POPULATION) / TOWN_POPULATION);
}

/** Bumped when the choice of place changes, so stored places are resolved again. */
const METHOD_VERSION = 'places-1';

let dataVersion: string | undefined;

/**
 * The version of the geocoder's method and data (package versions), without loading the
 * data: stored with each photo's place, so an update of either resolves every photo again.
 */
export function geocoderVersion(): string {
  dataVersion ??= `${METHOD_VERSION} ${geoNamesDataVersion()}`;
  return dataVersion;
}

/** Whether (latitude, longitude) in degrees is a position on Earth. */
export function isPosition(latitude: number, longitude: number): boolean {
  return Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}

/** Offline reverse geocoding over GeoNames' cities with at least 1000 inhabitants. */
export class ReverseGeocoder {
  private readonly reach: Float64Array;
  private readonly maxReach: number;
  private readonly countryNames: string[];
  /** The places above TOWN_POPULATION (a few thousand), indexed apart: only they can win from afar. */
  private readonly big: KDBush;
  private readonly bigIds: Int32Array;

  constructor(private readonly data: GeoNamesData) {
    this.reach = new Float64Array(data.count);
    const bigIds: number[] = [];
    let maxReach = TOWN_RADIUS_KM;
    for (let i = 0; i < data.count; i++) {
      this.reach[i] = reachKm(data.population[i]);
      maxReach = Math.max(maxReach, this.reach[i]);
      if (data.population[i] > TOWN_POPULATION) bigIds.push(i);
    }
    this.maxReach = maxReach;
    this.bigIds = Int32Array.from(bigIds);
    this.big = new KDBush(bigIds.length);
    for (const i of bigIds) this.big.add(data.longitude[i], data.latitude[i]);
    this.big.finish();
    this.countryNames = data.countryCodes.map(countryName);
  }

  /**
   * The city (town, village) a position is in, with its region and country; null when no
   * place is within MAX_DISTANCE_KM. Neighbourhoods are named only where no city is in reach.
   * 20-60 µs per call on a busy 2-core machine.
   *
   * @param latitude degrees, -90..90 (WGS 84, as EXIF GPS)
   * @param longitude degrees, -180..180
   * @throws InputError when a coordinate is not a number in range.
   */
  resolve(latitude: number, longitude: number): GeocodedPlace | null {
    if (!isPosition(latitude, longitude)) {
      throw new InputError(
        `${latitude},${longitude}`,
        `${latitude},${longitude} is not a position: latitude must be within ±90 and longitude within ±180 degrees.`,
      );
    }
    const { data } = this;
    const cityOnly = (i: number) => data.isCity[i] === 1;
    let only: ((i: number) => boolean) | undefined = cityOnly;
    let [nearest] = geokdbush.around(data.index, longitude, latitude, 1, MAX_DISTANCE_KM, cityOnly);
    if (nearest === undefined) {
      only = undefined;
      [nearest] = geokdbush.around(data.index, longitude, latitude, 1, MAX_DISTANCE_KM);
      if (nearest === undefined) return null;
    }
    let best = nearest;
    let bestDistance = this.distance(nearest, latitude, longitude);
    let bestScore = bestDistance / this.reach[nearest];
    const consider = (i: number) => {
      const d = this.distance(i, latitude, longitude);
      const score = d / this.reach[i];
      if (score < bestScore || (score === bestScore && data.population[i] > data.population[best])) {
        best = i;
        bestScore = score;
        bestDistance = d;
      }
    };
    // A place can beat `nearest` only if it is nearer than bestScore × its radius: for a
    // town that is a few km, so all places are searched that close, and the few big
    // places as far as the biggest radius allows.
    const bigOnly = only && ((j: number) => only(this.bigIds[j]));
    for (const j of geokdbush.around(this.big, longitude, latitude, Infinity, Math.min(MAX_DISTANCE_KM, bestScore * this.maxReach), bigOnly)) {
      consider(this.bigIds[j]);
    }
    for (const i of geokdbush.around(data.index, longitude, latitude, Infinity, Math.min(MAX_DISTANCE_KM, bestScore * TOWN_RADIUS_KM), only)) consider(i);
    const region = data.region[best];
    const country = data.country[best];
    return {
      placeId: data.geonameId[best],
      city: data.name[best],
      region: region >= 0 ? data.regionNames[region] : null,
      country: this.countryNames[country],
      countryCode: data.countryCodes[country],
      distanceKm: bestDistance,
      cityPopulation: data.population[best],
      regionPopulation: region >= 0 ? data.regionPopulation[region] : 0,
      countryPopulation: data.countryPopulation[country],
    };
  }

  /** Reads the data and builds the index; the returned `ms` is how long that took. */
  static load(): { geocoder: ReverseGeocoder; ms: number } {
    const start = performance.now();
    const geocoder = new ReverseGeocoder(loadGeoNamesData());
    return { geocoder, ms: performance.now() - start };
  }

  private distance(i: number, latitude: number, longitude: number): number {
    return geokdbush.distance(longitude, latitude, this.data.longitude[i], this.data.latitude[i]);
  }
}

let shared: { geocoder: ReverseGeocoder; ms: number } | undefined;

/**
 * The process-wide geocoder, loaded on the first call (1-2 s, about 20 MB kept, see
 * loadGeoNamesData), never at start-up: a library without GPS never loads it.
 *
 * @throws PhotoSearchError 'not-found' when the data packages are missing.
 */
export function reverseGeocoder(): ReverseGeocoder {
  shared ??= ReverseGeocoder.load();
  return shared.geocoder;
}

/** How long loading the shared geocoder took (ms), or null while it is not loaded. */
export function geocoderLoadMs(): number | null {
  return shared?.ms ?? null;
}
