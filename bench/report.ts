/**
 * The bench's figures beside PRODUCT.md's budgets: the same tables as aligned text for a terminal and as
 * markdown for docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import type { FanoutResult, ServerName } from './fanout.js';
import type { IngestResult } from './ingest.js';
import { BUDGET_MS as RECONNECT_BUDGET_MS, type ReconnectResult } from './reconnect.js';
import type { ReloadResult, ReloadSamples } from './reload.js';
import type { ScaleResults } from './scale.js';
import { summarize, type LatencySummary } from './stats.js';

export interface Machine {
  cores: number;
  cpu: string;
  ramGb: number;
  node: string;
}

export interface Memory {
  rssMb: number;
  peakMb: number;
}

export interface BenchResults {
  machine: Machine;
  date: string;
  durationS: number;
  /** How far the participants' clock ran ahead of the instructor's, and the IPC round trip it was read over. */
  clock: { offsetMs: number; roundTripMs: number };
  /**
   * How busy the machine was with anything but the bench, while it measured: other processes' CPU in cores,
   * and the 1-minute load average before and after. On a shared 2-core machine this is the first thing to
   * look at when figures jump between runs.
   */
  load: { otherCores: number; before: number; after: number };
  /** Bytes of the `class:state` JSON that both servers broadcast. */
  payloadBytes: number;
  fanout: FanoutResult[];
  ingest: IngestResult;
  /**
   * Server memory: idle (started, before any participant), and with 1,000 participants connected, after the
   * fan-out rounds and (Attune) after the flag ingest.
   */
  memory: { attuneIdle: Memory; attune: Memory; attuneAfterIngest: Memory; bareIdle: Memory; bare: Memory };
  /** The full class on PostgreSQL: one process, and two sharing Redis. */
  scale: ScaleResults;
  /** One result per reconnection scenario. */
  reconnect: ReconnectResult[];
  reload: ReloadResult;
  bundle: { bytes: number; files: number };
}

interface Table {
  headers: string[];
  rows: string[][];
}

/** The 1-minute load average (runnable processes, /proc/loadavg). */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

export function describeMachine(): Machine {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return { cores: availableParallelism(), cpu, ramGb: totalmem() / 1024 ** 3, node: process.version };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'none');
const verdict = (isMet: boolean) => (isMet ? 'PASS' : 'MISS');
const memoryText = (entry: Memory) => `${entry.rssMb.toFixed(0)} MB (peak ${entry.peakMb.toFixed(0)} MB)`;
const spread = (latency: LatencySummary) => `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)}`;

function fanoutOf(entries: FanoutResult[], server: ServerName, participants: number): FanoutResult | undefined {
  return entries.find((entry) => entry.server === server && entry.participants === participants);
}

/** An Attune configuration's p99 over the bare server's, measured in the same phase (`entries`). */
function ratioAt(entries: FanoutResult[], server: ServerName, participants: number): number {
  const attune = fanoutOf(entries, server, participants);
  const bare = fanoutOf(entries, 'bare Socket.IO', participants);
  return attune && bare ? attune.latency.p99 / bare.latency.p99 : NaN;
}

function isStoredOnce(ingest: IngestResult): boolean {
  return (
    ingest.stored === ingest.participants &&
    ingest.storedAfterResend === ingest.participants &&
    ingest.participantsWithSeveral === 0 &&
    ingest.resent.duplicates === ingest.resent.sent
  );
}

function isCountedOnce(ingest: IngestResult): boolean {
  return ingest.maxTallied === ingest.participants && ingest.freshTally === ingest.participants;
}

const areAcksOk = (ingest: IngestResult) => ingest.round.acksOk === ingest.participants && ingest.round.duplicates === 0;

function acksText(ingest: IngestResult): string {
  const errors = Object.entries(ingest.round.errors).map(([code, n]) => `${n} ${code}`);
  return `${ingest.round.acksOk}/${ingest.round.sent} ok, ${ingest.round.duplicates} duplicate${errors.length ? `, ${errors.join(', ')}` : ''}`;
}

