/**
 * Reconnection (PRODUCT.md: "a reconnecting phone is back on the current cue within 1 s at p99"): phones
 * running the page's own client (phones.ts) reach Attune through a TCP proxy that stands in for their network.
 * Each cycle cuts the proxy (every connection drops, new ones are refused), changes the cue while the phones
 * are away, restores the proxy, and times each phone from the restore until it holds the new cue's state.
 *
 * Two ways back, as on a real phone: "nudged", where the page calls `connect()` the moment the network or the
 * screen comes back (its `online` and `visibilitychange` handlers; here every phone is nudged right after the
 * restore), and "backoff", where nothing tells the page and it waits out its own reconnection delay (the
 * defaults of client/src/lib/phone-socket.ts), as when an access point or a route drops without the phone
 * noticing. The cut closes the phones' connections, so they notice at once; a silent drop is not measured.
 *
 * The shapes: one big class of 300 in a room, and the whole clinic at once (PRODUCT.md: "1,200 phones that all
 * reconnect at once are all back on their current cue within 1 s"): 100 classes of 12 behind one network, every
 * class's cue changed while they are away, every phone nudged at the same moment.
 */
import type { PublicClassState } from '../shared/schemas/class.js';
import { connectInstructor, openClass, type Instructor, type TestSocket } from '../tests/helpers/clients.js';
import { startTcpProxy } from '../tests/helpers/tcp-proxy.js';
import { epochNow } from './clock.js';
import { tapsOn } from './instructor.js';
import { bareTablet } from './targets.js';
import type { ipcClient } from './ipc.js';
import { cpuSecondsOf, cpuSnapshot, otherCores } from './processes.js';
import { summarize, type LatencySummary } from './stats.js';

/** Cut → restore → new cue on every phone, per scenario: 3 × 300 samples keep a p99 off a single phone. */
const CYCLES = 3;
const CONNECT_TIMEOUT_MS = 20_000;
/** Far beyond the page's longest reconnection delay: a phone not back by then is counted as not back. */
const BACK_TIMEOUT_MS = 10_000;
/** Between cycles, as between real outages: presence updates of the last one settle. */
const SETTLE_MS = 500;
/** PRODUCT.md: back on the current cue within 1 s at p99. */
export const BUDGET_MS = 1_000;

export interface ReconnectScenario {
  name: string;
  /** Classes behind the one network that is cut, each with this many phones. */
  classes: number;
  phonesPerClass: number;
  /** How long the network is gone: the backoff delay a phone has reached depends on it. */
  awayMs: number;
  /** Whether every phone is told at once that the network is back (`connect()`, as the page's handlers do). */
  isNudged: boolean;
}

const BIG_CLASS = { classes: 1, phonesPerClass: 300 };

export const RECONNECT_SCENARIOS: ReconnectScenario[] = [
  { name: 'nudged (online / visibilitychange)', ...BIG_CLASS, awayMs: 5_000, isNudged: true },
  { name: 'backoff only, 5 s away', ...BIG_CLASS, awayMs: 5_000, isNudged: false },
  { name: 'backoff only, 1 s blip', ...BIG_CLASS, awayMs: 1_000, isNudged: false },
];

/** The whole clinic reconnecting at once: the budget's 1,200 phones. */
export const ALL_AT_ONCE: ReconnectScenario = { name: '1,200 phones in 100 classes, nudged at once', classes: 100, phonesPerClass: 12, awayMs: 5_000, isNudged: true };

export interface ReconnectResult {
  scenario: ReconnectScenario;
  server: ReconnectContext['server'];
  phones: number;
  cycles: number;
  /** Restore → each phone's receipt of the new cue's state, over every cycle. */
  latency: LatencySummary;
  /** Restore → the last phone back, one sample per cycle. */
  allBack: LatencySummary;
  /** Samples within PRODUCT.md's 1 s. */
  withinBudget: number;
  /** Phones not back within 10 s, or back with another cue. */
  missing: number;
  wrongCue: number;
  /** Phones that had not noticed the cut before the cue changed (the measurement assumes none). */
  notCut: number;
  /** Cores' worth of CPU that processes outside the bench used meanwhile. */
  otherCores: number;
  /**
   * CPU per phone and cycle (its drop, and its way back) of Attune's process and of the participants' process,
   * in ms: what queues the reconnections one behind the other on this machine.
   */
  cpuMsPerPhone: { server: number; phones: number };
}

/** A running class behind the cut network: its join code, how its instructor changes the cue, its tablet. */
export interface ReconnectClass {
  code: string;
  tap: (type: 'next' | 'previous') => Promise<{ revision: number; cueIndex: number }>;
  tablet: TestSocket;
}

