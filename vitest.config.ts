import { defineConfig } from 'vitest/config';

/**
 * Three projects (`npx vitest run --project NAME`, or `npm run test:unit`, `test:integration`, `test:soak`):
 * - unit: pure code beside its source, no I/O; fast.
 * - integration: real servers on port 0, real sockets, a real SQLite file, a PostgreSQL schema and a Redis database
 *   of their own per file, so files run in parallel workers.
 * - soak: the long ones (chaos, fuzz, server restarts, several processes), which spawn processes and load the
 *   machine: a group of their own, run after the other two are done.
 * None of them reads dist/: servers get a small stand-in client (tests/helpers/stub-client/), and spawned servers
 * run the source as the global setup bundles it once per run (tests/helpers/server-bundle.ts).
 */
const SOAK = ['tests/integration/chaos.test.ts', 'tests/integration/fuzz.test.ts', 'tests/integration/survive.test.ts', 'tests/integration/multi-process.test.ts'];

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: one, here. The integration and soak files spend most of
    // their time waiting on sockets, timers and child processes, so three at a time finish sooner on 2 cores.
    maxWorkers: 3,
    // A worker imports the server's modules once for all the files it runs, not once per file: the files keep no
    // state in modules between them (servers, sockets and storage are made and closed by each file), and
    // importing per file was a third of the run's CPU (149 → 114 s, 228 → 148 s of CPU on 2 cores).
    isolate: false,
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Spawned servers inherit it: the stand-in client, never dist/ (tests/helpers/test-server.ts).
    env: { CLIENT_DIR: 'tests/helpers/stub-client' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'client/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', sequence: { groupOrder: 0 }, include: ['tests/integration/**/*.test.ts'], exclude: SOAK },
      },
      {
        extends: true,
        // After the others (a group of its own), two files at a time.
        // Long by nature, and slowed most by a busy machine: their own tests' limits still apply where they set one.
        test: { name: 'soak', sequence: { groupOrder: 1 }, include: SOAK, testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
