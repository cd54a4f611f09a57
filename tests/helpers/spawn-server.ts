/**
 * Attune as a separate process, the way `npm start` runs it: its own SQLite folder, port 0, and the port read
 * from its first log line. `stop()` ends the whole process group (tsx runs the server as a child).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SpawnedServer {
  url: string;
  dataDir: string;
  /** Everything the server logged, for tests that inspect the logs. */
  logs: string[];
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnServer(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<SpawnedServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'attune-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logs: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('')}`)), 20_000);
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
