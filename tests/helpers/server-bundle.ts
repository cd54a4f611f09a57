/**
 * The server as one JavaScript file, built from the source by Vitest's global setup before any test runs, for the
 * tests that spawn servers as processes (restarts, SIGKILL, several processes). Started through tsx, each such
 * process spent ≈ 5.7 s of CPU loading and transforming the source on this 2-core machine; from the bundle ≈ 2.5 s,
 * and the soak tests start some twenty. Not dist/: a fresh clone passes the Vitest run before any build.
 *
 * It lives under node_modules/.cache so that its imports of packages (left out of the bundle) resolve from the
 * project's node_modules; the starter library files it reads at run time are copied beside it.
 */
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

export const SERVER_BUNDLE_DIR = 'node_modules/.cache/attune-test-server';
export const SERVER_BUNDLE = `${SERVER_BUNDLE_DIR}/index.js`;

export async function bundleServer(): Promise<void> {
  rmSync(SERVER_BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: ['server/index.ts'],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  cpSync('server/starter-library', `${SERVER_BUNDLE_DIR}/starter-library`, { recursive: true });
}