export interface ReconnectContext {
  server: 'Attune' | 'bare Socket.IO';
  url: string;
  /** Opens the scenario's `index`-th class, started on its first cue. */
  openClass: (index: number) => Promise<ReconnectClass>;
  participants: ReturnType<typeof ipcClient>;
  /** How far the participants' clock runs ahead of this process's. */
  offsetMs: number;
  /** The bench's processes, whose CPU time is not noise. */
  pids: number[];
  serverPid: number;
  participantsPid: number;
}

/**
 * Attune classes of `instructor`'s; `states` collects, by cue index, the states their taps return (without the
 * instructor's fields), for the bare server to send copies of.
 */
export function attuneClasses(url: string, instructor: Instructor, states: PublicClassState[]): ReconnectContext['openClass'] {
  return async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(url, instructor, opened.classId);
    const tapOnce = tapsOn(tablet);
    const tap = async (type: 'start' | 'next' | 'previous') => {
      const { classId: _classId, cues: _cues, ...state } = await tapOnce(type);
      states[state.cueIndex] = state;
      return state;
    };
    await tap('start');
    return { code: opened.code, tap, tablet };
  };
}

/** Classes `S0`, `S1`, … on the bare server, sending copies of Attune's `states` (bench/bare-server.ts). */
export function bareClasses(url: string, states: PublicClassState[]): ReconnectContext['openClass'] {
  return async (index) => {
    const code = `S${index}`;
    const { tablet, tap } = await bareTablet(url, code, states);
    await tap('start');
    return { code, tap, tablet };
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One scenario, on classes of its own (a class's join limit would not fit every scenario's handshakes). */
export async function measureReconnect(context: ReconnectContext, scenario: ReconnectScenario): Promise<ReconnectResult> {
  const { participants, offsetMs } = context;
  const phoneCount = scenario.classes * scenario.phonesPerClass;
  const classes: ReconnectClass[] = [];
  for (let i = 0; i < scenario.classes; i++) classes.push(await context.openClass(i));
  const proxy = await startTcpProxy(context.url);
  try {
    let ready = 0;
    for (const { code } of classes) {
      ready += (await participants.ask('phonesConnect', { url: proxy.url, code, count: scenario.phonesPerClass, timeoutMs: CONNECT_TIMEOUT_MS })).ready;
    }
    if (ready !== phoneCount) throw new Error(`only ${ready} of ${phoneCount} phones connected`);
    const latencies: number[] = [];
    const allBack: number[] = [];
    const lost = { missing: 0, wrongCue: 0, notCut: 0 };
    const cpuBefore = cpuSnapshot(context.pids);
    const ownPids = [context.serverPid, context.participantsPid];
    const cpuSecondsBefore = ownPids.map(cpuSecondsOf);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const cutAt = epochNow();
      proxy.cut();
      lost.notCut += (await participants.ask('phonesGone', { timeoutMs: BACK_TIMEOUT_MS })).stillConnected;
      const expected = await Promise.all(
        classes.map(async ({ code, tap }) => {
          const { revision, cueIndex } = await tap(cycle % 2 === 0 ? 'next' : 'previous');
          return { code, revision, cueIndex };
        }),
      );
      await pause(Math.max(0, cutAt + scenario.awayMs - epochNow()));
      const restoredAt = epochNow();
      proxy.restore();
      if (scenario.isNudged) await participants.ask('phonesNudge', {});
      const back = await participants.ask('phonesBack', { expected, timeoutMs: BACK_TIMEOUT_MS });
      const cycleLatencies = back.receivedAt.map((at) => at - offsetMs - restoredAt);
      latencies.push(...cycleLatencies);
      if (cycleLatencies.length > 0) allBack.push(Math.max(...cycleLatencies));
      lost.missing += phoneCount - back.receivedAt.length;
      lost.wrongCue += back.wrongCue;
      await pause(SETTLE_MS);
    }
    const [server, phones] = ownPids.map((pid, i) => ((cpuSecondsOf(pid) - cpuSecondsBefore[i]!) * 1000) / (phoneCount * CYCLES)) as [number, number];
    return {
      scenario,
      server: context.server,
      phones: phoneCount,
      cycles: CYCLES,
      latency: summarize(latencies),
      allBack: summarize(allBack),
      withinBudget: latencies.filter((latency) => latency <= BUDGET_MS).length,
      ...lost,
      otherCores: otherCores(cpuBefore, cpuSnapshot(context.pids)),
      cpuMsPerPhone: { server, phones },
    };
  } finally {
    await participants.ask('phonesClose', {});
    await proxy.close();
    for (const { tablet } of classes) tablet.disconnect();
  }
}
