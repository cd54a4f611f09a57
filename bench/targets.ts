/**
 * The classes the fan-out is measured on, each with its own group of participants in the participants'
 * process: a fresh Attune class (its participants on one process, or spread evenly over several) and the bare
 * server, set to broadcast copies of the states Attune sent.
 */
import type { PublicClassState } from '../shared/schemas/class.js';
import { connect, connectInstructor, emitUnchecked, openClass, type Instructor, type TestSocket } from '../tests/helpers/clients.js';
import type { BareSetup } from './bare-server.js';
import type { ServerName, Target } from './fanout.js';
import { tapsOn } from './instructor.js';
import type { ipcClient } from './ipc.js';

type Participants = ReturnType<typeof ipcClient>;

const RECEIPT_TIMEOUT_MS = 5_000;

/** An Attune process the participants of a class connect to, named for the report. */
export interface Process {
  url: string;
  name: string;
}

export interface AttuneClassOptions {
  server: ServerName;
  group: string;
  /** The instructor's process: the class is opened and the tablet connected there. */
  url: string;
  instructor: Instructor;
  count: number;
  /** Where the participants connect, evenly; `url` alone when not given. */
  processes?: Process[];
}

/** Connects `count` participants of `group` to one process, as part `part`; ms it took. */
async function connectGroup(participants: Participants, request: { group: string; url: string; code: string; count: number; part: number }) {
  const result = await participants.ask('connect', request);
  if (result.connected !== request.count) {
    throw new Error(`only ${result.connected} of ${request.count} participants connected to ${request.group}: ${result.failures.join('; ')}`);
  }
  return result.ms;
}

/** A fresh Attune class with `count` participants, started, its first two cues' states seen by all. */
export async function openAttuneClass(participants: Participants, options: AttuneClassOptions) {
  const { group } = options;
  const { class: opened } = await openClass(options.instructor);
  const tablet = await connectInstructor(options.url, options.instructor, opened.classId);
  const processes = options.processes ?? [{ url: options.url, name: options.server }];
  let connectMs = 0;
  for (const [part, { url }] of processes.entries()) {
    // The first processes take the remainder, so the counts add up to `count`.
    const count = Math.floor(options.count / processes.length) + (part < options.count % processes.length ? 1 : 0);
    connectMs += await connectGroup(participants, { group, url, code: opened.code, count, part });
  }

  const tap = tapsOn(tablet);
  let current: PublicClassState = opened;
  const states: PublicClassState[] = [];
  const trigger = async (type: 'start' | 'next' | 'previous') => {
    const { classId: _classId, cues: _cues, ...state } = await tap(type);
    states[state.cueIndex] = state;
    current = state;
    return state;
  };
  // The bare server broadcasts copies of the states Attune sends for these cues.
  for (const type of ['start', 'next', 'previous'] as const) {
    const state = await trigger(type);
    await participants.ask('receipts', { group, revision: state.revision, timeoutMs: RECEIPT_TIMEOUT_MS });
  }
  const target: Target = { server: options.server, group, trigger, parts: processes.length > 1 ? processes.map((entry) => entry.name) : undefined };
  return { target, tablet, classId: opened.classId, connectMs, states, current: () => current };
}

/**
 * A tablet on the bare server for the class `classId`, set to broadcast copies of Attune's `states`, and its taps
 * (`start` too: the small classes of bench/bare-server.ts begin in the lobby).
 */
export async function bareTablet(url: string, classId: string, states: PublicClassState[]) {
  const tablet: TestSocket = await connect(url, { role: 'instructor', classId });
  const setup: BareSetup = { states: Array.from(states, (state) => state ?? null), revision: 0, cueIndex: 0 };
  await emitUnchecked(tablet, 'bench:states', setup);
  let revision = setup.revision;
  const tap = async (type: 'start' | 'next' | 'previous') => {
    const ack = await emitUnchecked<{ revision: number; cueIndex: number }>(tablet, 'class:command', { type, revision });
    if (!ack.ok) throw new Error(`bare class:command ${type}: ${ack.error.message}`);
    revision = ack.data.revision;
    return ack.data;
  };
  return { tablet, tap };
}

/** The bare server with `count` participants in `group`, set to broadcast copies of Attune's states. */
export async function openBareClass(participants: Participants, options: { url: string; group: string; count: number; states: PublicClassState[] }) {
  const { tablet, tap } = await bareTablet(options.url, 'bare', options.states);
  const connectMs = await connectGroup(participants, { group: options.group, url: options.url, code: 'BARE', count: options.count, part: 0 });
  const target: Target = { server: 'bare Socket.IO', group: options.group, trigger: tap };
  return { target, tablet, connectMs };
}
