/**
 * The bench's other processes (the bare Socket.IO server, the participants) and what it reads about processes:
 * each child is `node --import tsx SCRIPT` with an IPC channel, so it exits when the bench does; memory, CPU
 * time and limits come from /proc, as the kernel counts them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const START_TIMEOUT_MS = 20_000;

/** Runs a bench script as its own Node process, sharing the bench's stderr (and stdout unless piped). */
export function spawnScript(script: string, stdout: 'pipe' | 'inherit' = 'inherit', env: Record<string, string> = {}): ChildProcess {
  // BENCH_CPU_PROF=DIR: the bare server writes a CPU profile there too, beside Attune's (spawn-server.ts).
  const profile = process.env.BENCH_CPU_PROF && script.includes('bare-server') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return spawn(process.execPath, [...profile, '--import', 'tsx', script], { stdio: ['ignore', stdout, 'inherit', 'ipc'], env: { ...process.env, ...env } });
}

/**
 * Starts the bare Socket.IO server and resolves with its URL once it printed its port. With `storesFlagsIn` (a
 * folder) it also stores each small class's flag in SQLite before acknowledging it (bench/bare-server.ts).
 */
export async function spawnBareServer(options: { storesFlagsIn?: string } = {}): Promise<{ url: string; process: ChildProcess }> {
  const child = spawnScript('bench/bare-server.ts', 'pipe', options.storesFlagsIn ? { BARE_FLAGS_DIR: options.storesFlagsIn } : {});
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare server did not start')), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return { url: `http://127.0.0.1:${port}`, process: child };
}

/** Resident memory now and at its peak, in MB (VmRSS and VmHWM of /proc/PID/status). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Attune's server cannot start without the built client: build it once when it is missing. */
/** Builds the client and the server as `npm start` does, so the bench measures what production runs. */
export function buildForProduction(): void {
  console.error('bench: npm run build…');
  execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Ends a child process (and waits for it); a no-op when it already ended. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Busy CPU time of the whole machine, of the given processes and of the shared services, in seconds, at one moment. */
export interface CpuSnapshot {
  at: number;
  machineS: number;
  oursS: number;
  servicesS: number;
}

/**
 * PostgreSQL's and Redis's processes: their CPU is work the bench caused when Attune runs on them, not noise
 * (though anyone else's tests using the same services are counted here too).
 */
const SERVICE_COMMANDS = new Set(['postgres', 'redis-server']);

/** Linux counts CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_S = 100;

export function cpuSnapshot(pids: number[]): CpuSnapshot {
  // /proc/stat "cpu user nice system idle iowait irq softirq steal …": everything but idle and iowait is busy.
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const machineTicks = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  const oursTicks = pids.reduce((sum, pid) => sum + (processTicks(pid)?.ticks ?? 0), 0);
  let servicesTicks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processTicks(Number(entry));
    if (stat && SERVICE_COMMANDS.has(stat.command)) servicesTicks += stat.ticks;
  }
  return { at: performance.now(), machineS: machineTicks / TICKS_PER_S, oursS: oursTicks / TICKS_PER_S, servicesS: servicesTicks / TICKS_PER_S };
}

/** CPU time a process has used so far, in seconds (to 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  return (processTicks(pid)?.ticks ?? NaN) / TICKS_PER_S;
}

/** A process's command name and CPU ticks so far; undefined when it has gone meanwhile. */
function processTicks(pid: number): { command: string; ticks: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "PID (command) state …": fields after the parenthesised name; utime and stime are the 14th and 15th.
  const close = stat.lastIndexOf(') ');
  const fields = stat.slice(close + 2).split(' ');
  return { command: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Cores' worth of CPU that processes other than ours and the services used between two snapshots: noise. */
export function otherCores(before: CpuSnapshot, after: CpuSnapshot): number {
  const busyS = after.machineS - before.machineS - (after.oursS - before.oursS) - (after.servicesS - before.servicesS);
  return Math.max(0, busyS / ((after.at - before.at) / 1000));
}

/** Cores' worth of CPU that PostgreSQL and Redis used between two snapshots. */
export function servicesCores(before: CpuSnapshot, after: CpuSnapshot): number {
  return Math.max(0, (after.servicesS - before.servicesS) / ((after.at - before.at) / 1000));
}

/**
 * Refuses to start when a process may not open enough sockets: the participants' process holds two per
 * participant at a full class (one to each server). Child processes inherit this process's limit.
 */
export function checkOpenFilesLimit(needed: number): void {
  const soft = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  if (soft !== undefined && soft !== 'unlimited' && Number(soft) < needed) {
    throw new Error(`the open-files limit is ${soft}, the bench needs ${needed}: run \`ulimit -n ${needed}\` first`);
  }
}