const storedText = (ingest: IngestResult) =>
  `${ingest.stored} stored; ${ingest.storedAfterResend} after resending ${ingest.resent.sent} (${ingest.resent.duplicates} acked as duplicate)`;
const countedText = (ingest: IngestResult) => `tally max ${ingest.maxTallied}, fresh tablet ${ingest.freshTally}`;

/** The reconnection scenario the budget is about: the page reconnects at once when the network comes back. */
const nudged = (results: BenchResults) => results.reconnect.find((entry) => entry.scenario.isNudged && entry.scenario.classes === 1);
/** The whole clinic's phones reconnecting at once, in many classes, on this server. */
const allAtOnce = (results: BenchResults, server: ReconnectResult['server']) =>
  results.reconnect.find((entry) => entry.scenario.classes > 1 && entry.server === server);
const lostOf = (entry: ReconnectResult) => entry.missing + entry.wrongCue + entry.notCut;

/** One row per budget of PRODUCT.md that the bench measures, on the default deployment (one process, SQLite). */
export function budgetTable(results: BenchResults): Table {
  const { ingest, reload } = results;
  const p99At = (n: number) => fanoutOf(results.fanout, 'Attune', n)?.latency.p99 ?? NaN;
  const lost = results.fanout.reduce((sum, entry) => sum + entry.missing + entry.wrongCue, 0);
  const rssMb = Math.max(results.memory.attune.rssMb, results.memory.attuneAfterIngest.rssMb);
  const ratio300 = ratioAt(results.fanout, 'Attune', 300);
  const back = nudged(results);
  const isBackInTime = !!back && back.latency.p99 < RECONNECT_BUDGET_MS && lostOf(back) === 0;
  const clinic = allAtOnce(results, 'Attune');
  const clinicBare = allAtOnce(results, 'bare Socket.IO');
  const isClinicBackInTime = !!clinic && clinic.allBack.max < RECONNECT_BUDGET_MS && lostOf(clinic) === 0;
  const isReloadInTime = reload.warm.cueVisible.max < 1000 && reload.warm.wrongCue === 0;
  return {
    headers: ['measure', 'figure', 'budget', 'result'],
    rows: [
      ['cue fan-out to 300, p99', ms(p99At(300)), '< 50 ms', verdict(p99At(300) < 50)],
      ['fan-out to 300, p99 Attune / bare Socket.IO', ratio300.toFixed(2), '≤ 1.5', verdict(ratio300 <= 1.5)],
      ['cue fan-out to 1,000, p99', ms(p99At(1000)), '< 100 ms', verdict(p99At(1000) < 100)],
      ['every participant received every cue', lost === 0 ? 'all' : `${lost} receipts lost`, 'all', verdict(lost === 0)],
      [
        `${ingest.participants} flags in ${((ingest.round.lastSentAt - ingest.round.firstSentAt) / 1000).toFixed(2)} s: acks`,
        acksText(ingest),
        'all ok',
        verdict(areAcksOk(ingest)),
      ],
      ['every flag stored once', storedText(ingest), `${ingest.participants}, unchanged`, verdict(isStoredOnce(ingest))],
      ['every flag counted once', countedText(ingest), `= ${ingest.participants}`, verdict(isCountedOnce(ingest))],
      ["instructor's counts exact after the last flag", ms(ingest.exactAfterMs), '< 150 ms', verdict(ingest.exactAfterMs < 150)],
      ['server RSS, 1,000 connected', `${rssMb.toFixed(0)} MB`, '< 150 MB', verdict(rssMb < 150)],
      ['participant page JS+CSS, gzipped', `${(results.bundle.bytes / 1024).toFixed(1)} KB`, '< 35 KB', verdict(results.bundle.bytes < 35 * 1024)],
      [
        'reload on "fast 3G": current cue visible, median / slowest',
        `${ms(reload.warm.cueVisible.p50)} / ${ms(reload.warm.cueVisible.max)} (${reload.warm.reloads} reloads${reload.warm.wrongCue ? `, ${reload.warm.wrongCue} wrong cue` : ''})`,
        '< 1 s',
        verdict(isReloadInTime),
      ],
      [
        `reconnecting phone back on the current cue, p99, ${back?.scenario.name ?? 'not measured'}`,
        back ? `${ms(back.latency.p99)} (${back.latency.count} reconnections)` : 'none',
        '< 1 s',
        verdict(isBackInTime),
      ],
      [
        `${clinic ? clinic.phones.toLocaleString('en') : 'all'} phones reconnecting at once: the last back, worst of ${clinic?.cycles ?? 0}`,
        clinic
          ? `${ms(clinic.allBack.max)}${lostOf(clinic) ? `, ${lostOf(clinic)} not back` : ''}${clinicBare ? ` (bare Socket.IO: ${ms(clinicBare.allBack.max)})` : ''}`
          : 'not measured',
        '< 1 s',
        verdict(isClinicBackInTime),
      ],
    ],
  };
}

