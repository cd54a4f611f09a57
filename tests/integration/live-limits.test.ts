/**
 * What one phone (or a script with the join code) can do to a class, reproduced at CI size over real sockets
 * and a real SQLite file: an alert flood, a flag flood on one cue, a crowd past the participant cap, flags after
 * the end or ahead of the class, a re-delivered undone flag. Each asserts what the instructor depends on (the
 * tablet gets changes, not lists; a real alert still arrives promptly) and that nothing extra is written.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/schemas/alert.js';
import { MAX_FLAGS_PER_PARTICIPANT_CUE, DEFAULT_MAX_PARTICIPANTS_PER_CLASS } from '../../server/domain/flag-rules.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  last,
  openClass,
  sendCommand,
  signUp,
  type Instructor,
  type TestSocket,
} from '../helpers/clients.js';
import { openDigestReader, type DigestReader } from '../helpers/storage-digest.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
let instructor: Instructor;
let reader: DigestReader | undefined;

beforeEach(async () => {
  // Generous per-participant limits: these tests reach the class's own caps, not the rate limits.
  server = await startTestServer({ rateLimits: { participantMessages: { points: 10_000, durationSeconds: 10 } } });
  instructor = await signUp(server.url);
});

afterEach(async () => {
  reader?.close();
  reader = undefined;
  closeAllSockets();
  await server.close();
});

async function runningClass(phones: number) {
  const { class: opened } = await openClass(instructor);
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const participants = await Promise.all(Array.from({ length: phones }, () => connectParticipant(server.url, opened.code)));
  await sendCommand(tablet, 'start');
  return { opened, tablet, participants };
}

/** Counts the bytes and messages of the given events a socket receives from now on. */
function meter(socket: TestSocket, events: string[]) {
  const seen = { bytes: 0, messages: 0 };
  socket.onAny((event: string, payload: unknown) => {
    if (!events.includes(event)) return;
    seen.bytes += JSON.stringify(payload).length;
    seen.messages += 1;
  });
  return seen;
}

const flag = (cueIndex: number, kind: 'tension' | 'relief' = 'tension') => ({ flagId: randomUUID(), cueIndex, kind });

describe('an alert flood', () => {
  it('keeps one open alert per phone, sends the tablet changes only, and a real alert still arrives at once', async () => {
    const { opened, tablet, participants } = await runningClass(50);
    const onTablet = meter(tablet, ['alert:raised', 'alert:resolved', 'alerts:updated']);
    const raised: Alert[] = [];
    tablet.on('alert:raised', (alerts) => raised.push(...alerts));
    const heapBefore = process.memoryUsage().heapUsed;

    // 50 sockets × 6 different alert ids each: 300 attempts, as fast as the sockets take them.
    const acks = await Promise.all(
      participants.flatMap((phone) => Array.from({ length: 6 }, () => emitAck(phone, 'alert:raise', { alertId: randomUUID() }))),
    );
    const accepted = acks.filter((ack) => ack.ok);
    const refused = acks.filter((ack) => !ack.ok);
    expect(accepted).toHaveLength(50);
    expect(refused).toHaveLength(250);
    expect(refused.every((ack) => !ack.ok && ack.error.code === 'alert/already_open')).toBe(true);
    expect(await server.storage.alerts.listOpen(opened.classId)).toHaveLength(50);
    await waitFor(() => expect(raised).toHaveLength(50));

    // O(changes): each alert crossed once (~70 bytes), not the whole list per alert (which was ~50 × 25 × 70).
    expect(onTablet.bytes).toBeLessThan(50 * 120);
    expect(onTablet.messages).toBeLessThanOrEqual(50);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);

    // A real alert from a phone that has none open reaches the tablet promptly, flood or not.
    const real = await connectParticipant(server.url, opened.code);
    const realId = randomUUID();
    const sentAt = performance.now();
    expect(await emitAck(real, 'alert:raise', { alertId: realId })).toEqual({ ok: true, data: { duplicate: false } });
    await waitFor(() => expect(raised.map((a) => a.alertId)).toContain(realId), { timeoutMs: 1000 });
    expect(performance.now() - sentAt).toBeLessThan(500);

    // Acknowledge all: one answer with the count, the tablet and every phone hear which ids were seen.
    expect(await emitAck(tablet, 'alert:acknowledge-all', {})).toEqual({ ok: true, data: { count: 51 } });
    await waitFor(() => expect(last(real, 'alert:seen')?.alertIds).toContain(realId));
    await waitFor(() => expect(last(tablet, 'alert:resolved')).toBeDefined());
    expect(await server.storage.alerts.listOpen(opened.classId)).toEqual([]);
    // A phone that reconnects and re-sends its alert learns it was seen.
    expect(await emitAck(real, 'alert:raise', { alertId: realId })).toEqual({ ok: true, data: { duplicate: true, isSeen: true } });
  });
});

