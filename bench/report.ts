/**
 * The bench's figures beside PRODUCT.md's budgets: the same tables as aligned text for a terminal and as
 * markdown for docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import type { FanoutResult } from './fanout.js';
import type { IngestResult } from './ingest.js';

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

function fanoutOf(results: BenchResults, server: FanoutResult['server'], participants: number): FanoutResult | undefined {
  return results.fanout.find((entry) => entry.server === server && entry.participants === participants);
}

function ratioAt(results: BenchResults, participants: number): number {
  const attune = fanoutOf(results, 'Attune', participants);
  const bare = fanoutOf(results, 'bare Socket.IO', participants);
  return attune && bare ? attune.latency.p99 / bare.latency.p99 : NaN;
}

/** One row per budget of PRODUCT.md that the bench measures. */
export function budgetTable(results: BenchResults): Table {
  const { ingest } = results;
  const p99At = (n: number) => fanoutOf(results, 'Attune', n)?.latency.p99 ?? NaN;
  const lost = results.fanout.reduce((sum, entry) => sum + entry.missing + entry.wrongCue, 0);
  const isStoredOnce =
    ingest.stored === ingest.participants &&
    ingest.storedAfterResend === ingest.participants &&
    ingest.participantsWithSeveral === 0 &&
    ingest.resent.duplicates === ingest.resent.sent;
  const isCountedOnce = ingest.maxTallied === ingest.participants && ingest.freshTally === ingest.participants;
  const rssMb = Math.max(results.memory.attune.rssMb, results.memory.attuneAfterIngest.rssMb);
  const errors = Object.entries(ingest.round.errors).map(([code, n]) => `${n} ${code}`);
  return {
    headers: ['measure', 'figure', 'budget', 'result'],
    rows: [
      ['cue fan-out to 300, p99', ms(p99At(300)), '< 50 ms', verdict(p99At(300) < 50)],
      ['fan-out to 300, p99 Attune / bare Socket.IO', ratioAt(results, 300).toFixed(2), '≤ 1.5', verdict(ratioAt(results, 300) <= 1.5)],
      ['cue fan-out to 1,000, p99', ms(p99At(1000)), '< 100 ms', verdict(p99At(1000) < 100)],
      ['every participant received every cue', lost === 0 ? 'all' : `${lost} receipts lost`, 'all', verdict(lost === 0)],
      [
        `${ingest.participants} flags in ${((ingest.round.lastSentAt - ingest.round.firstSentAt) / 1000).toFixed(2)} s: acks`,
        `${ingest.round.acksOk}/${ingest.round.sent} ok, ${ingest.round.duplicates} duplicate${errors.length ? `, ${errors.join(', ')}` : ''}`,
        'all ok',
        verdict(ingest.round.acksOk === ingest.participants && ingest.round.duplicates === 0),
      ],
      [
        'every flag stored once',
        `${ingest.stored} stored; ${ingest.storedAfterResend} after resending ${ingest.resent.sent} (${ingest.resent.duplicates} acked as duplicate)`,
        `${ingest.participants}, unchanged`,
        verdict(isStoredOnce),
      ],
      ['every flag counted once', `tally max ${ingest.maxTallied}, fresh tablet ${ingest.freshTally}`, `= ${ingest.participants}`, verdict(isCountedOnce)],
      ["instructor's counts exact after the last flag", ms(ingest.exactAfterMs), '< 150 ms', verdict(ingest.exactAfterMs < 150)],
      ['server RSS, 1,000 connected', `${rssMb.toFixed(0)} MB`, '< 150 MB', verdict(rssMb < 150)],
      ['participant page JS+CSS, gzipped', `${(results.bundle.bytes / 1024).toFixed(1)} KB`, '< 35 KB', verdict(results.bundle.bytes < 35 * 1024)],
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
    entry.server === 'Attune' ? ratioAt(results, entry.participants).toFixed(2) : '',
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
  const memoryText = (entry: Memory) => `${entry.rssMb.toFixed(0)} MB (peak ${entry.peakMb.toFixed(0)} MB)`;
  return {
    headers: ['figure', 'value'],
    rows: [
      ['Attune RSS, idle (no participant yet)', memoryText(memory.attuneIdle)],
      ['Attune RSS, 1,000 connected, after the fan-out rounds', memoryText(memory.attune)],
      ['Attune RSS, 1,000 connected, after the flag ingest', memoryText(memory.attuneAfterIngest)],
      ['bare Socket.IO RSS, idle', memoryText(memory.bareIdle)],
      ['bare Socket.IO RSS, 1,000 connected', memoryText(memory.bare)],
      ['flag ack latency p50 / p95 / p99', `${ms(ingest.ackLatency.p50)} / ${ms(ingest.ackLatency.p95)} / ${ms(ingest.ackLatency.p99)}`],
      ['tally:updated events during the ingest', String(ingest.tallyUpdates)],
      ['class:state payload', `${results.payloadBytes} B`],
      [
        'CPU used by other processes during the run (load average before → after)',
        `${results.load.otherCores.toFixed(2)} of ${results.machine.cores} cores (${results.load.before.toFixed(2)} → ${results.load.after.toFixed(2)})`,
      ],
      ["participants' clock offset (IPC round trip)", `${clock.offsetMs.toFixed(3)} ms (${clock.roundTripMs.toFixed(3)} ms)`],
    ],
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
