/**
 * Nothing lost: the tablet dropping off the network, the server killed mid-class (SIGKILL) and started again on
 * the same data and port, a graceful SIGTERM, a phone that reconnects three times in a row. Real server
 * processes, a real SQLite file, the phone's own socket client and outbox (tests/helpers/headless-phone.ts),
 * and a TCP proxy to cut the network:
 *   phone/tablet -> (proxy) -> server process -> SQLite file; kill -> start again -> every client back by itself.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstructorClassState } from '../../shared/schemas/class.js';
import type { Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import { openSqlite } from '../../server/storage/open-sqlite.js';
import {
  closeAllSockets,
  connectInstructor,
  sendCommand,
  last,
  signUp,
  type TestSocket,
} from '../helpers/clients.js';
import { headlessPhone, type HeadlessPhone } from '../helpers/headless-phone.js';
import { createTestSchema } from '../helpers/postgres-schema.js';
import { freePort, removeDataDir, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/** Cue 2 counts down 15 s and then, with auto-advance on, moves on by itself. */
const timedSequence: SequenceInput = {
  title: 'Survive',
  language: 'en',
  cues: [
    { text: 'Arrive.', regions: [] },
    // Long enough to outlast a restart on a loaded machine (a server from source loads for seconds), so the
    // countdown is still running when the clients are back.
    { text: 'Breathe out slowly.', regions: ['chest'], durationSeconds: 15 },
    { text: 'Let the shoulders drop.', regions: ['shoulder-left', 'shoulder-right'] },
    { text: 'Rest.', regions: [] },
  ],
};

let servers: SpawnedServer[] = [];
let proxies: TcpProxy[] = [];
let phones: HeadlessPhone[] = [];

afterEach(async () => {
  phones.splice(0).forEach((phone) => phone.close());
  closeAllSockets();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  for (const server of servers.splice(0)) {
    await server.stop('SIGKILL');
    removeDataDir(server);
  }
});

/** A server process on a port that stays its own across restarts. */
async function startServer(options: { port?: number; dataDir?: string } = {}): Promise<SpawnedServer> {
  const server = await spawnServer({ port: options.port ?? (await freePort()), dataDir: options.dataDir });
  servers.push(server);
  return server;
}

/** The same data folder and port, a new process. */
async function restart(server: SpawnedServer): Promise<SpawnedServer> {
  servers = servers.filter((s) => s !== server);
  return startServer({ port: Number(new URL(server.url).port), dataDir: server.dataDir });
}

async function openTimedClass(url: string) {
  const lead = await signUp(url);
  const sequence = await lead.json<Sequence>('POST', '/api/sequences', timedSequence);
  const { class: opened } = await lead.json<{ class: InstructorClassState }>('POST', '/api/classes', { sequenceId: sequence.id });
  return { lead, opened };
}

const command = sendCommand;

function phone(url: string, code: string): HeadlessPhone {
  const created = headlessPhone(url, code);
  phones.push(created);
  return created;
}

const flagsOf = (tablet: TestSocket) => (last(tablet, 'tally:updated')?.cues ?? []).reduce((sum, c) => sum + c.tension + c.relief, 0);

describe('the tablet drops off the network', () => {
  it('comes back to the same class, cue and timer, with what the phones sent meanwhile', async () => {
    const server = await startServer();
    const toTablet = await startTcpProxy(server.url);
    proxies.push(toTablet);
    const { lead, opened } = await openTimedClass(server.url);
    const tablet = await connectInstructor(toTablet.url, lead, opened.classId, { reconnects: true });
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    const participants = [phone(server.url, opened.code), phone(server.url, opened.code)];
    await command(tablet, 'start');
    await command(tablet, 'auto-advance', { isOn: true });
    // A long cue, so its countdown is still running when the tablet is back.
    const before = await command(tablet, 'jump', { cueIndex: 1 });
    await waitFor(() => participants.forEach((p) => expect(p.state?.cueIndex).toBe(1)));

    toTablet.cut();
    await waitFor(() => expect(tablet.connected).toBe(false));
    participants.forEach((p) => p.flag('tension'));
    participants[0]!.flag('relief');
    await waitFor(() => participants.forEach((p) => expect(p.unsent).toBe(0)));
    toTablet.restore();

    await waitFor(() => expect(tablet.connected).toBe(true), { timeoutMs: 5000 });
    await waitFor(() =>
      expect(last(tablet, 'class:instructor-state')).toMatchObject({
        classId: opened.classId,
        status: 'running',
        cueIndex: 1,
        revision: before.revision,
        cueEndsAt: before.cueEndsAt,
        isAutoAdvance: true,
      }),
    );
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 1, tension: 2, relief: 1, participants: 2 }]));
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 2, joined: 2 }));

    // A reload is a new connection: the same again.
    const reloaded = await connectInstructor(server.url, lead, opened.classId);
    await waitFor(() => expect(last(reloaded, 'class:instructor-state')).toMatchObject({ cueIndex: 1, cueEndsAt: before.cueEndsAt }));
    await waitFor(() => expect(flagsOf(reloaded)).toBe(3));
  });
});

