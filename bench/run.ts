/**
 * `npm run bench`: Attune's budgets measured on loopback (PRODUCT.md, "Budgets"), against the compiled server
 * that `npm start` runs. Four processes to begin with: Attune on SQLite, a bare Socket.IO server for reference,
 * the participants (bench/participants.ts) and this one, the instructor. In turn:
 * 1. for N = 50, 300 and 1,000 participants, cue fan-out on Attune and the bare server; at 1,000 also both
 *    servers' memory and the flag ingest;
 * 2. the same full class on PostgreSQL, as one process and as two sharing PostgreSQL and Redis (scale.ts);
 * 3. phones with the page's own client reconnecting after their network was cut: 300 in one class, and 1,200 in
 *    100 classes at once (reconnect.ts);
 * 4. a phone in Chromium reloading on a throttled "fast 3G" network (reload.ts);
 * then it weighs the participant page; then
 * 5. many small classes (100 × 12 participants for 60 s) on a fresh Attune and the bare server (small-classes.ts);
 * 6. the cost of one tally update with 200 and 200,000 flags stored in the class (small-classes.ts);
 * 7. a server SIGKILLed mid-class and started again with `npm start`: time to /healthz (restart.ts).
 * Progress goes to stderr, the report (text, then markdown) to stdout. Stops by itself: a watchdog ends a run
 * that hangs.
 *
 * One workload alone: `npm run bench -- small-classes [--duration=60] [--classes=100] [--participants=12] [--rounds=1]
 * [--bare-stores]` (the last: the bare server also stores each flag in SQLite before its ack),
 * `npm run bench -- tally-cost [--flags=200,200000] [--probes=30]`, `npm run bench -- restart [--restarts=5]`,
 * `npm run bench -- reconnect` (step 3 alone, with its 1,200 phones in 100 classes) (several may be named);
 * `--duration=10` is a smoke run.
 */
import { fileURLToPath } from 'node:url';
import type { PublicClassState } from '../shared/schemas/class.js';
import { participantFiles, gzippedBytes } from '../scripts/bundle-size.js';
import { closeAllSockets, connectInstructor, openClass, signUp, type Instructor } from '../tests/helpers/clients.js';
import { ONE_BIG_CLASS, removeDataDir, spawnServer, type SpawnedServer } from '../tests/helpers/spawn-server.js';
import { estimateOffset } from './clock.js';
import { measureFanout, type FanoutResult } from './fanout.js';
import { measureIngest, type IngestResult } from './ingest.js';
import { tapsOn } from './instructor.js';
import { ipcClient } from './ipc.js';
import { checkOpenFilesLimit, cpuSnapshot, buildForProduction, memoryOf, otherCores, spawnBareServer, spawnScript, stopProcess } from './processes.js';
import { ALL_AT_ONCE, attuneClasses, bareClasses, measureReconnect, RECONNECT_SCENARIOS, type ReconnectContext, type ReconnectResult } from './reconnect.js';
import { measureReload } from './reload.js';
import {
  budgetTable,
  describeMachine,
  detailsTable,
  loadAverage,
  fanoutTable,
  machineLine,
  noiseWarning,
  reconnectTable,
  reloadTable,
  renderMarkdown,
  renderText,
  scaleTable,
  type BenchResults,
} from './report.js';
import { measureScale } from './scale.js';
import { restartTable, smallClassesRoundsTable, smallClassesTable, tallyCostTable, printSections } from './small-classes-report.js';
import { measureRestart } from './restart.js';
import { measureSmallClasses, measureTallyCost, type SmallClassesResult } from './small-classes.js';
import { sqliteFlags } from './stored-flags.js';
import { openAttuneClass, openBareClass } from './targets.js';

const PARTICIPANT_COUNTS = [50, 300, 1000];
/** Memory and flag ingest are measured with this many participants connected, and the runs on PostgreSQL. */
const FULL_CLASS = 1000;
const CLIENT_DIR = 'dist/client';
/** A whole run takes about eight minutes here; one that takes twice as long is stuck. */
const WATCHDOG_MS = 15 * 60_000;

type Participants = ReturnType<typeof ipcClient>;

