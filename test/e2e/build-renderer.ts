/**
 * The end-to-end tests serve the renderer that `photo-search serve` builds on
 * demand (src-main/server/interface-build.ts); run directly, this builds it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, RENDERER_OUT, buildRenderer, ensureInterfaceBuilt } from '../../src-main/server/interface-build.ts';

export const ROOT = REPO_ROOT;
export { RENDERER_OUT };

/** Test files running in parallel share one build: the first builds, the others wait and reuse it. */
export async function ensureRendererBuilt(): Promise<void> {
  await ensureInterfaceBuilt();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildRenderer();
  console.log(`Built the interface into ${path.relative(process.cwd(), RENDERER_OUT) || RENDERER_OUT}`);
}
