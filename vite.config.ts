import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Two entries: the phone's page stays small (its own chunk, no instructor code), the tablet's carries the rest.
export default defineConfig({
  root: resolve(import.meta.dirname, 'client'),
  plugins: [svelte()],
  resolve: {
    alias: [
      {
        find: /^\.\/transports\/index\.js$/,
        customResolver: (_source, importer) =>
          importer?.includes('engine.io-client') ? resolve(import.meta.dirname, 'client/src/lib/websocket-only-transports.ts') : null,
        replacement: './transports/index.js',
      },
    ],
  },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    rollupOptions: {
      input: {
        participant: resolve(import.meta.dirname, 'client/participant.html'),
        instructor: resolve(import.meta.dirname, 'client/instructor.html'),
      },
    },
  },
});
