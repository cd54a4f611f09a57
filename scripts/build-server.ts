/**
 * Compiles the server to plain JavaScript in dist/server, with the data files it reads at run time, so
 * `npm start` runs it with node alone: tsx's loader costs ~35 MB of memory and start-up time in production.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
// @ts-expect-error: plain JavaScript without declarations, shared with `npm start` (scripts/start.mjs).
import { BUILD_STAMP, sourceHash } from './source-hash.mjs';

rmSync('dist/server', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('server/starter-library', 'dist/server/server/starter-library', { recursive: true });
// What this build was made from: `npm start` skips the build while the sources still hash the same.
writeFileSync(BUILD_STAMP, `${sourceHash() as string}\n`);
