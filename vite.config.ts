import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build, defineConfig, type BuildOptions, type Plugin, type UserConfig } from 'vite';

const client = resolve(import.meta.dirname, 'client');

/** What both pages build with. */
const shared = (): UserConfig => ({
  root: client,
  plugins: [svelte()],
});

/**
 * The tablet's page, built after the phone's into the same folder (its own manifest). Two builds, not two
 * entries of one: sharing a chunk with the tablet put Svelte runtime the tablet uses (select bindings, …)
 * into the phone's first load.
 */
function thenInstructor(): Plugin {
  let outDir = '';
  let sourcemap: BuildOptions['sourcemap'] = false;
  return {
    name: 'attune:then-instructor',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
      sourcemap = config.build.sourcemap;
    },
    async closeBundle() {
      await build({
        ...shared(),
        configFile: false,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          sourcemap,
          manifest: '.vite/instructor-manifest.json',
          rollupOptions: { input: { instructor: resolve(client, 'instructor.html') } },
        },
      });
    },
  };
}

// The phone's page stays small (a build of its own: no instructor code, no runtime only the tablet needs).
export default defineConfig(() => {
  const config = shared();
  return {
    ...config,
    plugins: [...config.plugins!, thenInstructor()],
    build: {
      outDir: resolve(import.meta.dirname, 'dist/client'),
      emptyOutDir: true,
      target: 'es2022',
      manifest: true,
      // The page's modulepreload links only speed up its lazy chunks; a browser without them loads each on use.
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: { participant: resolve(client, 'participant.html') },
      },
    },
  };
});