/** Per N and server: the latency distribution behind the budget rows. */
export function fanoutTable(results: BenchResults): Table {
  const rows = results.fanout.map((entry) => [
    String(entry.participants),
    entry.server,
    ms(entry.latency.p50),
    ms(entry.latency.p95),
    ms(entry.latency.p99),
    ms(entry.latency.max),
    `${ms(entry.allReached.p50)} / ${ms(entry.allReached.max)}`,
    entry.server === 'Attune' ? ratioAt(results.fanout, 'Attune', entry.participants).toFixed(2) : '',
    String(entry.latency.count),
    String(entry.missing + entry.wrongCue),
    `${(entry.connectMs / 1000).toFixed(1)} s`,
    entry.otherCores.toFixed(2),
  ]);
  return {
    headers: ['N', 'server', 'p50', 'p95', 'p99', 'max', 'all reached: median / worst', 'p99 ratio', 'samples', 'lost', 'connect N', 'other CPU (cores)'],
    rows,
  };
}

/** The other figures: memory, flag acks, the clock check. */
export function detailsTable(results: BenchResults): Table {
  const { memory, ingest, clock } = results;
  return {
    headers: ['figure', 'value'],
    rows: [
      ['Attune RSS, idle (no participant yet)', memoryText(memory.attuneIdle)],
      ['Attune RSS, 1,000 connected, after the fan-out rounds', memoryText(memory.attune)],
      ['Attune RSS, 1,000 connected, after the flag ingest', memoryText(memory.attuneAfterIngest)],
      ['bare Socket.IO RSS, idle', memoryText(memory.bareIdle)],
      ['bare Socket.IO RSS, 1,000 connected', memoryText(memory.bare)],
      ['flag ack latency p50 / p95 / p99', spread(ingest.ackLatency)],
      ['tally:updated events during the ingest', String(ingest.tallyUpdates)],
      ['class:state payload', `${results.payloadBytes} B`],
      [
        'CPU used by other processes, noisiest phase (load average before → after the run)',
        `${results.load.otherCores.toFixed(2)} of ${results.machine.cores} cores (${results.load.before.toFixed(2)} → ${results.load.after.toFixed(2)})`,
      ],
      ["participants' clock offset (IPC round trip)", `${clock.offsetMs.toFixed(3)} ms (${clock.roundTripMs.toFixed(3)} ms)`],
    ],
  };
}

/**
 * The full class three ways, side by side: one process on SQLite (from the runs above), one on PostgreSQL, and
 * two on PostgreSQL sharing Redis. Each fan-out is compared with the bare server measured in its own phase.
 */
