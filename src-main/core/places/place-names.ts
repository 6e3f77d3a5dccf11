/** Generic words around a division's own name in GeoNames' admin-1 names ("State of Berlin", "Lạng Sơn Province"). */
const LEADING = /^(?:state|province|region|autonomous region|free state|land) of\s+/i;
const TRAILING = /\s+(?:province|region|prefecture|governorate|oblast|district|county|state)$/i;

/**
 * The names a person may type for a city or a region named `name` in GeoNames:
 * the name itself, without a parenthesis and the parenthesis alone
 * ("Ho Chi Minh City (HCMC)" -> "Ho Chi Minh City", "HCMC"), without generic words
 * ("State of Berlin" -> "Berlin", "Kyoto Prefecture" -> "Kyoto"), and without a trailing
 * "City" ("New York City" -> "New York", "Mexico City" -> "Mexico").
 */
export function nameVariants(name: string): string[] {
  const variants = new Set<string>([name]);
  const paren = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(name);
  if (paren) {
    variants.add(paren[1]);
    variants.add(paren[2]);
  }
  for (const v of [...variants]) {
    variants.add(v.replace(LEADING, '').replace(TRAILING, ''));
  }
  for (const v of [...variants]) {
    if (/\s+city$/i.test(v)) variants.add(v.replace(/\s+city$/i, ''));
  }
  return [...variants].map((v) => v.trim()).filter(Boolean);
}
