import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

// Native modules (onnxruntime-node, better-sqlite3, hnswlib-node, sharp) stay external:
// they are loaded from node_modules (unpacked from asar in packaged builds).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Dependencies stay in node_modules: native modules cannot be bundled.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          // The engine process (utilityProcess); main.ts starts it from out/main/worker.js.
          worker: resolve('src-main/electron/worker.ts'),
          // The process that decodes one suspect photo on the engine's behalf (out/main/decode-probe.js).
          'decode-probe': resolve('src-main/electron/decode-probe-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot load modules: it must be one self-contained CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [svelte()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
