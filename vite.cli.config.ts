// The command line as one self-contained ESM file, dist/cli/transit-features.mjs, run with plain
// `node` (no tsx: tsx costs about 0.35 s per call before any work). Every dependency is bundled and
// the four WASM kernels (a few KB each) are inlined, so the file alone can be copied to a cluster.
// Built after the app's `vite build`, which empties dist/.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

const KERNELS = ['release', 'debug', 'tls-release', 'tls-debug'];

function inlinedKernels(): Record<string, string> {
  return Object.fromEntries(
    KERNELS.map((name) => {
      try {
        return [name, readFileSync(`build/kernels/${name}.wasm`).toString('base64')];
      } catch {
        throw new Error(`build/kernels/${name}.wasm is missing: run "npm run asbuild" before the CLI build`);
      }
    }),
  );
}

export default defineConfig({
  // The CLI has no public folder and no HTML; only the bundle goes out.
  publicDir: false,
  define: {
    __BUNDLED_KERNELS__: JSON.stringify(inlinedKernels()),
  },
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    rollupOptions: {
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: {
        format: 'es',
        entryFileNames: 'transit-features.mjs',
        banner: '#!/usr/bin/env node',
        inlineDynamicImports: true,
      },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});
