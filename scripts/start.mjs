/**
 * `npm start`: builds what changed since the last build, then runs the compiled server with plain node.
 *
 * The sources that make up dist/ are hashed (scripts/source-hash.mjs) and compared with the stamp the last
 * build left in dist/build-stamp: unchanged sources start at once (a server killed mid-class answers again
 * within a couple of seconds instead of after a Vite build). A production install (`npm ci --omit=dev` plus
 * the built dist/) has no Vite or TypeScript: it starts whatever dist/ holds and never tries to build.
 * Plain JavaScript on purpose: it must run where no dev tool is installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { SERVER_NODE_ARGS } from './server-node-args.mjs';
import { BUILD_STAMP, sourceHash } from './source-hash.mjs';

const ENTRY = 'dist/server/server/index.js';

const canBuild = existsSync('node_modules/vite') && existsSync('node_modules/typescript');
const current = canBuild ? sourceHash() : null;
const stamped = existsSync(BUILD_STAMP) ? readFileSync(BUILD_STAMP, 'utf8').trim() : null;

if (canBuild && (current !== stamped || !existsSync(ENTRY))) {
  console.error('attune: sources changed since the last build; building');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else if (!existsSync(ENTRY)) {
  console.error(`attune: ${ENTRY} is missing and this install cannot build it (no dev dependencies): copy a built dist/ here`);
  process.exit(1);
}

// The server replaces this process's role: signals go to it, its exit code is ours.
const server = spawn(process.execPath, [...SERVER_NODE_ARGS, ENTRY], { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
