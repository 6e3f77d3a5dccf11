import type { Database, Statement } from 'better-sqlite3';

/** A place as the geocoder (core/places) resolves it and this table stores it. */
export interface PlaceRecord {
  /** GeoNames geonameid of the city. */
  placeId: number;
  city: string;
  /** Admin-1 division (state, region, province: "Bavaria", "California"); null when GeoNames has no name for it. */
  region: string | null;
  /** English name ("United States", "Japan"). */
  country: string;
  /** ISO 3166-1 alpha-2 ("US", "JP"). */
  countryCode: string;
  /** Great-circle distance from the position to the city's GeoNames point, km. */
  distanceKm: number;
  /** Inhabitants of the city, and summed over the places of its region and country: how well known each is. */
  cityPopulation: number;
  regionPopulation: number;
  countryPopulation: number;
}

/** Where a photo was taken, as shown to a person ("Paris, Île-de-France, France"). */
export interface PhotoPlace {
  city: string;
  region: string | null;
  country: string;
  countryCode: string;
  /** From the position to the city's GeoNames point, km. */
  distanceKm: number;
}

/** A photo with GPS whose place is still to resolve. */
export interface PendingPhoto {
  id: number;
  latitude: number;
  longitude: number;
}

/** A city some photos of the library were taken in (table `places`). */
export interface StoredPlace {
  /** Row id: grows with every place added, never reused. */
  id: number;
  geonameId: number;
  city: string;
  region: string | null;
  country: string;
  countryCode: string;
  cityPopulation: number;
  regionPopulation: number;
  countryPopulation: number;
}

const PLACE_COLUMNS = 'pl.city, pl.region, pl.country, pl.country_code AS countryCode, pp.distance_km AS distanceKm';

/**
 * The place of each photo with GPS (tables places and photo_places, migration
 * addPhotoPlaces). A photo's row goes when the photo goes or its position changes; the
 * geocoder version in each row says whether it must be resolved again.
 */
export class PhotoPlaceTable {
  private readonly insertPlace: Statement;
  private readonly placeId: Statement;
  private readonly insertPhoto: Statement;

  constructor(private readonly db: Database) {
    this.insertPlace = db.prepare(
      `INSERT INTO places (version, geoname_id, city, region, country, country_code, city_population, region_population, country_population)
       VALUES (@version, @placeId, @city, @region, @country, @countryCode, @cityPopulation, @regionPopulation, @countryPopulation)
       ON CONFLICT (version, geoname_id) DO NOTHING`,
    );
    this.placeId = db.prepare('SELECT id FROM places WHERE version = ? AND geoname_id = ?').pluck();
    this.insertPhoto = db.prepare(
      `INSERT OR REPLACE INTO photo_places (photo_id, version, place_id, distance_km)
       SELECT @photoId, @version, @placeId, @distanceKm WHERE EXISTS (SELECT 1 FROM photos WHERE id = @photoId)`,
    );
  }

  /**
   * Photos with GPS that have no place yet, or one from another geocoder version, with
   * ids above `afterId`, in id order, at most `limit`: page through them with the last id.
   */
  pending(version: string, limit: number, afterId = 0): PendingPhoto[] {
    return this.db
      .prepare(
        `SELECT p.id, p.latitude, p.longitude FROM photos p
          WHERE p.id > ? AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM photo_places pp WHERE pp.photo_id = p.id AND pp.version = ?)
          ORDER BY p.id LIMIT ?`,
      )
      .all(afterId, version, limit) as PendingPhoto[];
  }

  countPending(version: string): number {
    return this.db
      .prepare(
        `SELECT count(*) FROM photos p WHERE p.latitude IS NOT NULL AND p.longitude IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM photo_places pp WHERE pp.photo_id = p.id AND pp.version = ?)`,
      )
      .pluck()
      .get(version) as number;
  }

