import { createRequire } from 'node:module';
import type { LocaleData } from 'i18n-iso-countries';

const require = createRequire(import.meta.url);

interface Countries {
  registerLocale(data: LocaleData): void;
  getName(code: string, lang: string, options: { select: 'all' }): string[] | undefined;
  getName(code: string, lang: string, options: { select: 'official' | 'alias' }): string | undefined;
}

let countries: Countries | undefined;

/**
 * i18n-iso-countries' Node entry registers all of its ~80 locales; only English is
 * needed, so the browser entry is loaded and English registered by hand, on first use.
 */
function library(): Countries {
  if (!countries) {
    countries = require('i18n-iso-countries/index.js') as Countries;
    countries.registerLocale(require('i18n-iso-countries/langs/en.json') as LocaleData);
  }
  return countries;
}

/** An abbreviation such as "UK", "USA" or "U.S.": a search alias, never a display name. */
const ABBREVIATION = /^[A-Z.]+$/;

/**
 * The English name a person would write for an ISO 3166-1 alpha-2 code (as GeoNames
 * uses them): the package's short alias when it reads as a name ("United States",
 * "Russia", "Iran", "Taiwan"), else its official name ("United Kingdom", "South Korea").
 * A code the package does not know (GeoNames has a few) is returned as given.
 */
export function countryName(code: string): string {
  const official = library().getName(code, 'en', { select: 'official' });
  if (!official) return code;
  const alias = library().getName(code, 'en', { select: 'alias' });
  return alias && !alias.includes(',') && !ABBREVIATION.test(alias) ? alias : official;
}

/**
 * Every English name and alias of a country, for matching query words:
 * US gives "United States of America", "United States", "USA", "U.S.A.", "US", "U.S.";
 * GB gives "United Kingdom", "UK", "Great Britain". Empty for an unknown code.
 */
export function countryNames(code: string): string[] {
  return library().getName(code, 'en', { select: 'all' }) ?? [];
}
