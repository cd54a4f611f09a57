/**
 * The load of the many-small-classes workload, in a process of its own (bench/small-classes.ts starts one per
 * server): a tablet per class (socket.io-client, as the tablet's protocol) and its participants, who tap at
 * random. Each class gets a cue every 8-12 s; each participant flags every 5-15 s (the cue on its screen). It
 * measures, on its own clock (tap and receipt are in this process):
 * - cue fan-out: the instructor's `class:command` emit → each participant's `class:state` of the new revision;
 * - flag ack: `flag:submit` emit → its acknowledgement;
 * - counted within: a flag's acknowledgement → the first `tally:updated` on its class's tablet that includes it
 *   (the class's tally total reaching the count of flags acknowledged so far; 0 when the tally came first);
 * - exactly-once: after the load stops, each tablet's last tally total equals the flags acknowledged as new.
 * Talks to its parent over the IPC channel: `{ kind: 'connect' }` then `{ kind: 'run' }`, one reply each.
 */
import { randomUUID } from 'node:crypto';
import type { PublicClassState } from '../shared/schemas/class.js';
import type { LiveTally } from '../shared/schemas/flag.js';
import { closeAllSockets, connect, emitUnchecked, type TestSocket } from '../tests/helpers/clients.js';
import { percentile as nearestRank } from './stats.js';

const percentile = (samples: readonly number[], p: number) => nearestRank([...samples].sort((a, b) => a - b), p);

export interface LoadSetup {
  server: 'attune' | 'bare';
  url: string;
  /** The instructor's session cookie (Attune). */
  cookie?: string;
  classes: { classId: string; code: string }[];
  participantsPerClass: number;
  durationMs: number;
  seed: number;
  /** The bare server broadcasts copies of these (states Attune sent), by cue index. */
  states?: PublicClassState[];
}

export interface LoadResult {
  participants: number;
  connectMs: number;
  cues: number;
  fanoutMs: { p50: number; p99: number; samples: number; missed: number };
  flags: { sent: number; acked: number; duplicates: number; errors: Record<string, number> };
  ackMs: { p50: number; p99: number };
  countedMs: { p50: number; p99: number; samples: number; neverCounted: number };
  exactlyOnce: { classes: number; exact: number; mismatches: string[] };
}

export type LoadRequest = { kind: 'connect'; setup: LoadSetup } | { kind: 'run' } | { kind: 'close' };
export type LoadReply = { ok: true; data: unknown } | { ok: false; error: string };

const CONNECT_CONCURRENCY = 50;
const ACK_TIMEOUT_MS = 10_000;
/** After the load stops: how long acks may still come, and the last tallies. */
const DRAIN_MS = 2_000;
const SETTLE_MS = 5_000;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LiveClass {
  classId: string;
  code: string;
  tablet: TestSocket;
  revision: number;
  cueIndex: number;
  step: number;
  /** When the last command was emitted, and the revision before it. */
  cueAt: number;
  revisionBefore: number;
  acked: number;
  tallyTotal: number;
  /** Acknowledged flags not yet seen in a tally: when, and the count they make. */
  pending: { ackAt: number; count: number }[];
}

interface Participant {
  live: LiveClass;
  socket: TestSocket;
  state: PublicClassState | null;
  lastRevision: number;
}

let classes: LiveClass[] = [];
let participants: Participant[] = [];
let setup: LoadSetup;
let isRunning = false;
const fanoutMs: number[] = [];
const ackMs: number[] = [];
const countedMs: number[] = [];
const flags = { sent: 0, acked: 0, duplicates: 0, errors: {} as Record<string, number> };
let cues = 0;

const totalOf = (tally: LiveTally) => tally.cues.reduce((sum, cue) => sum + cue.tension + cue.relief, 0);

function onTally(live: LiveClass, tally: LiveTally): void {
  const now = performance.now();
  live.tallyTotal = totalOf(tally);
  while (live.pending.length > 0 && live.pending[0]!.count <= live.tallyTotal) {
    countedMs.push(Math.max(0, now - live.pending.shift()!.ackAt));
  }
}

function onState(participant: Participant, state: PublicClassState): void {
  const { live } = participant;
  participant.state = state;
  if (state.revision <= participant.lastRevision) return;
  participant.lastRevision = state.revision;
  if (isRunning && state.revision > live.revisionBefore && live.cueAt > 0) fanoutMs.push(performance.now() - live.cueAt);
}

