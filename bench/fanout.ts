/**
 * Cue fan-out: the instructor taps Next or Previous, and every participant's receipt of the new state is timed
 * from the tap. Attune and the bare server take turns, round by round (the order swapping every round), so
 * that both are measured under the same conditions and their ratio does not depend on what else the machine
 * did in one half of the run.
 */
import { epochNow } from './clock.js';
import type { ipcClient } from './ipc.js';
import { summarize, type LatencySummary } from './stats.js';

/** Rounds before measuring: the first broadcasts pay for JIT compilation and buffer growth. */
const WARMUP_ROUNDS = 5;
/**
 * Measured cue changes per server and N. Participants of one round share its hiccups (a GC pause delays them
 * all), so the p99 is really decided by the slowest few rounds: 100 rounds keep it from hanging on one.
 */
const MEASURED_ROUNDS = 100;
/** A quiet moment between cue changes, as between real taps, so one round's tail does not queue the next. */
const SETTLE_MS = 100;
const RECEIPT_TIMEOUT_MS = 5_000;

/**
 * Attune with SQLite in one process (the default deployment), on PostgreSQL in one process, and as two
 * processes sharing PostgreSQL and Redis; and the bare server they are compared with.
 */
export type ServerName = 'Attune' | 'Attune, PostgreSQL' | 'Attune, 2 processes' | 'bare Socket.IO';

/** Taps a cue change and resolves with the revision and cue the participants should now receive. */
export type Trigger = (type: 'next' | 'previous') => Promise<{ revision: number; cueIndex: number }>;

/**
 * A server under measurement: how to tap, and the group of participants connected to it. `parts` names the
 * group's parts when they are connected to different processes (by the `part` they were connected with).
 */
export interface Target {
  server: ServerName;
  group: string;
  trigger: Trigger;
  parts?: string[];
}

export interface FanoutResult {
  server: ServerName;
  participants: number;
  /** Tap → each participant's receipt, over every measured round. */
  latency: LatencySummary;
  /** Tap → the last participant's receipt, one sample per round. */
  allReached: LatencySummary;
  /** The latency of each part of the group, when the target names its parts. */
  byPart: { part: string; latency: LatencySummary }[];
  /** Receipts that never came (within 5 s), or that carried another cue than the tap's. */
  missing: number;
  wrongCue: number;
  connectMs: number;
  /** Cores' worth of CPU that processes outside the bench used meanwhile (of the machine's few). */
  otherCores: number;
}

type Participants = ReturnType<typeof ipcClient>;
type Measured = Omit<FanoutResult, 'server' | 'participants' | 'connectMs' | 'otherCores'>;

/**
 * Alternates Next and Previous (each class must be on a cue with a next one), `offsetMs` being how far the
 * participants' clock runs ahead of this process's.
 */
export async function measureFanout(targets: Target[], participants: Participants, count: number, offsetMs: number) {
  const samples = new Map(
    targets.map((target) => [
      target.server,
      { latencies: [] as number[], allReached: [] as number[], byPart: (target.parts ?? []).map(() => [] as number[]), missing: 0, wrongCue: 0 },
    ]),
  );
  for (let round = 0; round < WARMUP_ROUNDS + MEASURED_ROUNDS; round++) {
    const type = round % 2 === 0 ? 'next' : 'previous';
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      const tappedAt = epochNow();
      const { revision, cueIndex } = await target.trigger(type);
      const { receivedAt, cueIndexes, parts } = await participants.ask('receipts', { group: target.group, revision, timeoutMs: RECEIPT_TIMEOUT_MS });
      if (round >= WARMUP_ROUNDS) {
        const sample = samples.get(target.server)!;
        const latencies = receivedAt.map((at) => at - offsetMs - tappedAt);
        sample.latencies.push(...latencies);
        latencies.forEach((latency, i) => sample.byPart[parts[i]!]?.push(latency));
        if (latencies.length > 0) sample.allReached.push(Math.max(...latencies));
        sample.missing += count - receivedAt.length;
        sample.wrongCue += cueIndexes.filter((received) => received !== cueIndex).length;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  }
  const results = new Map<ServerName, Measured>();
  for (const target of targets) {
    const sample = samples.get(target.server)!;
    results.set(target.server, {
      latency: summarize(sample.latencies),
      allReached: summarize(sample.allReached),
      byPart: (target.parts ?? []).map((part, i) => ({ part, latency: summarize(sample.byPart[i]!) })),
      missing: sample.missing,
      wrongCue: sample.wrongCue,
    });
  }
  return results;
}