describe('the server is killed mid-class (SIGKILL) and started again', () => {
  it('resumes the class from storage, every client comes back by itself, queued flags count once', async () => {
    const first = await startServer();
    const { lead, opened } = await openTimedClass(first.url);
    const tablet = await connectInstructor(first.url, lead, opened.classId, { reconnects: true });
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    const participants = Array.from({ length: 5 }, () => phone(first.url, opened.code));
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 5, joined: 5 }));
    await command(tablet, 'start');
    await waitFor(() => participants.forEach((p) => expect(p.state?.status).toBe('running')));
    participants.forEach((p) => p.flag('tension'));
    await waitFor(() => participants.forEach((p) => expect(p.unsent).toBe(0)));
    await command(tablet, 'auto-advance', { isOn: true });
    const timed = await command(tablet, 'jump', { cueIndex: 1 });
    await waitFor(() => participants.forEach((p) => expect(p.state?.cueIndex).toBe(1)));

    await first.stop('SIGKILL');
    expect(first.process.signalCode).toBe('SIGKILL');
    await waitFor(() => participants.forEach((p) => expect(p.socket.connected).toBe(false)));
    // Taps while the server is gone wait on the phones.
    participants.forEach((p) => p.flag('relief'));
    participants.slice(0, 2).forEach((p) => p.flag('tension'));
    expect(participants.reduce((sum, p) => sum + p.unsent, 0)).toBe(7);

    const second = await restart(first);
    // The tablet is back by itself, with the class exactly where it was: cue, deadline, auto-advance.
    await waitFor(() =>
      expect(last(tablet, 'class:instructor-state')).toMatchObject({
        status: 'running',
        cueIndex: 1,
        revision: timed.revision,
        cueEndsAt: timed.cueEndsAt,
        isAutoAdvance: true,
      }),
      { timeoutMs: 10_000 },
    );
    // Every phone is back by itself, as the same participant, and its queued taps count once.
    await waitFor(() => participants.forEach((p) => expect(p.stats.connects).toBe(2)), { timeoutMs: 10_000 });
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 5, joined: 5 }));
    await waitFor(() => participants.forEach((p) => expect(p.unsent).toBe(0)), { timeoutMs: 10_000 });
    await waitFor(() =>
      expect(last(tablet, 'tally:updated')?.cues).toEqual([
        { cueIndex: 0, tension: 5, relief: 0, participants: 5 },
        { cueIndex: 1, tension: 2, relief: 5, participants: 5 },
      ]),
    );
    participants.forEach((p) => expect(p.stats.refused).toEqual([]));

    // The countdown was re-armed from the stored deadline, not restarted: the cue moves on at that deadline.
    await waitFor(() => expect(last(tablet, 'class:instructor-state')?.cueIndex).toBe(2), { timeoutMs: 20_000 });
    const advancedAt = Date.now();
    expect(advancedAt).toBeGreaterThanOrEqual(timed.cueEndsAt!);
    expect(advancedAt - timed.cueEndsAt!).toBeLessThan(3000);
    await waitFor(() => participants.forEach((p) => expect(p.state?.cueIndex).toBe(2)));

    await second.stop('SIGTERM');
    const storage = await openSqlite(second.dataDir);
    try {
      expect(await storage.participants.count(opened.classId)).toBe(5);
      expect((await storage.classes.get(opened.classId))?.revision).toBe(timed.revision + 1);
    } finally {
      await storage.close();
    }
  }, 60_000);
});

