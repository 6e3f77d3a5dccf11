/**
 * The architecture as a lint rule: which parts of the tree may import which.
 *
 * - The engine (`src-main/core`) never imports Electron: it runs in plain Node (CLI, tests, browser mode).
 * - The renderer imports from `src-main` only the modules it shares with the engine (the contract and the
 *   query language), and no Node built-in; those shared modules import nothing but each other and zod.
 * - Inside the engine, the lower layers (store, vectors, media, models) import nothing from the layers built
 *   on them, except types from the contract.
 * - The front ends (cli, server, electron, preload) reach the engine through `core/api` only.
 * - The engine takes onnxruntime from `core/models/onnxruntime.ts` only, which turns its telemetry off.
 *
 * Relative specifiers are resolved against the importing file; package specifiers are checked by name.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Rule } from 'eslint';

/** Engine modules the renderer may import: plain TypeScript, no Node APIs. */
export const RENDERER_SHARED: ReadonlySet<string> = new Set([
  'src-main/core/api/contract.ts',
  'src-main/core/search/query-language.ts',
  'src-main/core/search/date-words.ts',
]);

/** Packages the shared modules may use: they run in the browser too. */
const SHARED_PACKAGES: ReadonlySet<string> = new Set(['zod']);

const LOWER_LAYERS = ['store', 'vectors', 'media', 'models'];
const HIGHER_LAYERS = ['indexer', 'search', 'learn', 'api', 'text', 'places', 'eval'];
const FRONT_ENDS = ['cli', 'server', 'electron', 'preload'];
const CONTRACT = 'src-main/core/api/contract.ts';
const ONNXRUNTIME = 'src-main/core/models/onnxruntime.ts';

const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function topFolder(rel: string, under: string): string | null {
  if (!rel.startsWith(`${under}/`)) return null;
  const rest = rel.slice(under.length + 1);
  return rest.includes('/') ? rest.split('/')[0] : null;
}

interface ImportSite {
  /** The specifier as written. */
  specifier: string;
  /** Repo-relative path it resolves to, for relative specifiers. */
  target: string | null;
  typeOnly: boolean;
}

/** Why `site` may not be imported from the file at repo-relative `from`, or null when it may. */
export function boundaryViolation(from: string, site: ImportSite): string | null {
  const { specifier, target } = site;
  if (RENDERER_SHARED.has(from)) {
    if (target !== null)
      return RENDERER_SHARED.has(target) ? null : `${from} is shared with the renderer: it may import only other shared modules, not ${target}.`;
    if (isNodeBuiltin(specifier)) return `${from} is shared with the renderer, which has no Node APIs: it cannot import ${specifier}.`;
    return SHARED_PACKAGES.has(packageName(specifier))
      ? null
      : `${from} is shared with the renderer: it may use only ${[...SHARED_PACKAGES].join(', ')}, not ${specifier}.`;
  }
  if (from.startsWith('src-renderer/')) {
    if (isNodeBuiltin(specifier)) return `The renderer runs without Node: it cannot import ${specifier}.`;
    if (target?.startsWith('src-main/') && !RENDERER_SHARED.has(target)) {
      return `The renderer may import from src-main only ${[...RENDERER_SHARED].join(', ')}; ${target} is engine code. Go through the contract.`;
    }
    return null;
  }
  if (from.startsWith('src-main/core/')) {
    if (specifier === 'electron' || specifier.startsWith('electron/')) return 'The engine (src-main/core) runs in plain Node and never imports electron.';
    if (specifier === 'onnxruntime-node' && !site.typeOnly && from !== ONNXRUNTIME) {
      return `The engine takes onnxruntime from ${ONNXRUNTIME}, which turns its telemetry off, not from onnxruntime-node directly.`;
    }
    const layer = topFolder(from, 'src-main/core');
    const targetLayer = target ? topFolder(target, 'src-main/core') : null;
    if (layer && LOWER_LAYERS.includes(layer) && targetLayer && HIGHER_LAYERS.includes(targetLayer)) {
      if (target === CONTRACT && site.typeOnly) return null;
      return `core/${layer} is a lower layer: it may not import from core/${targetLayer} (${target})${target === CONTRACT ? '; import the contract with `import type`' : ''}.`;
    }
    return null;
  }
  const frontEnd = topFolder(from, 'src-main');
  if (frontEnd && FRONT_ENDS.includes(frontEnd) && target?.startsWith('src-main/core/') && !target.startsWith('src-main/core/api/')) {
    return `The ${frontEnd} front end reaches the engine through src-main/core/api only, not ${target}.`;
  }
  return null;
}

function repoRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

const rule: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps imports pointing down the layers of the architecture (DESIGN.md).' },
    schema: [],
    messages: { boundary: '{{why}}' },
  },
  create(context) {
    const root = context.cwd;
    const from = repoRelative(root, context.filename);
    const check = (node: Rule.Node, source: unknown, typeOnly: boolean) => {
      if (typeof source !== 'string') return;
      const target = source.startsWith('.') ? repoRelative(root, path.resolve(path.dirname(context.filename), source)) : null;
      const why = boundaryViolation(from, { specifier: source, target, typeOnly });
      if (why) context.report({ node, messageId: 'boundary', data: { why } });
    };
    return {
      ImportDeclaration(node) {
        const typeOnly = (node as { importKind?: string }).importKind === 'type';
        check(node, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, (node as { exportKind?: string }).exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, (node as { exportKind?: string }).exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value, false);
      },
    };
  },
};

export default { rules: { 'import-boundaries': rule } };
