/**
 * Flag ingest: every participant flags the current cue once, the thousand sends spread over one second; then
 * a tenth of them again with the same ids, as phones retrying would. Checks that each flag is stored once
 * (read from the database itself), counted once (the instructor's tallies, and a fresh instructor's), and
 * how long after the last send the instructor's counts were exact.
 */
import type { LiveTally } from '../shared/schemas/flag.js';
import { connectInstructor, last, type Instructor, type TestSocket } from '../tests/helpers/clients.js';
import { waitFor } from '../tests/helpers/wait-for.js';
import { epochNow } from './clock.js';
import type { FlagRound, ipcClient } from './ipc.js';
import { cpuSecondsOf } from './processes.js';
import { summarize, type LatencySummary } from './stats.js';
import type { StoredFlags } from './stored-flags.js';

const SPREAD_MS = 1_000;
const RESEND_EVERY = 10;
const EXACT_TIMEOUT_MS = 5_000;

export interface IngestResult {
  participants: number;
  round: FlagRound;
  resent: FlagRound;
  ackLatency: LatencySummary;
  /** Flags of the cue in the database after the round, and after the resends. */
  stored: number;
  storedAfterResend: number;
  /** Flags stored more than once per participant (each sent exactly one). */
  participantsWithSeveral: number;
  /** The largest total any `tally:updated` showed for the cue: above the participants means counted twice. */
  maxTallied: number;
  /** The total a newly connected instructor is sent after the resends. */
  freshTally: number;
  /** Last flag sent → the first `tally:updated` with the exact total; NaN when it never came. */
  exactAfterMs: number;
  tallyUpdates: number;
  /** CPU that Attune's processes spent per flag sent (the round and the resends, with their tallies), in ms. */
  serverCpuMsPerFlag: number;
}

interface Context {
  /** Where the fresh instructor connects (with several processes, another than the tablet's). */
  url: string;
  storedFlags: StoredFlags;
  instructor: Instructor;
  classId: string;
  tablet: TestSocket;
  cueIndex: number;
  participants: ReturnType<typeof ipcClient>;
  /** The participants' group connected to the class. */
  group: string;
  count: number;
  offsetMs: number;
  /** Attune's processes, for the CPU they spend on the flags. */
  serverPids: number[];
}

export async function measureIngest(context: Context): Promise<IngestResult> {
  const { participants, group, cueIndex, count, offsetMs } = context;
  const tallies: { at: number; total: number }[] = [];
  context.tablet.on('tally:updated', (live) => tallies.push({ at: epochNow(), total: totalOf(live, cueIndex) }));

  const cpuSecondsBefore = totalCpuSeconds(context.serverPids);
  const round = await participants.ask('flags', { group, cueIndex, spreadMs: SPREAD_MS });
  const exact = await waitFor(
    () => {
      const hit = tallies.find((tally) => tally.total === count);
      if (!hit) throw new Error('counts not exact yet');
      return hit;
    },
    { timeoutMs: EXACT_TIMEOUT_MS },
  ).catch(() => undefined);
  const stored = await context.storedFlags(context.classId, cueIndex);

  const resent = await participants.ask('resend', { group, every: RESEND_EVERY, spreadMs: SPREAD_MS / RESEND_EVERY });
  const serverCpuMs = (totalCpuSeconds(context.serverPids) - cpuSecondsBefore) * 1000;
  const storedAfter = await context.storedFlags(context.classId, cueIndex);
  const fresh = await connectInstructor(context.url, context.instructor, context.classId);
  const freshTally = await waitFor(() => {
    const sent = last(fresh, 'tally:updated');
    if (!sent) throw new Error('no tally yet');
    return totalOf(sent, cueIndex);
  });
  fresh.disconnect();

  return {
    participants: count,
    round,
    resent,
    ackLatency: summarize(round.ackMs),
    stored: stored.flags,
    storedAfterResend: storedAfter.flags,
    participantsWithSeveral: storedAfter.participantsWithSeveral,
    maxTallied: Math.max(0, ...tallies.map((tally) => tally.total)),
    freshTally,
    exactAfterMs: exact ? exact.at - (round.lastSentAt - offsetMs) : NaN,
    tallyUpdates: tallies.length,
    serverCpuMsPerFlag: serverCpuMs / (round.sent + resent.sent),
  };
}

function totalCpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}

function totalOf(live: LiveTally, cueIndex: number): number {
  const tally = live.cues.find((entry) => entry.cueIndex === cueIndex);
  return tally ? tally.tension + tally.relief : 0;
}
