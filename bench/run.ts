/**
 * `npm run bench`: Attune's budgets measured on loopback (PRODUCT.md, "Budgets"). Four processes: the real
 * Attune server, a bare Socket.IO server for reference, the participants (bench/participants.ts) and this one,
 * the instructor. For N = 50, 300 and 1,000 participants it times cue fan-out on both servers; at 1,000 it
 * also reads both servers' memory and runs the flag ingest; then it weighs the participant page. Progress goes
 * to stderr, the report (text, then markdown) to stdout. Stops by itself: a watchdog ends a run that hangs.
 */
import { fileURLToPath } from 'node:url';
import { participantFiles, gzippedBytes } from '../scripts/bundle-size.js';
import type { ClassCommand, InstructorClassState, PublicClassState } from '../shared/schemas/class.js';
import {
  closeAllSockets,
  connect,
  connectInstructor,
  emitAck,
  openClass,
  signUp,
  type Instructor,
  type TestSocket,
} from '../tests/helpers/clients.js';
import { removeDataDir, spawnServer, type SpawnedServer } from '../tests/helpers/spawn-server.js';
import type { BareSetup } from './bare-server.js';
import { estimateOffset } from './clock.js';
import { measureFanout, type FanoutResult, type Target, type Trigger } from './fanout.js';
import { measureIngest, type IngestResult } from './ingest.js';
import { ipcClient } from './ipc.js';
import { checkOpenFilesLimit, cpuSnapshot, buildForProduction, memoryOf, otherCores, spawnBareServer, spawnScript, stopProcess } from './processes.js';
import {
  budgetTable,
  describeMachine,
  detailsTable,
  loadAverage,
  fanoutTable,
  machineLine,
  noiseWarning,
  renderMarkdown,
  renderText,
  type BenchResults,
} from './report.js';

const PARTICIPANT_COUNTS = [50, 300, 1000];
/** Memory and flag ingest are measured with this many participants connected. */
const FULL_CLASS = 1000;
const CLIENT_DIR = 'dist/client';
const RECEIPT_TIMEOUT_MS = 5_000;
/** A run takes under two minutes here; one that takes five times as long is stuck. */
const WATCHDOG_MS = 10 * 60_000;

type Participants = ReturnType<typeof ipcClient>;

interface Bench {
  server: SpawnedServer;
  bareUrl: string;
  barePid: number;
  participants: Participants;
  instructor: Instructor;
  offsetMs: number;
  /** The bench's four processes, whose CPU time is not noise. */
  pids: number[];
  /** Both servers' memory before any participant connected. */
  idle: Pick<BenchResults['memory'], 'attuneIdle' | 'bareIdle'>;
}

/** The participants' groups, one per server. */
const ATTUNE = 'attune';
const BARE = 'bare';

const log = (message: string) => console.error(`bench: ${message}`);

async function connectParticipants(bench: Bench, group: string, url: string, code: string, count: number): Promise<number> {
  const result = await bench.participants.ask('connect', { group, url, code, count });
  if (result.connected !== count) {
    throw new Error(`only ${result.connected} of ${count} participants connected to ${group}: ${result.failures.join('; ')}`);
  }
  return result.ms;
}

/** A fresh Attune class with `count` participants, started, its first two cues' states seen. */
async function openAttune(bench: Bench, count: number) {
  const { server, instructor, participants } = bench;
  const { class: opened } = await openClass(instructor);
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  log(`Attune, ${count} participants: connecting`);
  const connectMs = await connectParticipants(bench, ATTUNE, server.url, opened.code, count);

  let current: PublicClassState = opened;
  const states: PublicClassState[] = [];
  const command = async (type: ClassCommand['type']) => {
    const ack = await emitAck<InstructorClassState>(tablet, 'class:command', { type, revision: current.revision });
    if (!ack.ok) throw new Error(`class:command ${type}: ${ack.error.code} ${ack.error.message}`);
    const { classId: _classId, cues: _cues, ...state } = ack.data;
    states[state.cueIndex] = state;
    current = state;
    return state;
  };
  // The bare server broadcasts copies of the states Attune sends for these cues.
  for (const type of ['start', 'next', 'previous'] as const) {
    const state = await command(type);
    await participants.ask('receipts', { group: ATTUNE, revision: state.revision, timeoutMs: RECEIPT_TIMEOUT_MS });
  }
  const target: Target = { server: 'Attune', group: ATTUNE, trigger: command };
  return { target, tablet, classId: opened.classId, connectMs, states, current: () => current };
}

/** The bare server with `count` participants, set to broadcast copies of Attune's states. */
async function openBare(bench: Bench, count: number, states: PublicClassState[]) {
  const tablet: TestSocket = await connect(bench.bareUrl, { role: 'instructor', classId: 'bare' });
  const setup: BareSetup = { states: Array.from(states, (state) => state ?? null), revision: 0, cueIndex: 0 };
  await emitAck(tablet, 'bench:states', setup);
  log(`bare Socket.IO, ${count} participants: connecting`);
  const connectMs = await connectParticipants(bench, BARE, bench.bareUrl, 'BARE', count);

  let revision = setup.revision;
  const trigger: Trigger = async (type) => {
    const ack = await emitAck<{ revision: number; cueIndex: number }>(tablet, 'class:command', { type, revision });
    if (!ack.ok) throw new Error(`bare class:command ${type}: ${ack.error.message}`);
    revision = ack.data.revision;
    return ack.data;
  };
  const target: Target = { server: 'bare Socket.IO', group: BARE, trigger };
  return { target, tablet, connectMs };
}