describe('a flag flood on one cue', () => {
  it('stores at most 20 flags per participant per cue and refuses the rest with a clear code, writing nothing', async () => {
    const { opened, participants } = await runningClass(1);
    const phone = participants[0]!;
    const acks = [];
    for (let i = 0; i < MAX_FLAGS_PER_PARTICIPANT_CUE; i++) acks.push(await emitAck(phone, 'flag:submit', flag(0)));
    expect(acks.every((ack) => ack.ok)).toBe(true);

    reader = openDigestReader(server.dataDir);
    const before = reader.digest();
    for (let i = 0; i < 5; i++) {
      expect(await emitAck(phone, 'flag:submit', flag(0))).toMatchObject({ ok: false, error: { code: 'flag/limit_reached' } });
    }
    const after = reader.digest();
    expect(after.flags).toEqual(before.flags);
    expect(after.cue_tally_shards).toEqual(before.cue_tally_shards);
    expect(after.participant_cue_flags).toEqual(before.participant_cue_flags);
    expect(await server.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 20, relief: 0, participants: 1 }]);
  });
});

describe('the participant cap', () => {
  it(`takes ${DEFAULT_MAX_PARTICIPANTS_PER_CLASS} participants, refuses the next with class/full, and lets those in come back`, async () => {
    const { class: opened } = await openClass(instructor);
    const tokens = Array.from({ length: DEFAULT_MAX_PARTICIPANTS_PER_CLASS }, () => randomUUID());
    for (let i = 0; i < tokens.length; i += 50) {
      await Promise.all(tokens.slice(i, i + 50).map((token) => connectParticipant(server.url, opened.code, token)));
    }
    expect(await server.storage.participants.count(opened.classId)).toBe(DEFAULT_MAX_PARTICIPANTS_PER_CLASS);
    await expect(connectParticipant(server.url, opened.code)).rejects.toMatchObject({ data: { code: 'class/full' } });
    expect(await server.storage.participants.count(opened.classId)).toBe(DEFAULT_MAX_PARTICIPANTS_PER_CLASS);
    // Someone already in (a reload) still gets back in.
    await expect(connectParticipant(server.url, opened.code, tokens[0])).resolves.toBeDefined();
  }, 60_000);

  it('follows the MAX_PARTICIPANTS_PER_CLASS setting', async () => {
    const small = await startTestServer({ maxParticipantsPerClass: 3 });
    try {
      const { class: opened } = await openClass(await signUp(small.url));
      for (let i = 0; i < 3; i++) await connectParticipant(small.url, opened.code);
      await expect(connectParticipant(small.url, opened.code)).rejects.toMatchObject({ data: { code: 'class/full', message: 'This class already has 3 participants.' } });
      expect(await small.storage.participants.count(opened.classId)).toBe(3);
    } finally {
      await small.close();
    }
  });
});

