/**
 * Many small classes, the shape of real use (PRODUCT.md, Budgets): 100 classes of 12 participants for a minute,
 * a cue every 8-12 s in each class, a flag from each participant every 5-15 s; against Attune (fresh, compiled,
 * SQLite) and then a bare Socket.IO server doing the same fan-out, acks and counting (bench/bare-server.ts), in
 * the same run, the load from a process of its own (bench/small-classes-load.ts). Server CPU is read from
 * /proc/PID/stat around the load. And the cost of one tally update in a class with 200 and with 200,000 stored
 * flags (`measureTallyCost`).
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublicClassState } from '../shared/schemas/class.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, last, openClass, signUp, type Instructor } from '../tests/helpers/clients.js';
import { freePort, removeDataDir, spawnServer } from '../tests/helpers/spawn-server.js';
import { cpuSecondsOf, memoryOf, spawnBareServer, spawnScript, stopProcess } from './processes.js';
import type { LoadReply, LoadRequest, LoadResult, LoadSetup } from './small-classes-load.js';
import { MAX_FLAGS_PER_PARTICIPANT_CUE } from '../server/domain/flag-rules.js';
import { seedFlags } from './seed-flags.js';
import { summarize } from './stats.js';

/** A pause between connecting everyone and the measured load. */
const SETTLE_MS = 3_000;
/** Tally-cost probes one participant sends, under the cap of flags per participant and cue. */
const PROBES_PER_PHONE = MAX_FLAGS_PER_PARTICIPANT_CUE / 2;

export interface SmallClassesOptions {
  classes: number;
  participantsPerClass: number;
  durationS: number;
  /** The bare server also stores each flag in SQLite before its ack (`--bare-stores`). */
  bareStores?: boolean;
  log: (message: string) => void;
}

export interface SmallClassesSide extends LoadResult {
  server: 'Attune' | 'bare Socket.IO';
  cpuS: number;
  cpuMsPerParticipantMinute: number;
  rssPeakMb: number;
}

export interface SmallClassesResult {
  options: Omit<SmallClassesOptions, 'log'>;
  attune: SmallClassesSide;
  bare: SmallClassesSide;
}

function ask<T>(child: ChildProcess, request: LoadRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (reply: LoadReply) => {
      child.off('exit', onExit);
      if (reply.ok) resolve(reply.data as T);
      else reject(new Error(`load process: ${reply.error}`));
    });
    child.send(request);
  });
}

async function drive(serverPid: number, setup: LoadSetup, options: SmallClassesOptions, name: SmallClassesSide['server']): Promise<SmallClassesSide> {
  const load = spawnScript('bench/small-classes-load.ts');
  try {
    options.log(`${name}: connecting ${setup.classes.length} tablets and ${setup.classes.length * setup.participantsPerClass} participants`);
    const connected = await ask<{ participants: number; connectMs: number }>(load, { kind: 'connect', setup });
    // Whatever the joins left queued (presence, logs) is done before the clock runs.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    options.log(`${name}: ${options.durationS} s of cues and flags`);
    const cpuBefore = cpuSecondsOf(serverPid);
    const result = await ask<LoadResult>(load, { kind: 'run' });
    // Before everyone disconnects: the teardown is not part of the minute measured.
    const cpuS = cpuSecondsOf(serverPid) - cpuBefore;
    await ask<null>(load, { kind: 'close' });
    const participantMinutes = (connected.participants * options.durationS) / 60;
    return { ...result, connectMs: connected.connectMs, server: name, cpuS, cpuMsPerParticipantMinute: (cpuS * 1000) / participantMinutes, rssPeakMb: memoryOf(serverPid).peakMb };
  } finally {
    await stopProcess(load);
  }
}

/** The workload on a fresh Attune and a fresh bare server, one after the other. */
export async function measureSmallClasses(options: SmallClassesOptions): Promise<SmallClassesResult> {
  const { log } = options;
  log('many small classes: starting a fresh Attune (compiled, SQLite)');
  const server = await spawnServer({ entry: 'built' });
  let attune: SmallClassesSide;
  let states: PublicClassState[] = [];
  try {
    const instructor = await signUp(server.url);
    const classes: LoadSetup['classes'] = [];
    for (let i = 0; i < options.classes; i++) {
      const { class: opened } = await openClass(instructor);
      classes.push({ classId: opened.classId, code: opened.code });
    }
    states = await sampleStates(server.url, instructor);
    const setup: LoadSetup = { server: 'attune', url: server.url, cookie: instructor.cookie, classes, participantsPerClass: options.participantsPerClass, durationMs: options.durationS * 1000, seed: 11 };
    attune = await drive(server.process.pid!, setup, options, 'Attune');
  } finally {
    await server.stop();
    removeDataDir(server);
  }
  log(`many small classes: the bare Socket.IO server${options.bareStores ? ', storing flags in SQLite' : ''}`);
  const flagsDir = options.bareStores ? mkdtempSync(join(tmpdir(), 'attune-bare-')) : undefined;
  const bareServer = await spawnBareServer({ storesFlagsIn: flagsDir });
  try {
    const classes = Array.from({ length: options.classes }, (_, i) => ({ classId: `S${i}`, code: `S${i}` }));
    const setup: LoadSetup = { server: 'bare', url: bareServer.url, classes, participantsPerClass: options.participantsPerClass, durationMs: options.durationS * 1000, seed: 11, states };
    const bare = await drive(bareServer.process.pid!, setup, options, 'bare Socket.IO');
    return { options: { classes: options.classes, participantsPerClass: options.participantsPerClass, durationS: options.durationS }, attune, bare };
  } finally {
    await stopProcess(bareServer.process);
    if (flagsDir) rmSync(flagsDir, { recursive: true, force: true });
  }
}

