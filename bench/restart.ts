/**
 * A server killed mid-class and started again with `npm start` (PRODUCT.md, Budgets: /healthz within 2 s, because
 * it rebuilds only what changed). Runs `node scripts/start.mjs`, what `npm start` runs, on a fresh SQLite folder
 * with a class running on it, SIGKILLs it, starts it again and times the first ok from /healthz; several times.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectInstructor, emitAck, openClass, signUp } from '../tests/helpers/clients.js';
import { freePort } from '../tests/helpers/spawn-server.js';
import { summarize, type LatencySummary } from './stats.js';

export interface RestartResult {
  restarts: number;
  healthyMs: LatencySummary;
}

function start(port: number, dataDir: string): ChildProcess {
  return spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: undefined, REDIS_URL: undefined },
    stdio: 'ignore',
    detached: true,
  });
}

/** Milliseconds from now until /healthz answers ok. */
async function untilHealthy(port: number, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    if (ok) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`/healthz did not answer within ${timeoutMs} ms`);
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

export async function measureRestart({ restarts, log }: { restarts: number; log: (message: string) => void }): Promise<RestartResult> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'attune-restart-'));
  let child = start(port, dataDir);
  try {
    await untilHealthy(port, 300_000);
    const url = `http://127.0.0.1:${port}`;
    const instructor = await signUp(url);
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(url, instructor, opened.classId);
    await emitAck(tablet, 'class:command', { type: 'start', revision: 0 });
    tablet.disconnect();
    const samples: number[] = [];
    for (let i = 0; i < restarts; i++) {
      log(`restart ${i + 1} of ${restarts}: SIGKILL, then npm start`);
      await kill(child);
      child = start(port, dataDir);
      samples.push(await untilHealthy(port));
    }
    return { restarts, healthyMs: summarize(samples) };
  } finally {
    await kill(child).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