interface Bench {
  server: SpawnedServer;
  bareUrl: string;
  barePid: number;
  participants: Participants;
  participantsPid: number;
  instructor: Instructor;
  offsetMs: number;
  /** The bench's four processes, whose CPU time is not noise. */
  pids: number[];
  /** Both servers' memory before any participant connected. */
  idle: Pick<BenchResults['memory'], 'attuneIdle' | 'bareIdle'>;
  onCleanup: (cleanup: () => Promise<void>) => void;
}

/** The participants' groups, one per server. */
const ATTUNE = 'attune';
const BARE = 'bare';

const log = (message: string) => console.error(`bench: ${message}`);

/** Both servers with `count` participants each: fan-out, and with a full class memory and flag ingest. */
async function runClassOf(bench: Bench, count: number) {
  const { participants } = bench;
  log(`Attune, ${count} participants: connecting`);
  const attune = await openAttuneClass(participants, { server: 'Attune', group: ATTUNE, url: bench.server.url, instructor: bench.instructor, count });
  log(`bare Socket.IO, ${count} participants: connecting`);
  const bare = await openBareClass(participants, { url: bench.bareUrl, group: BARE, count, states: attune.states });
  log(`${count} participants: cue changes, Attune and bare Socket.IO taking turns`);
  const cpuBefore = cpuSnapshot(bench.pids);
  const measured = await measureFanout([attune.target, bare.target], participants, count, bench.offsetMs);
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
      storedFlags: sqliteFlags(bench.server.dataDir),
      instructor: bench.instructor,
      classId: attune.classId,
      tablet: attune.tablet,
      cueIndex: attune.current().cueIndex,
      participants,
      group: ATTUNE,
      count,
      offsetMs: bench.offsetMs,
      serverPids: [bench.server.process.pid!],
    });
    const memory = { ...bench.idle, attune: connected.attune, attuneAfterIngest: memoryOf(bench.server.process.pid!), bare: connected.bare };
    full = { memory, ingest };
  }
  await participants.ask('disconnect', {});
  attune.tablet.disconnect();
  bare.tablet.disconnect();
  return { fanout, payloadBytes: Buffer.byteLength(JSON.stringify(attune.states[1])), full };
}

/** Phones reconnecting to Attune on SQLite, on classes of their own per scenario. */
function runReconnects(bench: Bench): Promise<ReconnectResult[]> {
  return reconnectAll(
    { attune: { url: bench.server.url, pid: bench.server.process.pid!, instructor: bench.instructor }, bare: { url: bench.bareUrl, pid: bench.barePid } },
    { participants: bench.participants, offsetMs: bench.offsetMs, pids: bench.pids, participantsPid: bench.participantsPid },
  );
}

interface ReconnectServers {
  attune: { url: string; pid: number; instructor: Instructor };
  bare: { url: string; pid: number };
}

/** Each scenario on Attune in turn, the clinic-wide one last; then that one on the bare server, its floor. */
async function reconnectAll(
  servers: ReconnectServers,
  shared: Pick<ReconnectContext, 'participants' | 'offsetMs' | 'pids' | 'participantsPid'>,
): Promise<ReconnectResult[]> {
  const states: PublicClassState[] = [];
  const { attune, bare } = servers;
  const onAttune: ReconnectContext = { ...shared, server: 'Attune', url: attune.url, serverPid: attune.pid, openClass: attuneClasses(attune.url, attune.instructor, states) };
  const results: ReconnectResult[] = [];
  for (const scenario of [...RECONNECT_SCENARIOS, ALL_AT_ONCE]) {
    log(`phones reconnecting: ${scenario.name}`);
    results.push(await measureReconnect(onAttune, scenario));
  }
  log(`phones reconnecting: ${ALL_AT_ONCE.name}, bare Socket.IO`);
  const onBare: ReconnectContext = { ...shared, server: 'bare Socket.IO', url: bare.url, serverPid: bare.pid, openClass: bareClasses(bare.url, states) };
  results.push(await measureReconnect(onBare, ALL_AT_ONCE));
  return results;
}