describe('a graceful shutdown (SIGTERM)', () => {
  it('stops accepting, closes storage cleanly and exits 0; the restart is clean and nothing is lost', async () => {
    const first = await startServer();
    const { lead, opened } = await openTimedClass(first.url);
    const tablet = await connectInstructor(first.url, lead, opened.classId, { reconnects: true });
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    const participant = phone(first.url, opened.code);
    await command(tablet, 'start');
    await waitFor(() => expect(participant.state?.status).toBe('running'));
    participant.flag('tension');
    participant.flag('relief');
    await waitFor(() => expect(participant.unsent).toBe(0));
    const running = await command(tablet, 'next');

    const stoppedAt = Date.now();
    await first.stop('SIGTERM');
    expect(first.process.exitCode).toBe(0); // 1 would mean the 10 s hard timeout ended it
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(first.logs.join('\n')).toMatch(/"msg":"shutting down"/);
    expect(first.logs.join('\n')).not.toMatch(/"level":(50|60)/);
    // Storage was closed: SQLite folds its write-ahead log back into the file and removes it.
    const wal = join(first.dataDir, 'attune.sqlite-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    // Nothing listens any more.
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();

    const second = await restart(first);
    expect(await (await fetch(`${second.url}/healthz`)).json()).toEqual({ status: 'ok' });
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toMatchObject({ cueIndex: 1, revision: running.revision }), {
      timeoutMs: 10_000,
    });
    await waitFor(() => expect(participant.stats.connects).toBe(2), { timeoutMs: 10_000 });
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 1, relief: 1, participants: 1 }]));
    expect(second.logs.join('\n')).not.toMatch(/"level":(40|50|60)/);
  }, 60_000);
});

describe('a graceful shutdown in the middle of a burst of flags, on PostgreSQL', () => {
  it('finishes what it started before closing storage: nothing fails, nothing is lost, nothing counts twice', async () => {
    const schema = await createTestSchema();
    try {
      const port = await freePort();
      const first = await spawnServer({ port, databaseUrl: schema.url });
      servers.push(first);
      const { lead, opened } = await openTimedClass(first.url);
      const tablet = await connectInstructor(first.url, lead, opened.classId, { reconnects: true });
      await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
      const participants = Array.from({ length: 20 }, () => phone(first.url, opened.code));
      await command(tablet, 'start');
      await waitFor(() => participants.forEach((p) => expect(p.state?.status).toBe('running')));
      // 20 each: the most one participant may send on one cue (MAX_FLAGS_PER_PARTICIPANT_CUE).
      for (let i = 0; i < 20; i++) participants.forEach((p) => p.flag(i % 2 ? 'relief' : 'tension'));
      // Stop while the phones are still delivering: messages are being handled at that very moment.
      await waitFor(() => expect(participants.reduce((sum, p) => sum + p.unsent, 0)).toBeLessThan(320), { intervalMs: 1 });
      await first.stop('SIGTERM');
      expect(first.process.exitCode).toBe(0);
      expect(first.logs.join('\n')).not.toMatch(/"level":(50|60)/);

      servers.push(await spawnServer({ port, databaseUrl: schema.url }));
      await waitFor(() => participants.forEach((p) => expect(p.unsent).toBe(0)), { timeoutMs: 20_000 });
      await waitFor(() => expect(flagsOf(tablet)).toBe(400), { timeoutMs: 10_000 });
      participants.forEach((p) => expect(p.stats.refused).toEqual([]));
    } finally {
      phones.splice(0).forEach((p) => p.close());
      closeAllSockets();
      for (const server of servers.splice(0)) {
        await server.stop('SIGKILL');
        removeDataDir(server);
      }
      await schema.drop();
    }
  }, 60_000);
});

describe('a phone that reconnects three times in a row', () => {
  it('is the same participant each time, back on the current cue, its taps counted once', async () => {
    const server = await startServer();
    const network = await startTcpProxy(server.url);
    proxies.push(network);
    const { lead, opened } = await openTimedClass(server.url);
    const tablet = await connectInstructor(server.url, lead, opened.classId);
    const participant = phone(network.url, opened.code);
    await waitFor(() => expect(participant.state?.status).toBe('lobby'));
    await command(tablet, 'start');

    const backWithinMs: number[] = [];
    for (let round = 1; round <= 3; round++) {
      network.cut();
      await waitFor(() => expect(participant.socket.connected).toBe(false));
      participant.flag(round % 2 ? 'tension' : 'relief'); // on the cue it still shows
      const moved = await command(tablet, round === 2 ? 'previous' : 'next'); // the class moves on meanwhile
      network.restore();
      const restoredAt = Date.now();
      await waitFor(() => expect(participant.state).toMatchObject({ cueIndex: moved.cueIndex, revision: moved.revision }), { timeoutMs: 5000 });
      backWithinMs.push(Date.now() - restoredAt);
      await waitFor(() => expect(participant.unsent).toBe(0), { timeoutMs: 10_000 });
      await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 1, joined: 1 }));
    }
    expect(participant.stats.connects).toBe(4);
    // The phone reconnects at short delays: back on the current cue within about a second each time.
    backWithinMs.forEach((ms) => expect(ms).toBeLessThan(2000));
    await waitFor(() =>
      expect(last(tablet, 'tally:updated')?.cues).toEqual([
        { cueIndex: 0, tension: 2, relief: 0, participants: 1 },
        { cueIndex: 1, tension: 0, relief: 1, participants: 1 },
      ]),
    );
  }, 60_000);
});
