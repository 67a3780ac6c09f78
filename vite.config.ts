import { defineConfig, type UserConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { appServer, type AppServerOptions } from './src/server/mast-relay.ts';

/**
 * The app's Vite config. `npm start` (scripts/start.mjs) and the end-to-end tests serve the built
 * app with `vite preview` under it: security headers, the CSP, and the MAST relay (src/server/).
 * `npm start -- --mast BASE` reaches this file as TRANSIT_FEATURES_MAST.
 */
export function appConfig(server: AppServerOptions = {}): UserConfig {
  return {
    plugins: [svelte(), ...appServer(server)],
    // Relative asset paths so the built app also works from a sub-folder or a file server.
    base: './',
    worker: { format: 'es' },
    build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
    server: { port: 5173 },
    preview: { port: 4173, host: '127.0.0.1', strictPort: false },
  };
}

export default defineConfig(appConfig({ mast: process.env.TRANSIT_FEATURES_MAST || null }));