/** Every reconnection scenario on a fresh Attune (compiled, SQLite) and bare server, without the rest of the bench. */
async function reconnectAlone(): Promise<ReconnectResult[]> {
  const server = await spawnServer({ entry: 'built' });
  const bare = await spawnBareServer();
  const participantsProcess = spawnScript('bench/participants.ts');
  try {
    const participants = ipcClient(participantsProcess);
    const clock = await estimateOffset(async () => (await participants.ask('clock', {})).now);
    return await reconnectAll(
      { attune: { url: server.url, pid: server.process.pid!, instructor: await signUp(server.url) }, bare: { url: bare.url, pid: bare.process.pid! } },
      {
        participants,
        offsetMs: clock.offsetMs,
        pids: [process.pid, server.process.pid!, bare.process.pid!, participantsProcess.pid!],
        participantsPid: participantsProcess.pid!,
      },
    );
  } finally {
    await stopProcess(participantsProcess);
    await stopProcess(bare.process);
    await server.stop();
    removeDataDir(server);
  }
}

/** A running class on Attune on SQLite whose cue changes before each reload. */
async function runReload(bench: Bench) {
  log('a phone in Chromium reloading on "fast 3G"');
  const { class: opened } = await openClass(bench.instructor);
  const tablet = await connectInstructor(bench.server.url, bench.instructor, opened.classId);
  const tap = tapsOn(tablet);
  await tap('start');
  let taps = 0;
  const changeCue = async () => {
    const state = await tap(taps++ % 2 === 0 ? 'next' : 'previous');
    return state.cue!.text;
  };
  try {
    return await measureReload({ url: bench.server.url, code: opened.code, changeCue });
  } finally {
    tablet.disconnect();
  }
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
  const scale = await measureScale({
    participants: bench.participants,
    bareUrl: bench.bareUrl,
    count: FULL_CLASS,
    offsetMs: bench.offsetMs,
    pids: bench.pids,
    onCleanup: bench.onCleanup,
    log,
  });
  const reconnect = await runReconnects(bench);
  const reload = await runReload(bench);
  const files = participantFiles(CLIENT_DIR);
  return {
    payloadBytes,
    fanout,
    ingest: full.ingest,
    memory: full.memory,
    scale,
    reconnect,
    reload,
    bundle: { bytes: gzippedBytes(CLIENT_DIR, files), files: files.length },
  };
}

function printReport(results: BenchResults): void {
  const sections = [
    ['Budgets (PRODUCT.md)', budgetTable(results)],
    ['Cue fan-out: instructor tap → each participant', fanoutTable(results)],
    ['Other figures', detailsTable(results)],
    [`Beyond one process: ${FULL_CLASS.toLocaleString('en')} participants on PostgreSQL, one process and two sharing Redis`, scaleTable(results)],
    ["Reconnection: phones (the page's own client), network cut and restored, cue changed meanwhile", reconnectTable(results.reconnect)],
    ['Reload on "fast 3G": a phone in Chromium, from navigation start', reloadTable(results)],
  ] as const;
  const warning = noiseWarning(results);
  const out = [`Attune bench: ${machineLine(results)}`, '', ...(warning ? [warning, ''] : [])];
  for (const [title, table] of sections) out.push(title, renderText(table), '');
  out.push('--- markdown ---', '', `Run: ${machineLine(results)}`, '', ...(warning ? [`> ${warning}`, ''] : []));
  for (const [title, table] of sections) out.push(`### ${title}`, '', renderMarkdown(table), '');
  console.log(out.join('\n'));
}