  /**
   * Stores resolved places in one transaction; `place: null` records "nothing near", so
   * the photo is not resolved again until the geocoder version changes. A photo deleted
   * meanwhile is skipped.
   */
  write(version: string, results: ReadonlyArray<{ photoId: number; place: PlaceRecord | null }>): void {
    this.db.transaction(() => {
      const rowIds = new Map<number, number>();
      for (const { photoId, place } of results) {
        let placeId: number | null = null;
        if (place) {
          placeId = rowIds.get(place.placeId) ?? null;
          if (placeId === null) {
            this.insertPlace.run({ version, ...place });
            placeId = this.placeId.get(version, place.placeId) as number;
            rowIds.set(place.placeId, placeId);
          }
        }
        this.insertPhoto.run({ photoId, version, placeId, distanceKm: place?.distanceKm ?? null });
      }
    })();
  }

  /** Drops the places no photo refers to any more (after a data update or deletions). */
  pruneUnused(): number {
    return this.db.prepare('DELETE FROM places WHERE NOT EXISTS (SELECT 1 FROM photo_places pp WHERE pp.place_id = places.id)').run().changes;
  }

  /** Where a photo was taken; null when it has no GPS, is not resolved yet, or nothing is near. */
  place(photoId: number): PhotoPlace | null {
    const row = this.db.prepare(`SELECT ${PLACE_COLUMNS} FROM photo_places pp JOIN places pl ON pl.id = pp.place_id WHERE pp.photo_id = ?`).get(photoId);
    return (row as PhotoPlace | undefined) ?? null;
  }

  /** The places of many photos (a page of results); photos without one are left out. */
  places(photoIds: readonly number[]): Map<number, PhotoPlace> {
    const rows = this.db
      .prepare(
        `SELECT pp.photo_id AS id, ${PLACE_COLUMNS} FROM photo_places pp JOIN places pl ON pl.id = pp.place_id
          WHERE pp.photo_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(photoIds)) as Array<PhotoPlace & { id: number }>;
    return new Map(rows.map(({ id, ...place }) => [id, place]));
  }

  /** The id of the newest place row, 0 when none: places with a higher id were added since. */
  lastPlaceId(): number {
    return (this.db.prepare('SELECT max(id) FROM places').pluck().get() as number | null) ?? 0;
  }

  /** The cities photos were taken in (a handful to a few thousand), with ids above `afterId`, in id order. */
  placesAfter(afterId: number): StoredPlace[] {
    return this.db
      .prepare(
        `SELECT id, geoname_id AS geonameId, city, region, country, country_code AS countryCode, city_population AS cityPopulation,
                region_population AS regionPopulation, country_population AS countryPopulation
           FROM places WHERE id > ? ORDER BY id`,
      )
      .all(afterId) as StoredPlace[];
  }

  /** Ascending ids of the photos taken in any of these places (row ids of `places`). */
  photosInPlaces(placeIds: readonly number[]): number[] {
    return this.db
      .prepare('SELECT photo_id FROM photo_places WHERE place_id IN (SELECT value FROM json_each(?)) ORDER BY photo_id')
      .pluck()
      .all(JSON.stringify(placeIds)) as number[];
  }

  /** Ascending ids of the photos taken in a region (admin-1 name) of a country. */
  photosInRegion(countryCode: string, region: string): number[] {
    return this.db
      .prepare(
        `SELECT photo_id FROM photo_places WHERE place_id IN (SELECT id FROM places WHERE country_code = ? AND region = ?)
          ORDER BY photo_id`,
      )
      .pluck()
      .all(countryCode, region) as number[];
  }

  /** Ascending ids of the photos taken in a country (ISO 3166-1 alpha-2). */
  photosInCountry(countryCode: string): number[] {
    return this.db
      .prepare('SELECT photo_id FROM photo_places WHERE place_id IN (SELECT id FROM places WHERE country_code = ?) ORDER BY photo_id')
      .pluck()
      .all(countryCode) as number[];
  }
}
