/**
 * Two real Attune processes sharing one PostgreSQL schema and Redis, each behind a TCP proxy that stands in for
 * the load balancer:
 *   tablet -> process A -> PostgreSQL + Redis stream -> process B -> phones, and the phones' flags back the same way.
 * Then process A is killed (SIGKILL, no goodbye) and its clients reconnect through the proxy to process B.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Handshake } from '../../shared/protocol.js';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import type { FlagSubmit } from '../../shared/schemas/flag.js';
import { openPostgres } from '../../server/storage/open-postgres.js';
import { closeAllSockets, connect, emitAck, last, openClass, sendCommand, signUp, type Instructor, type TestSocket } from '../helpers/clients.js';
import { testRedisUrl } from '../helpers/redis.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres-schema.js';
import { removeDataDir, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const REDIS_URL = testRedisUrl();

let schema: TestSchema;
let processA: SpawnedServer;
let processB: SpawnedServer;
/** The way to process A (after the kill, to B) and the way to process B. */
let toA: TcpProxy;
let toB: TcpProxy;
let lead: Instructor;

beforeAll(async () => {
  schema = await createTestSchema();
  // Started together: both run the migrations against the same empty schema at once.
  [processA, processB] = await Promise.all([
    spawnServer({ databaseUrl: schema.url, redisUrl: REDIS_URL }),
    spawnServer({ databaseUrl: schema.url, redisUrl: REDIS_URL }),
  ]);
  toA = await startTcpProxy(processA.url);
  toB = await startTcpProxy(processB.url);
  lead = await signUp(toA.url);
}, 60_000);

afterEach(() => {
  closeAllSockets();
});

afterAll(async () => {
  await Promise.all([toA?.close(), toB?.close()]);
  await Promise.all([processA?.stop(), processB?.stop()]);
  for (const server of [processA, processB]) if (server) removeDataDir(server);
  await schema?.drop();
});

/**
 * A socket that reconnects by itself, as the real clients do, and forgets what it heard when it drops: what it
 * holds afterwards came from whichever process took it back.
 */
const connectVia = (proxy: TcpProxy, auth: Handshake, cookie?: string) => connect(proxy.url, auth, cookie, { reconnects: true });

const phone = (proxy: TcpProxy, code: string) => connectVia(proxy, { role: 'participant', code, token: randomUUID() });

const command = sendCommand;