/** The workloads named on the command line (none: the whole bench) and their options. */
function parseArgs(args: string[]) {
  const named = new Set(args.filter((arg) => !arg.startsWith('--')));
  const workloads = ['small-classes', 'tally-cost', 'restart', 'reconnect'];
  for (const name of named) if (!workloads.includes(name)) throw new Error(`unknown workload ${name}: ${workloads.join(', ')}`);
  const option = (name: string, fallback: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const whole = named.size === 0;
  return {
    whole,
    smallClasses: whole || named.has('small-classes'),
    tallyCost: whole || named.has('tally-cost'),
    restart: whole || named.has('restart'),
    /** Alone only: the whole bench measures the reconnections with the rest. */
    reconnect: named.has('reconnect'),
    restarts: Number(option('restarts', '5')),
    durationS: Number(option('duration', '60')),
    classes: Number(option('classes', '100')),
    participantsPerClass: Number(option('participants', '12')),
    rounds: Number(option('rounds', '1')),
    bareStores: args.includes('--bare-stores'),
    flagCounts: option('flags', '200,200000').split(',').map(Number),
    probes: Number(option('probes', '30')),
  };
}

/** Many small classes and the tally cost, after the rest or alone; printed as their own sections. */
async function measureSmallWorkloads(args: ReturnType<typeof parseArgs>): Promise<void> {
  const sections: [string, Parameters<typeof renderText>[0]][] = [];
  if (args.smallClasses) {
    // Rounds, each Attune then bare: the CPU ratio moves by a fifth between runs on this machine, so one run
    // cannot tell a change of 10 %; the rounds' table sums them.
    const results: SmallClassesResult[] = [];
    for (let round = 1; round <= args.rounds; round++) {
      const result = await measureSmallClasses({ classes: args.classes, participantsPerClass: args.participantsPerClass, durationS: args.durationS, bareStores: args.bareStores, log });
      const { classes, participantsPerClass, durationS } = result.options;
      const bare = args.bareStores ? 'bare Socket.IO storing each flag in SQLite before its ack' : 'bare Socket.IO';
      sections.push([
        `Many small classes${args.rounds > 1 ? `, round ${round} of ${args.rounds}` : ''}: ${classes} classes × ${participantsPerClass} participants for ${durationS} s (a cue every 8-12 s per class, a flag every 5-15 s per participant), Attune and ${bare}`,
        smallClassesTable(result),
      ]);
      results.push(result);
    }
    if (results.length > 1) sections.push([`Many small classes: server CPU over the ${results.length} rounds`, smallClassesRoundsTable(results)]);
  }
  if (args.tallyCost) {
    const rows = await measureTallyCost({ sizes: args.flagCounts, probes: args.probes, log });
    sections.push(['Cost of one tally update: a quiet class, one flag at a time, by flags stored in the class', tallyCostTable(rows)]);
  }
  if (args.reconnect) {
    sections.push(["Reconnection: phones (the page's own client), network cut and restored, cue changed meanwhile", reconnectTable(await reconnectAlone())]);
  }
  if (args.restart) {
    const result = await measureRestart({ restarts: args.restarts, log });
    sections.push([`A server SIGKILLed mid-class and started again with npm start, ${result.restarts} times`, restartTable(result)]);
  }
  printSections(sections, `Attune bench (${new Date().toISOString()}, load average ${loadAverage().toFixed(2)}, ${describeMachine().cpu ?? ''})`);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  process.chdir(fileURLToPath(new URL('..', import.meta.url)));
  const args = parseArgs(process.argv.slice(2));
  buildForProduction();
  if (!args.whole) {
    checkOpenFilesLimit(2 * args.classes * (args.participantsPerClass + 1) + 256);
    const watchdog = setTimeout(() => {
      log('no result in time; stopping');
      process.exit(1);
    }, WATCHDOG_MS);
    try {
      await measureSmallWorkloads(args);
    } finally {
      clearTimeout(watchdog);
      closeAllSockets();
    }
    return;
  }
  // Three sockets per participant of a full class (the runs on PostgreSQL and the bare server take turns), and
  // room for files and pipes.
  checkOpenFilesLimit(3 * FULL_CLASS + 256);

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
    const server = await spawnServer({ entry: 'built', env: ONE_BIG_CLASS });
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
    const onCleanup = (cleanup: () => Promise<void>) => void stoppers.push(cleanup);
    const bench: Bench = {
      server,
      bareUrl: bare.url,
      barePid: bare.process.pid!,
      participants,
      participantsPid: participantsProcess.pid!,
      instructor,
      offsetMs: clock.offsetMs,
      pids,
      idle,
      onCleanup,
    };
    const loadBefore = loadAverage();
    const measured = await measure(bench);
    // The noisiest phase decides: a quiet minute elsewhere does not make up for a busy one.
    const phases = [...measured.fanout, ...measured.scale.fanout, ...measured.reconnect];
    printReport({
      machine: describeMachine(),
      date: new Date(startedAt).toISOString(),
      durationS: (Date.now() - startedAt) / 1000,
      clock,
      load: { otherCores: Math.max(measured.scale.ingestOtherCores, ...phases.map((phase) => phase.otherCores)), before: loadBefore, after: loadAverage() },
      ...measured,
    });
    await measureSmallWorkloads(args);
  } finally {
    clearTimeout(watchdog);
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
