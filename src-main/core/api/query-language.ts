/**
 * The query language, for the front ends: the command line parses what the user
 * typed with the same module as the search box (core/search/query-language.ts).
 */
export { DEFAULT_EXCLUDE_WEIGHT, flagsToQuery, formatQuery, parseQuery, toSearchInput, type ParsedQuery } from '../search/query-language.ts';