/** The public states of a class's first cues as Attune sends them, for the bare server to broadcast copies of. */
async function sampleStates(url: string, instructor: Instructor): Promise<PublicClassState[]> {
  const { class: opened } = await openClass(instructor);
  const tablet = await connectInstructor(url, instructor, opened.classId);
  const phone = await connectParticipant(url, opened.code);
  const states: PublicClassState[] = [];
  let revision = 0;
  for (const type of ['start', 'next', 'next'] as const) {
    const ack = await emitAck(tablet, 'class:command', { type, revision });
    if (!ack.ok) throw new Error(`sample ${type}: ${ack.error.code}`);
    revision = ack.data.revision;
    const deadline = Date.now() + 5_000;
    while (last(phone, 'class:state')?.revision !== revision && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    states[ack.data.cueIndex] = last(phone, 'class:state')!;
  }
  closeAllSockets();
  return states;
}

export interface TallyCostRow {
  storedFlags: number;
  /** A flag's ack → the instructor's `tally:updated` that counts it, ms, in a quiet class. */
  flagToTallyMs: ReturnType<typeof summarize>;
  /** Server CPU per flag (store, tally, broadcast), ms. */
  serverCpuMsPerFlag: number;
}

/**
 * The cost of one tally update in a quiet class with `sizes` flags stored: a fresh Attune, a class started on its
 * first cue, the flags written through a storage instance while the server is stopped (seed-flags.ts), the
 * server started again; then `probes` flags one at a time, each waited for on the tablet.
 */
export async function measureTallyCost(options: { sizes: number[]; probes: number; log: (message: string) => void }): Promise<TallyCostRow[]> {
  const rows: TallyCostRow[] = [];
  for (const size of options.sizes) {
    const port = await freePort();
    let server = await spawnServer({ entry: 'built', port });
    try {
      const instructor = await signUp(server.url);
      const { class: opened } = await openClass(instructor);
      let tablet = await connectInstructor(server.url, instructor, opened.classId);
      const ack = await emitAck(tablet, 'class:command', { type: 'start', revision: 0 });
      if (!ack.ok) throw new Error(`start: ${ack.error.code}`);
      closeAllSockets();
      await server.stop();
      options.log(`tally cost: seeding ${size.toLocaleString('en')} flags`);
      await seedFlags(server.dataDir, opened.classId, 0, size);
      server = await spawnServer({ entry: 'built', port, dataDir: server.dataDir });
      tablet = await connectInstructor(server.url, instructor, opened.classId);
      // A participant flags one cue at most MAX_FLAGS_PER_PARTICIPANT_CUE times: the probes take turns among a few.
      const phones = await Promise.all(
        Array.from({ length: Math.ceil(options.probes / PROBES_PER_PHONE) }, () => connectParticipant(server.url, opened.code)),
      );
      const totalOf = () => (last(tablet, 'tally:updated')?.cues ?? []).reduce((sum, cue) => sum + cue.tension + cue.relief, 0);
      const waitForTotal = async (total: number) => {
        const deadline = performance.now() + 10_000;
        while (totalOf() < total && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
        if (totalOf() < total) throw new Error(`tally cost: the tablet never counted ${total} flags (saw ${totalOf()})`);
      };
      await waitForTotal(size);
      options.log(`tally cost: ${options.probes} flags into a class with ${size.toLocaleString('en')} stored`);
      const samples: number[] = [];
      const cpuBefore = cpuSecondsOf(server.process.pid!);
      for (let i = 0; i < options.probes; i++) {
        // Quiet between probes: each tally is the first change after a pause, never coalesced with another.
        await new Promise((resolve) => setTimeout(resolve, 250));
        const flagAck = await emitAck(phones[Math.floor(i / PROBES_PER_PHONE)]!, 'flag:submit', { flagId: randomUUID(), cueIndex: 0, kind: i % 2 ? 'relief' : 'tension' });
        if (!flagAck.ok) throw new Error(`tally cost flag: ${flagAck.error.code}`);
        const ackedAt = performance.now();
        await waitForTotal(size + i + 1);
        samples.push(performance.now() - ackedAt);
      }
      const cpuS = cpuSecondsOf(server.process.pid!) - cpuBefore;
      rows.push({ storedFlags: size, flagToTallyMs: summarize(samples), serverCpuMsPerFlag: (cpuS * 1000) / options.probes });
    } finally {
      closeAllSockets();
      await server.stop();
      removeDataDir(server);
    }
  }
  return rows;
}
