import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const RENDERER = path.join(ROOT, 'src-renderer');
const CONTRACT = path.join(ROOT, 'src-main/core/api/contract.ts');
/** Engine modules shared with the renderer: plain TypeScript without Node APIs (build/eslint/import-boundaries.ts, RENDERER_SHARED). */
const SHARED = ['src-main/core/search/query-language.ts', 'src-main/core/search/date-words.ts'].map((f) => path.join(ROOT, f));

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.(ts|svelte)$/.test(e.name) ? [full] : [];
  });
}

const IMPORT = /^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s+['"]([^'"]+)['"]/gm;

/**
 * The renderer runs without Node: it may take types from the contract and the query
 * language's parser from src-main, nothing else, and no Node built-in at all.
 */
describe('what the renderer imports', () => {
  const files = sources(RENDERER);

  it('finds the renderer sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [path.relative(RENDERER, f), f]))(
    '%s imports only contract types and the query language from src-main, and no Node module',
    (_name, file) => {
      const text = fs.readFileSync(file, 'utf8');
      for (const [, typeOnly, spec] of text.matchAll(IMPORT)) {
        expect(spec.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'electron'].includes(spec), spec).toBe(false);
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (inside(RENDERER, target) || SHARED.includes(target)) continue;
        expect(target, `${spec} leaves src-renderer`).toBe(CONTRACT);
        expect(typeOnly, `${spec} must be imported with \`import type\``).toBe('type ');
      }
      for (const [, spec] of text.matchAll(SIDE_EFFECT_IMPORT)) {
        if (spec.startsWith('.')) expect(inside(RENDERER, path.resolve(path.dirname(file), spec)), spec).toBe(true);
      }
    },
  );

  it.each(SHARED.map((f) => [path.relative(ROOT, f), f]))('the shared %s imports no Node module', (_name, file) => {
    for (const [, , spec] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      expect(spec.startsWith('.') || spec === 'zod', `${spec} in a module the renderer runs`).toBe(true);
    }
  });
});