export function scaleTable(results: BenchResults): Table {
  const { scale } = results;
  const n = 1000;
  const columns = [
    { fanout: fanoutOf(results.fanout, 'Attune', n), phase: results.fanout, ingest: results.ingest },
    ...(['Attune, PostgreSQL', 'Attune, 2 processes'] as const).map((server) => ({
      fanout: fanoutOf(scale.fanout, server, n),
      phase: scale.fanout,
      ingest: scale.ingest.find((entry) => entry.server === server)!.result,
    })),
  ];
  const bareIn = (phase: FanoutResult[]) => fanoutOf(phase, 'bare Socket.IO', n);
  const each = (cell: (column: (typeof columns)[number]) => string) => columns.map(cell);
  const latency = (column: (typeof columns)[number]) => column.fanout?.latency ?? summarize([]);
  const two = fanoutOf(scale.fanout, 'Attune, 2 processes', n);
  const { single, first, second } = scale.memory;
  return {
    headers: ['measure', 'one process, SQLite', 'one process, PostgreSQL', 'two processes, PostgreSQL + Redis', 'budget'],
    rows: [
      ['cue fan-out p50 / p95 / p99', ...each((column) => spread(latency(column))), 'p99 < 100 ms'],
      ['  all reached: median / worst', ...each((column) => `${ms(column.fanout?.allReached.p50 ?? NaN)} / ${ms(column.fanout?.allReached.max ?? NaN)}`), ''],
      [
        '  p50 / p99 by process: the instructor\'s, the other',
        '',
        '',
        two ? two.byPart.map((part) => `${ms(part.latency.p50)} / ${ms(part.latency.p99)}`).join('; ') : 'none',
        '',
      ],
      ['  bare Socket.IO p99 in the same phase', ...each((column) => ms(bareIn(column.phase)?.latency.p99 ?? NaN)), ''],
      [
        '  p99 over bare Socket.IO',
        ...each((column) => (column.fanout ? ratioAt(column.phase, column.fanout.server, n).toFixed(2) : 'none')),
        '≤ 1.5 (at 300)',
      ],
      ['  receipts lost', ...each((column) => String((column.fanout?.missing ?? NaN) + (column.fanout?.wrongCue ?? NaN))), '0'],
      ['  fan-out verdict', ...each((column) => verdict(latency(column).p99 < 100 && column.fanout?.missing === 0 && column.fanout.wrongCue === 0)), ''],
      ['1,000 flags in 1 s: acks', ...each((column) => acksText(column.ingest)), 'all ok'],
      ['  stored once', ...each((column) => storedText(column.ingest)), '1000, unchanged'],
      ['  counted once', ...each((column) => countedText(column.ingest)), '= 1000'],
      ["  instructor's counts exact after the last flag", ...each((column) => ms(column.ingest.exactAfterMs)), '< 150 ms'],
      [
        '  ingest verdict',
        ...each(({ ingest }) => verdict(areAcksOk(ingest) && isStoredOnce(ingest) && isCountedOnce(ingest) && ingest.exactAfterMs < 150)),
        '',
      ],
      ['  flag ack p50 / p95 / p99', ...each((column) => spread(column.ingest.ackLatency)), ''],
      ['  tally:updated events', ...each((column) => String(column.ingest.tallyUpdates)), ''],
      ['  Attune CPU per flag (all its processes)', ...each((column) => ms(column.ingest.serverCpuMsPerFlag)), ''],
      [
        'RSS, idle → connected → after the ingest',
        `${memoryText(results.memory.attuneIdle)} → ${results.memory.attune.rssMb.toFixed(0)} → ${results.memory.attuneAfterIngest.rssMb.toFixed(0)} MB`,
        `${memoryText(single.idle)} → ${single.connected.rssMb.toFixed(0)} → ${single.afterIngest.rssMb.toFixed(0)} MB`,
        [first, second]
          .map((entry) => `${entry.participants}: ${entry.idle.rssMb.toFixed(0)} → ${entry.connected.rssMb.toFixed(0)} → ${entry.afterIngest.rssMb.toFixed(0)} MB`)
          .join('; '),
        '< 150 MB for 1,000',
      ],
      [
        'CPU of other processes during the fan-out / the ingests (cores)',
        `${(fanoutOf(results.fanout, 'Attune', n)?.otherCores ?? NaN).toFixed(2)} / not measured`,
        ...[0, 1].map(() => `${(scale.fanout[0]?.otherCores ?? NaN).toFixed(2)} / ${scale.ingestOtherCores.toFixed(2)}`),
        '',
      ],
      ['CPU of PostgreSQL and Redis during this phase (cores)', 'none', ...[0, 1].map(() => scale.servicesCores.toFixed(2)), ''],
    ],
  };
}

