/**
 * `npm start` after a SIGKILL (issue 12, item 13). Before: it rebuilt with Vite on every start, so a server killed
 * mid-class was back after 8-9 s, and an install without dev dependencies could not start at all. Now it
 * rebuilds only when the sources changed since the last build (dist/build-stamp), and runs the compiled server
 * with plain node. Needs a build (npm test builds first); the first start here builds if the stamp is stale.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SERVER_NODE_ARGS } from '../../scripts/server-node-args.mjs';
import { freePort } from '../helpers/spawn-server.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

function npmStart(port: number, dataDir: string): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: undefined, REDIS_URL: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  children.push(child);
  return { child, output };
}

const ENTRY = 'dist/server/server/index.js';

/** The command lines of the processes in a process group (npm, the start script, the server). */
function commandLinesIn(group: number): string[][] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        // The process group is the fifth field of stat, after the name in parentheses.
        const afterName = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        if (Number(afterName[2]) !== group) return [];
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/** Milliseconds from now until /healthz answers ok. */
async function untilHealthy(port: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`/healthz did not answer within ${timeoutMs} ms`);
}

it('a SIGKILLed server started again with npm start answers /healthz at once, without rebuilding', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'attune-start-'));
  try {
    const first = npmStart(port, dataDir);
    await untilHealthy(port, 240_000); // builds only if the sources changed since the last build
    const stamp = readFileSync('dist/build-stamp', 'utf8');
    process.kill(-first.child.pid!, 'SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = npmStart(port, dataDir);
    const ms = await untilHealthy(port, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}:\n${second.output.join("")}`);
    });
    console.log(`npm start after SIGKILL: /healthz answered after ${ms.toFixed(0)} ms`);
    // The 2-s budget is a figure, read from the line above on a quiet machine (PRODUCT.md: budgets are measured,
    // not timed tests); beside three test workers it runs slower. What must hold here: no rebuild, and it comes up.
    expect(ms).toBeLessThan(10_000);
    expect(second.output.join('')).not.toContain('building');
    expect(readFileSync('dist/build-stamp', 'utf8')).toBe(stamp);
    // The server runs with the V8 options of scripts/server-node-args.mjs, and `npm run serve` says the same.
    expect(commandLinesIn(second.child.pid!).find((args) => args.includes(ENTRY))).toEqual([process.execPath, ...SERVER_NODE_ARGS, ENTRY]);
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.serve).toBe(['node', ...SERVER_NODE_ARGS, ENTRY].join(' '));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 300_000);