describe('the threshold cannot be walked around', () => {
  it('refuses flags for cues not shown yet and after the end; an ended class sends no live tally', async () => {
    const { opened, tablet, participants } = await runningClass(1);
    const phone = participants[0]!;
    expect(await emitAck(phone, 'flag:submit', flag(1))).toMatchObject({ ok: false, error: { code: 'flag/invalid_cue' } });
    await sendCommand(tablet, 'next');
    await sendCommand(tablet, 'previous');
    // Cue 1 has been shown: a flag for it (queued on the phone) is taken even though the class is back on cue 0.
    expect(await emitAck(phone, 'flag:submit', flag(1))).toMatchObject({ ok: true });
    expect(await emitAck(phone, 'flag:submit', flag(2))).toMatchObject({ ok: false, error: { code: 'flag/invalid_cue' } });

    await sendCommand(tablet, 'end');
    // A tally already due for the flag above may still go out within its 100-ms interval; after that, none.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const tallies = meter(tablet, ['tally:updated']);
    reader = openDigestReader(server.dataDir);
    const before = reader.digest();
    expect(await emitAck(phone, 'flag:submit', flag(0))).toMatchObject({ ok: false, error: { code: 'flag/invalid_cue' } });
    expect(reader.digest()).toEqual(before);

    // A tablet (re)connecting to the ended class gets its state, no per-cue tallies or regions.
    const late = await connectInstructor(server.url, instructor, opened.classId);
    await waitFor(() => expect(last(late, 'presence:updated')).toBeDefined());
    expect(last(late, 'class:instructor-state')?.status).toBe('ended');
    expect(last(late, 'tally:updated')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(tallies.messages).toBe(0);
  });
});

describe('undo', () => {
  it('leaves a tombstone: the same flag id delivered again stays undone and is not stored', async () => {
    const { opened, tablet, participants } = await runningClass(1);
    const phone = participants[0]!;
    const tap = flag(0, 'relief');
    expect(await emitAck(phone, 'flag:submit', tap)).toEqual({ ok: true, data: { duplicate: false } });
    expect(await emitAck(phone, 'flag:undo', { flagId: tap.flagId })).toEqual({ ok: true, data: { isUndone: true } });
    reader = openDigestReader(server.dataDir);
    const before = reader.digest();
    expect(await emitAck(phone, 'flag:submit', tap)).toEqual({ ok: true, data: { duplicate: true } });
    expect(await emitAck(phone, 'flag:detail', { flagId: tap.flagId, region: 'neck' })).toEqual({ ok: true, data: { isUpdated: false } });
    expect(reader.digest()).toEqual(before);
    expect(await server.storage.flags.tally(opened.classId)).toEqual([]);
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([]));
  });
});

describe('tallies on the tablet', () => {
  it('go out at once in a quiet class, and at most ten a second under a burst, exact at the end', async () => {
    const { tablet, participants } = await runningClass(20);
    await waitFor(() => expect(last(tablet, 'tally:updated')).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 150));

    // Quiet: each lone flag is counted on the tablet well inside the 100-ms coalescing interval.
    const latencies: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = last(tablet, 'tally:updated')!.cues[0]?.tension ?? 0;
      const sentAt = performance.now();
      await emitAck(participants[i]!, 'flag:submit', flag(0));
      await waitFor(() => expect(last(tablet, 'tally:updated')!.cues[0]?.tension).toBe(before + 1), { timeoutMs: 1000, intervalMs: 1 });
      latencies.push(performance.now() - sentAt);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(60);

    // Burst: 200 flags from 20 phones as fast as they go.
    const tallies = meter(tablet, ['tally:updated']);
    const startedAt = performance.now();
    await Promise.all(participants.map(async (phone) => {
      for (let i = 0; i < 10; i++) await emitAck(phone, 'flag:submit', flag(0, 'relief'));
    }));
    const burstMs = performance.now() - startedAt;
    await waitFor(() => expect(last(tablet, 'tally:updated')!.cues[0]?.relief).toBe(200));
    const elapsedMs = performance.now() - startedAt;
    expect(tallies.messages).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + 2);
    expect(tallies.messages).toBeLessThan(200);
    expect(burstMs).toBeGreaterThan(0);
  });
});
