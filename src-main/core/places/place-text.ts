/**
 * Place names and query words are compared as "folded tokens": Unicode NFD with the
 * combining marks removed, lower case, split on anything that is not a letter or a
 * digit. So "Île-de-France", "ile de france" and "ÎLE-DE-FRANCE" are the same three
 * tokens, and "Ōtsu" matches "otsu". Letters without a decomposition (ł, ø, ß) are kept.
 */
export function placeTokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
