/**
 * A first look at a payload from a renderer, before its schema: IPC uses the
 * structured clone algorithm, so a compromised page can send much more than
 * JSON (Maps, typed arrays, own `__proto__` keys, deep or huge graphs). The
 * contract only ever needs plain data, so anything else is refused outright.
 */
export interface PayloadLimits {
  maxDepth: number;
  /** Values of any kind, counted over the whole payload. */
  maxNodes: number;
  /** Characters over all strings and keys. */
  maxChars: number;
}

// Generous next to the contract's own caps (100 folders of 4096 characters, 16 query terms).
export const defaultPayloadLimits: PayloadLimits = { maxDepth: 8, maxNodes: 5_000, maxChars: 1_000_000 };

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Why the payload is refused, or null when it is plain data within the limits. */
export function payloadProblem(payload: unknown, limits: PayloadLimits = defaultPayloadLimits): string | null {
  let nodes = 0;
  let chars = 0;
  const visit = (value: unknown, where: string, depth: number): string | null => {
    if (++nodes > limits.maxNodes) return `the payload has more than ${limits.maxNodes} values`;
    if (value === null || typeof value === 'boolean' || typeof value === 'number' || value === undefined) return null;
    if (typeof value === 'string') {
      chars += value.length;
      return chars > limits.maxChars ? `the payload holds more than ${limits.maxChars} characters` : null;
    }
    if (typeof value !== 'object') return `${where} is a ${typeof value}, which is not plain data`;
    if (depth >= limits.maxDepth) return `${where} is nested deeper than ${limits.maxDepth} levels`;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return `${where} is not a plain array`;
      for (let i = 0; i < value.length; i++) {
        const problem = visit(value[i], `${where}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) return `${where} is a ${value.constructor?.name ?? 'non-plain object'}, not a plain object`;
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'symbol') return `${where} has a symbol key`;
      if (forbiddenKeys.has(key)) return `${where} has the key "${key}", which is never valid`;
      chars += key.length;
      if (chars > limits.maxChars) return `the payload holds more than ${limits.maxChars} characters`;
      const problem = visit((value as Record<string, unknown>)[key], `${where}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  return visit(payload, 'payload', 0);
}
