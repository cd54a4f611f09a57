/**
 * Attune as a separate process, the way `npm start` runs it: its own SQLite folder, port 0 (or a fixed one), and
 * the port read from its first log line. `stop()` ends the whole process group. With
 * `databaseUrl` and `redisUrl` several such processes serve the same classes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SERVER_NODE_ARGS } from '../../scripts/server-node-args.mjs';
import { SERVER_BUNDLE } from './server-bundle.js';

export interface SpawnedServer {
  url: string;
  dataDir: string;
  /** Everything the server logged, for tests that inspect the logs. */
  logs: string[];
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
  dataDir?: string;
  /** DATABASE_URL (e.g. from `createTestSchema()`); without it the process uses SQLite in `dataDir`. */
  databaseUrl?: string;
  /** REDIS_URL; without it the process shares its rooms with nobody. */
  redisUrl?: string;
  env?: Record<string, string>;
  /**
   * 'source' runs the source as Vitest's global setup bundled it (tests/helpers/server-bundle.ts; no build needed:
   * the tests); 'built' runs the compiled dist/server, as `npm start` does (the stories, and the bench, whose
   * memory figures must be production's). Both with plain node.
   */
  entry?: 'source' | 'built';
  /** A fixed port, so a restarted process (same `dataDir`) is found where its clients left it; default 0. */
  port?: number;
}

const ENTRY_ARGS = {
  source: [...SERVER_NODE_ARGS, '--enable-source-maps', SERVER_BUNDLE],
  // BENCH_CPU_PROF=DIR: each compiled server writes a CPU profile there when it exits (for Chromium's DevTools).
  built: [...SERVER_NODE_ARGS, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), 'dist/server/server/index.js'],
};

export async function spawnServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  if (options.entry === 'built' && !existsSync(ENTRY_ARGS.built.at(-1)!)) throw new Error('No compiled server: run `npm run build` first.');
  if (options.entry !== 'built' && !existsSync(SERVER_BUNDLE)) throw new Error('No server bundle: run the tests through Vitest (its global setup makes it).');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'attune-e2e-'));
  const child = spawn(process.execPath, ENTRY_ARGS[options.entry ?? 'source'], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // Unset unless asked for, whatever the shell running the tests has: undefined leaves a variable out.
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      // Every test client comes from 127.0.0.1: the per-address join limit is lifted unless a test sets it.
      JOIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '1000000',
      JOIN_ATTEMPTS_PER_MINUTE: '1000000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logs: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: on a busy 2-core machine a server takes over 10 s to load its modules.
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('')}`)), 45_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.join('')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      const port = parsePort(line);
      if (port) {
        clearTimeout(timer);
        resolve(port);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    logs,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, signal);
      await exited;
    },
  };
}

/**
 * A TCP port that was free a moment ago, for a server that must come back on the same port after a restart.
 * Drawn below the kernel's ephemeral range: a port from there can be taken, between the kill and the restart, by
 * any outgoing connection or port-0 listener of the tests running beside (CI saw EADDRINUSE on a restart).
 */
export async function freePort(): Promise<number> {
  const lowest = lowestEphemeralPort();
  const floor = 10_000;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * (lowest - floor));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${floor} and ${lowest}`);
}

function lowestEphemeralPort(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Removes a spawned server's data folder once no process uses it. */
export function removeDataDir(server: SpawnedServer): void {
  rmSync(server.dataDir, { recursive: true, force: true });
}

function parsePort(line: string): number | undefined {
  try {
    return (JSON.parse(line) as { port?: number }).port;
  } catch {
    return undefined;
  }
}

/** The bench's and the heap snapshot's 1,000-participant class: over the default cap of 300 a class takes. */
export const ONE_BIG_CLASS = { MAX_PARTICIPANTS_PER_CLASS: '1000' };