async function submit(socket: TestSocket, flag: FlagSubmit) {
  const ack = await emitAck(socket, 'flag:submit', flag);
  if (!ack.ok) throw new Error(`flag:submit: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

const tap = (cueIndex: number, kind: FlagSubmit['kind']): FlagSubmit => ({ flagId: randomUUID(), cueIndex, kind });

/** A class opened on process A with its tablet on A, one phone on A and two on B, all in the lobby. */
async function classAcrossProcesses() {
  const { class: opened } = await openClass(lead);
  const tablet = await connectVia(toA, { role: 'instructor', classId: opened.classId }, lead.cookie);
  const onA = await phone(toA, opened.code);
  const onB = await Promise.all([phone(toB, opened.code), phone(toB, opened.code)]);
  // B's phones are counted by A's tablet: fetchSockets asks process B through Redis.
  await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 3, joined: 3 }));
  return { opened, tablet, phones: [onA, ...onB] as [TestSocket, TestSocket, TestSocket] };
}

describe('two processes, one PostgreSQL, one Redis', () => {
  it('show the cues of a tablet on one process to phones on the other, and count their flags back', async () => {
    const { opened, tablet, phones } = await classAcrossProcesses();
    const [, onB1, onB2] = phones;

    await command(tablet, 'start');
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ status: 'running', cueIndex: 0 })));
    // A's own tally after the start has gone out; A has nothing more to send until the next command.
    await waitFor(() => expect(last(tablet, 'tally:updated')).toMatchObject({ cueIndex: 0, cues: [] }));

    // Only process B stores these: the tally that reaches the tablet on A was sent by B.
    await submit(onB1, tap(0, 'tension'));
    await submit(onB2, tap(0, 'relief'));
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 1, relief: 1, participants: 2 }]));

    const next = await command(tablet, 'next');
    await waitFor(() =>
      phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ cueIndex: 1, revision: next.revision, cue: { text: opened.cues[1]!.text } })),
    );

    // A phone leaving process B is seen by the tablet on A.
    onB2.disconnect();
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 2, joined: 3 }));
  });

  it('carry a cue added on one process to the phones on the other, stored first, and count their flags on it', async () => {
    const { opened, tablet, phones } = await classAcrossProcesses();
    const [, onB1, onB2] = phones;
    await command(tablet, 'start');
    const revision = last(tablet, 'class:instructor-state')!.revision;
    // tablet -> A -> PostgreSQL (the snapshot grows) -> Redis stream -> B -> B's phones.
    const ack = await emitAck(tablet, 'cue:add', { revision, cue: { text: 'Added on A', regions: ['neck'] }, at: 'now' });
    expect(ack).toMatchObject({ ok: true, data: { cueIndex: 1, cueCount: opened.cueCount + 1 } });
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ cueIndex: 1, cue: { text: 'Added on A' } })));
    // B checks the flag against the class it reads from PostgreSQL: the added cue is there.
    await submit(onB1, tap(1, 'tension'));
    await submit(onB2, tap(1, 'tension'));
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toContainEqual({ cueIndex: 1, tension: 2, relief: 0, participants: 2 }));
    // Two tablets adding from the same revision: one is stored, the other refused as stale.
    const at = last(tablet, 'class:instructor-state')!.revision;
    const tabletOnB = await connectVia(toB, { role: 'instructor', classId: opened.classId }, lead.cookie);
    await waitFor(() => expect(last(tabletOnB, 'class:instructor-state')?.revision).toBe(at));
    const both = await Promise.all(
      [tablet, tabletOnB].map((t, i) => emitAck(t, 'cue:add', { revision: at, cue: { text: `Race ${i}`, regions: [] }, at: 'next' })),
    );
    expect(both.filter((a) => a.ok)).toHaveLength(1);
    expect(both.filter((a) => !a.ok)).toMatchObject([{ error: { code: 'class/stale_revision' } }]);
    await waitFor(() => expect(last(tabletOnB, 'class:instructor-state')?.cueCount).toBe(opened.cueCount + 2));
  });

  it('run a class’s auto-advance once, even when the process that armed it dies: the others take it over', async () => {
    // Five-second cues (the shortest allowed), so the test waits out real countdowns.
    const sequence = await lead.json<Sequence>('POST', '/api/sequences', {
      title: 'Timer',
      language: 'en',
      cues: [
        { text: 'One', regions: [], durationSeconds: 5 },
        { text: 'Two', regions: [], durationSeconds: 5 },
        { text: 'Three', regions: [] },
      ],
    });
    const { class: opened } = await lead.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
    // A third process holds the tablet, so it arms the timer; then it dies without a word.
    const processC = await spawnServer({ databaseUrl: schema.url, redisUrl: REDIS_URL });
    const toC = await startTcpProxy(processC.url);
    try {
      const tablet = await connectVia(toC, { role: 'instructor', classId: opened.classId }, lead.cookie);
      const onB = await phone(toB, opened.code);
      await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
      await emitAck(tablet, 'class:command', { type: 'auto-advance', revision: 0, isOn: true });
      const started = await emitAck(tablet, 'class:command', { type: 'start', revision: 1 });
      expect(started).toMatchObject({ ok: true, data: { cueIndex: 0, revision: 2 } });
      await processC.stop('SIGKILL');

      // Processes A and B both sweep for running classes and arm the timer; the cue advances once per deadline.
      await waitFor(() => expect(last(onB, 'class:state')).toMatchObject({ cueIndex: 1, revision: 3 }), { timeoutMs: 15_000 });
      await waitFor(() => expect(last(onB, 'class:state')).toMatchObject({ cueIndex: 2, revision: 4 }), { timeoutMs: 10_000 });
      const storage = await openPostgres(schema.url);
      try {
        const transitions = await storage.classes.listTransitions(opened.classId);
        expect(transitions.map((t) => [t.revision, t.cueIndex])).toEqual([
          [1, -1],
          [2, 0],
          [3, 1],
          [4, 2],
        ]);
      } finally {
        await storage.close();
      }
    } finally {
      await toC.close();
      await processC.stop();
      removeDataDir(processC);
    }
  }, 60_000);

  it('keep a class going when a process dies: its clients reconnect to the other, nothing lost, nothing twice', async () => {
    const { opened, tablet, phones } = await classAcrossProcesses();
    const [onA, onB1, onB2] = phones;
    await command(tablet, 'start');
    const before = [tap(0, 'tension'), tap(0, 'tension'), tap(0, 'relief')];
    await Promise.all(phones.map((p, i) => submit(p, before[i]!)));
    const running = await command(tablet, 'next');
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 2, relief: 1, participants: 3 }]));

    const reconnected = [tablet, onA].map((socket) => new Promise((resolve) => socket.io.once('reconnect', resolve)));
    await processA.stop('SIGKILL');
    expect(processA.process.signalCode).toBe('SIGKILL');
    toA.pointAt(processB.url);
    await Promise.all(reconnected);

    // The tablet and the phone that were on A are back, on B, with the class exactly where it was.
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toMatchObject({ status: 'running', cueIndex: 1, revision: running.revision }));
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 2, relief: 1, participants: 3 }]));
    // A presence count asked while the dead process is still expected waits until the adapter gives it up (its
    // heartbeat timeout, 10-15 s after the death) or fails and is asked again a second later.
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 3, joined: 3 }), { timeoutMs: 25_000 });
    await waitFor(() => expect(last(onA, 'class:state')).toMatchObject({ status: 'running', cueIndex: 1 }));

    // Phones resend what they are unsure of: the flags count once.
    expect(await submit(onA, before[0]!)).toEqual({ duplicate: true });
    expect(await submit(onB1, before[1]!)).toEqual({ duplicate: true });
    await submit(onA, tap(1, 'relief'));
    await waitFor(() =>
      expect(last(tablet, 'tally:updated')?.cues).toEqual([
        { cueIndex: 0, tension: 2, relief: 1, participants: 3 },
        { cueIndex: 1, tension: 0, relief: 1, participants: 1 },
      ]),
    );

    const next = await command(tablet, 'next');
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ cueIndex: 2, revision: next.revision })));
    expect(onB2.connected).toBe(true);

    // What PostgreSQL holds: the same three participants, every flag once.
    const storage = await openPostgres(schema.url);
    try {
      expect(await storage.participants.count(opened.classId)).toBe(3);
      expect(await storage.flags.tally(opened.classId)).toEqual([
        { cueIndex: 0, tension: 2, relief: 1, participants: 3 },
        { cueIndex: 1, tension: 0, relief: 1, participants: 1 },
      ]);
    } finally {
      await storage.close();
    }
  }, 60_000);
});