async function connectAll(request: LoadSetup) {
  setup = request;
  const startedAt = performance.now();
  classes = [];
  for (const { classId, code } of request.classes) {
    const tablet = await connect(request.url, { role: 'instructor', classId }, request.cookie);
    const live: LiveClass = { classId, code, tablet, revision: 0, cueIndex: -1, step: 0, cueAt: 0, revisionBefore: 0, acked: 0, tallyTotal: 0, pending: [] };
    tablet.on('tally:updated', (tally) => onTally(live, tally));
    tablet.on('class:instructor-state', (state) => void (live.revision = Math.max(live.revision, state.revision)));
    classes.push(live);
  }
  if (request.server === 'bare') await emitUnchecked(classes[0]!.tablet, 'bench:states', { states: request.states, revision: 0, cueIndex: 0 });
  const wanted = classes.flatMap((live) => Array.from({ length: request.participantsPerClass }, () => live));
  for (let first = 0; first < wanted.length; first += CONNECT_CONCURRENCY) {
    await Promise.all(
      wanted.slice(first, first + CONNECT_CONCURRENCY).map(async (live) => {
        const socket = await connect(request.url, { role: 'participant', code: live.code, token: randomUUID() });
        const participant: Participant = { live, socket, state: null, lastRevision: -1 };
        socket.on('class:state', (state) => onState(participant, state));
        participants.push(participant);
      }),
    );
  }
  // Every class started, on its first cue, before the clock runs.
  for (const live of classes) await command(live, 'start');
  const deadline = performance.now() + 15_000;
  while (participants.some((p) => p.state?.status !== 'running') && performance.now() < deadline) await sleep(50);
  return { participants: participants.length, connectMs: performance.now() - startedAt };
}

async function command(live: LiveClass, type: 'start' | 'next' | 'previous') {
  live.revisionBefore = live.revision;
  live.cueAt = performance.now();
  const ack = await emitUnchecked<{ revision: number; cueIndex: number }>(live.tablet, 'class:command', { type, revision: live.revision });
  if (!ack.ok) throw new Error(`${setup.server} class:command ${type}: ${ack.error.code} ${ack.error.message}`);
  live.revision = ack.data.revision;
  live.cueIndex = ack.data.cueIndex;
}

function flag(participant: Participant): void {
  const state = participant.state;
  if (!state || state.status !== 'running' || state.cueIndex < 0) return;
  const { live } = participant;
  flags.sent++;
  const sentAt = performance.now();
  participant.socket.timeout(ACK_TIMEOUT_MS).emit('flag:submit', { flagId: randomUUID(), cueIndex: state.cueIndex, revision: state.revision, kind: flags.sent % 2 ? 'tension' : 'relief' }, (error, ack) => {
    const now = performance.now();
    if (error) flags.errors.timeout = (flags.errors.timeout ?? 0) + 1;
    else if (!ack.ok) flags.errors[ack.error.code] = (flags.errors[ack.error.code] ?? 0) + 1;
    else if (ack.data.duplicate) flags.duplicates++;
    else {
      flags.acked++;
      ackMs.push(now - sentAt);
      live.acked++;
      if (live.tallyTotal >= live.acked) countedMs.push(0);
      else live.pending.push({ ackAt: now, count: live.acked });
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(): Promise<LoadResult> {
  const rand = random(setup.seed);
  const between = (min: number, max: number) => min + rand() * (max - min);
  const endsAt = performance.now() + setup.durationMs;
  const timers = new Set<NodeJS.Timeout>();
  const every = (min: number, max: number, act: () => void, first = between(0, max)) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (performance.now() >= endsAt) return;
      act();
      every(min, max, act, between(min, max));
    }, first);
    timers.add(timer);
  };
  isRunning = true;
  for (const live of classes) {
    every(8_000, 12_000, () => {
      cues++;
      // Back and forth over the first cues, so a class never runs out of them.
      void command(live, live.step++ % 2 === 0 ? 'next' : 'previous').catch((error: Error) => console.error(error.message));
    });
  }
  for (const participant of participants) every(5_000, 15_000, () => flag(participant));
  await sleep(setup.durationMs);
  for (const timer of timers) clearTimeout(timer);
  await sleep(DRAIN_MS);
  const settleBy = performance.now() + SETTLE_MS;
  while (classes.some((live) => live.tallyTotal !== live.acked) && performance.now() < settleBy) await sleep(50);
  isRunning = false;

  const expectedReceipts = cues * setup.participantsPerClass;
  const mismatches = classes.filter((live) => live.tallyTotal !== live.acked).map((live) => `${live.code}: tally ${live.tallyTotal}, acknowledged ${live.acked}`);
  const result: LoadResult = {
    participants: participants.length,
    connectMs: 0,
    cues,
    fanoutMs: { p50: percentile(fanoutMs, 50), p99: percentile(fanoutMs, 99), samples: fanoutMs.length, missed: Math.max(0, expectedReceipts - fanoutMs.length) },
    flags,
    ackMs: { p50: percentile(ackMs, 50), p99: percentile(ackMs, 99) },
    countedMs: {
      p50: percentile(countedMs, 50),
      p99: percentile(countedMs, 99),
      samples: countedMs.length,
      neverCounted: classes.reduce((sum, live) => sum + live.pending.length, 0),
    },
    exactlyOnce: { classes: classes.length, exact: classes.length - mismatches.length, mismatches: mismatches.slice(0, 5) },
  };
  return result;
}

/** Everyone leaves: a request of its own, after the server's CPU for the load has been read. */
async function close(): Promise<null> {
  closeAllSockets();
  return null;
}

process.on('message', (request: LoadRequest) => {
  const work = request.kind === 'connect' ? connectAll(request.setup) : request.kind === 'run' ? run() : close();
  work.then(
    (data) => process.send!({ ok: true, data } satisfies LoadReply),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