/** Per scenario: restore → each phone on the new cue. */
export function reconnectTable(reconnect: ReconnectResult[]): Table {
  return {
    headers: [
      'scenario',
      'p50',
      'p95',
      'p99',
      'max',
      'all back: median / worst',
      'within 1 s',
      'samples',
      'not back',
      'CPU per phone: Attune / phones',
      'other CPU (cores)',
    ],
    rows: reconnect.map((entry) => [
      entry.server === 'Attune' ? entry.scenario.name : `${entry.scenario.name}, ${entry.server}`,
      ms(entry.latency.p50),
      ms(entry.latency.p95),
      ms(entry.latency.p99),
      ms(entry.latency.max),
      `${ms(entry.allBack.p50)} / ${ms(entry.allBack.max)}`,
      `${((100 * entry.withinBudget) / Math.max(1, entry.latency.count)).toFixed(1)} %`,
      `${entry.latency.count} (${entry.phones} × ${entry.cycles})`,
      String(lostOf(entry)),
      `${entry.cpuMsPerPhone.server.toFixed(2)} / ${entry.cpuMsPerPhone.phones.toFixed(2)} ms`,
      entry.otherCores.toFixed(2),
    ]),
  };
}

/** Warm and cold reloads: each moment from navigation start, median / slowest. */
export function reloadTable(results: BenchResults): Table {
  const pair = (latency: LatencySummary) => `${ms(latency.p50)} / ${ms(latency.max)}`;
  const row = (name: string, samples: ReloadSamples) => [
    name,
    String(samples.reloads),
    pair(samples.htmlReceived),
    pair(samples.firstPaint),
    pair(samples.cueVisible),
    pair(samples.takeover),
    pair(samples.connected),
    `${(samples.htmlBytes / 1024).toFixed(1)} KB`,
    String(samples.wrongCue),
  ];
  return {
    headers: ['reload', 'n', 'HTML received', 'first contentful paint', 'current cue visible', 'app took over (Tension)', 'socket connected', 'HTML', 'wrong cue'],
    rows: [row('browser cache kept (a reload)', results.reload.warm), row('cache disabled', results.reload.cold)],
  };
}

/** Beyond this much CPU of other processes, latency figures say as much about them as about Attune. */
const NOISY_OTHER_CORES = 0.25;

export function noiseWarning(results: BenchResults): string | undefined {
  if (results.load.otherCores <= NOISY_OTHER_CORES) return undefined;
  return `Warning: other processes used ${results.load.otherCores.toFixed(2)} cores during the run; latency figures are noisy. Re-run on a quiet machine.`;
}

export function machineLine(results: BenchResults): string {
  const { machine } = results;
  return `${results.date}, ${machine.cores} cores (${machine.cpu}), ${machine.ramGb.toFixed(0)} GB RAM, Node ${machine.node}; run took ${results.durationS.toFixed(0)} s`;
}

export function renderText(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(table.headers), widths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)].join('\n');
}

export function renderMarkdown(table: Table): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(table.headers), line(table.headers.map(() => '---')), ...table.rows.map(line)].join('\n');
}
