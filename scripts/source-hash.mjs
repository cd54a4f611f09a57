/**
 * The hash of every source dist/ is built from, and the stamp a build leaves in dist/: `npm start` rebuilds
 * only when they differ. Plain JavaScript: `npm start` reads it where no dev tool is installed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUILD_STAMP = 'dist/build-stamp';

const SOURCES = ['client', 'server', 'shared', 'scripts', 'package.json', 'package-lock.json', 'vite.config.ts', 'svelte.config.js', 'tsconfig.json', 'tsconfig.build.json'];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name === 'node_modules' || name.endsWith('.test.ts') ? [] : files(join(path, name))));
}

/** sha256 over the sources' paths and contents, in path order. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(files)) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}