/** Both servers with `count` participants each: fan-out, and with a full class memory and flag ingest. */
async function runClassOf(bench: Bench, count: number) {
  const attune = await openAttune(bench, count);
  const bare = await openBare(bench, count, attune.states);
  log(`${count} participants: cue changes, Attune and bare Socket.IO taking turns`);
  const cpuBefore = cpuSnapshot(bench.pids);
  const measured = await measureFanout([attune.target, bare.target], bench.participants, count, bench.offsetMs);
  const cpuAfter = cpuSnapshot(bench.pids);
  const fanout: FanoutResult[] = [attune, bare].map(({ target, connectMs }) => ({
    server: target.server,
    participants: count,
    connectMs,
    otherCores: otherCores(cpuBefore, cpuAfter),
    ...measured.get(target.server)!,
  }));

  let full: { memory: BenchResults['memory']; ingest: IngestResult } | undefined;
  if (count === FULL_CLASS) {
    const connected = { attune: memoryOf(bench.server.process.pid!), bare: memoryOf(bench.barePid) };
    log(`Attune, ${count} participants: flag ingest`);
    const ingest = await measureIngest({
      url: bench.server.url,
      dataDir: bench.server.dataDir,
      instructor: bench.instructor,
      classId: attune.classId,
      tablet: attune.tablet,
      cueIndex: attune.current().cueIndex,
      participants: bench.participants,
      group: ATTUNE,
      count,
      offsetMs: bench.offsetMs,
    });
    const memory = { ...bench.idle, attune: connected.attune, attuneAfterIngest: memoryOf(bench.server.process.pid!), bare: connected.bare };
    full = { memory, ingest };
  }
  await bench.participants.ask('disconnect', {});
  attune.tablet.disconnect();
  bare.tablet.disconnect();
  return { fanout, payloadBytes: Buffer.byteLength(JSON.stringify(attune.states[1])), full };
}

async function measure(bench: Bench): Promise<Omit<BenchResults, 'machine' | 'date' | 'durationS' | 'clock' | 'load'>> {
  const fanout: FanoutResult[] = [];
  let full: Awaited<ReturnType<typeof runClassOf>>['full'];
  let payloadBytes = 0;
  for (const count of PARTICIPANT_COUNTS) {
    const run = await runClassOf(bench, count);
    fanout.push(...run.fanout);
    payloadBytes = run.payloadBytes;
    full ??= run.full;
  }
  if (!full) throw new Error(`no run with ${FULL_CLASS} participants`);
  const files = participantFiles(CLIENT_DIR);
  return {
    payloadBytes,
    fanout,
    ingest: full.ingest,
    memory: full.memory,
    bundle: { bytes: gzippedBytes(CLIENT_DIR, files), files: files.length },
  };
}

function printReport(results: BenchResults): void {
  const sections = [
    ['Budgets (PRODUCT.md)', budgetTable(results)],
    ['Cue fan-out: instructor tap → each participant', fanoutTable(results)],
    ['Other figures', detailsTable(results)],
  ] as const;
  const warning = noiseWarning(results);
  const out = [`Attune bench: ${machineLine(results)}`, '', ...(warning ? [warning, ''] : [])];
  for (const [title, table] of sections) out.push(title, renderText(table), '');
  out.push('--- markdown ---', '', `Run: ${machineLine(results)}`, '', ...(warning ? [`> ${warning}`, ''] : []));
  for (const [title, table] of sections) out.push(`### ${title}`, '', renderMarkdown(table), '');
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  process.chdir(fileURLToPath(new URL('..', import.meta.url)));
  buildForProduction();
  // Two sockets per participant of a full class (one to each server), and room for files and pipes.
  checkOpenFilesLimit(2 * FULL_CLASS + 256);

  // Attune runs in its own process group and would outlive the bench: whatever started is stopped on every exit.
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    closeAllSockets();
    await Promise.all(stoppers.splice(0).map((stop) => stop()));
  };
  const abort = (reason: string) => {
    log(`${reason}; stopping`);
    void stopAll().finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abort(`no result after ${WATCHDOG_MS / 60_000} minutes`), WATCHDOG_MS);
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));

  try {
    log('starting Attune, the bare server and the participants');
    const server = await spawnServer({ entry: 'built' });
    stoppers.push(async () => {
      await server.stop();
      removeDataDir(server);
    });
    const bare = await spawnBareServer();
    stoppers.push(() => stopProcess(bare.process));
    const participantsProcess = spawnScript('bench/participants.ts');
    stoppers.push(() => stopProcess(participantsProcess));
    const idle = { attuneIdle: memoryOf(server.process.pid!), bareIdle: memoryOf(bare.process.pid!) };

    const participants = ipcClient(participantsProcess);
    const clock = await estimateOffset(async () => (await participants.ask('clock', {})).now);
    const instructor = await signUp(server.url);
    const pids = [process.pid, server.process.pid!, bare.process.pid!, participantsProcess.pid!];
    const bench: Bench = { server, bareUrl: bare.url, barePid: bare.process.pid!, participants, instructor, offsetMs: clock.offsetMs, pids, idle };
    const cpuBefore = cpuSnapshot(pids);
    const loadBefore = loadAverage();
    const measured = await measure(bench);
    printReport({
      machine: describeMachine(),
      date: new Date(startedAt).toISOString(),
      durationS: (Date.now() - startedAt) / 1000,
      clock,
      load: { otherCores: otherCores(cpuBefore, cpuSnapshot(pids)), before: loadBefore, after: loadAverage() },
      ...measured,
    });
  } finally {
    clearTimeout(watchdog);
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
