/**
 * Rate limits over real sockets and requests: joining per code and per connection, a participant's messages,
 * failed sign-ins per account. A limited client gets `rate/limited` (HTTP 429) and loses nothing by retrying;
 * nobody else in the class notices. Counted in Redis when the app has a Redis client, shared by its processes.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiError } from '../../shared/errors.js';
import { encodeConnect } from '../../client/src/lib/phone-socket.js';
import { createRateLimits } from '../../server/rate-limits.js';
import { hashPassword, TEST_ONLY_SCRYPT_PARAMS } from '../../server/services/passwords.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  httpClient,
  openClass,
  signUp,
} from '../helpers/clients.js';
import { headlessPhone, type HeadlessPhone } from '../helpers/headless-phone.js';
import { testRedisUrl } from '../helpers/redis.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer | undefined;
const phones: HeadlessPhone[] = [];

afterEach(async () => {
  phones.splice(0).forEach((phone) => phone.close());
  closeAllSockets();
  await server?.close();
  server = undefined;
});

async function runningClass(options: TestServerOptions = {}) {
  server = await startTestServer(options);
  const lead = await signUp(server.url);
  const { class: opened } = await openClass(lead);
  const tablet = await connectInstructor(server.url, lead, opened.classId);
  expect(await emitAck(tablet, 'class:command', { type: 'start', revision: 0 })).toMatchObject({ ok: true });
  return { server, lead, opened, tablet };
}

const flag = () => ({ flagId: randomUUID(), cueIndex: 0, kind: 'tension' as const });

describe('a participant’s messages', () => {
  it('take 30 in 10 s (a fast human), refuse the 31st with rate/limited, and leave the others alone', async () => {
    const { opened } = await runningClass();
    const [eager, calm] = await Promise.all([connectParticipant(server!.url, opened.code), connectParticipant(server!.url, opened.code)]);
    const acks = [];
    // 20 flags (the most one participant may send on a cue), then 10 details: 30 messages in all.
    const sent = Array.from({ length: 20 }, flag);
    for (const tap of sent) acks.push(await emitAck(eager, 'flag:submit', tap));
    for (const tap of sent.slice(0, 10)) acks.push(await emitAck(eager, 'flag:detail', { flagId: tap.flagId, region: 'neck' }));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const refused = await emitAck(eager, 'flag:submit', flag());
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate/limited', message: expect.stringMatching(/try again in \d+ s/) } });
    // Details and undo count too: there is no unlimited way to write.
    expect(await emitAck(eager, 'flag:undo', { flagId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'rate/limited' } });
    // Not a ban of the class: another participant flags as usual, and the limited one is still connected.
    expect(await emitAck(calm, 'flag:submit', flag())).toEqual({ ok: true, data: { duplicate: false } });
    expect(eager.connected).toBe(true);
    expect(await server!.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 21, relief: 0, participants: 2 }]);
  });

  it('a phone that hits the limit keeps its taps and delivers every one of them, once, when the window passes', async () => {
    const { opened } = await runningClass({ rateLimits: { participantMessages: { points: 4, durationSeconds: 1 } } });
    const phone = headlessPhone(server!.url, opened.code);
    phones.push(phone);
    await waitFor(() => expect(phone.state?.status).toBe('running'));
    for (let i = 0; i < 10; i++) phone.flag(i % 2 ? 'relief' : 'tension');
    await waitFor(() => expect(phone.unsent).toBe(0), { timeoutMs: 15_000 });
    expect(phone.stats.limited).toBeGreaterThan(0);
    expect(phone.stats.refused).toEqual([]);
    expect(await server!.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 5, relief: 5, participants: 1 }]);
  });
});

describe('joining', () => {
  it('per code: refuses handshakes into one class past the limit, not those into another class', async () => {
    const { lead, opened } = await runningClass({ rateLimits: { joinPerCode: { points: 3, durationSeconds: 60 } } });
    const first = await connectParticipant(server!.url, opened.code);
    await connectParticipant(server!.url, opened.code);
    await connectParticipant(server!.url, opened.code);
    await expect(connectParticipant(server!.url, opened.code)).rejects.toMatchObject({
      data: { code: 'rate/limited', message: expect.stringMatching(/try again/) },
    });
    // The class goes on for those in it; another class's phones join as usual.
    expect(await emitAck(first, 'flag:submit', flag())).toMatchObject({ ok: true });
    const { class: other } = await openClass(lead);
    await expect(connectParticipant(server!.url, other.code)).resolves.toBeDefined();
    expect(await server!.storage.participants.count(opened.classId)).toBe(3);
  });

  it('per connection: one WebSocket sending handshake after handshake gets five, then rate/limited', async () => {
    const { opened } = await runningClass();
    const ws = new WebSocket(`${server!.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const answers: string[] = [];
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      if (frame[0] === '0') for (let i = 0; i < 8; i++) ws.send(encodeConnect({ role: 'participant', code: opened.code, token: randomUUID() }));
      if (frame.startsWith('40')) answers.push('connected');
      if (frame.startsWith('44')) answers.push((JSON.parse(frame.slice(2)) as { data: ApiError }).data.code);
    });
    try {
      await waitFor(() => expect(answers).toHaveLength(8));
      // Refusals need no storage, so they may overtake the slower acceptances.
      expect(answers.toSorted()).toEqual([...Array(5).fill('connected'), ...Array(3).fill('rate/limited')]);
      expect(await server!.storage.participants.count(opened.classId)).toBe(5);
      // A phone on its own connection still joins.
      await expect(connectParticipant(server!.url, opened.code)).resolves.toBeDefined();
    } finally {
      ws.close();
    }
  });
});

describe('sign-in', () => {
  const PASSWORD = 'correct horse battery';

  async function secondInstructor(email: string): Promise<void> {
    await server!.storage.accounts.create(
      { id: randomUUID(), email, passwordHash: await hashPassword(PASSWORD, TEST_ONLY_SCRYPT_PARAMS), createdAt: Date.now() },
      [],
      { onlyIfFirst: false },
    );
  }

  const signIn = (email: string, password: string) => httpClient(server!.url).request('POST', '/api/auth/signin', { email, password });

  it('after 5 failed attempts spaces the next ones: 429 and a message, even with the right password; others sign in', async () => {
    // A first delay far longer than the attempts below take on a loaded machine (the default, 1 s, is not).
    server = await startTestServer({ signInDelay: { baseSeconds: 30, maxSeconds: 60 } });
    await signUp(server.url, 'lead@clinic.test');
    await secondInstructor('colleague@clinic.test');
    // Five free attempts, then the sixth takes the account's next slot; the seventh must wait for the one after.
    for (let i = 0; i < 6; i++) expect((await signIn('lead@clinic.test', `guess number ${i}`)).status).toBe(401);
    const limited = await signIn('LEAD@clinic.test', PASSWORD);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate/limited', message: expect.stringMatching(/try again in \d+ s/) } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(20);
    expect(limited.headers.get('set-cookie')).toBeNull();
    expect((await signIn('colleague@clinic.test', PASSWORD)).status).toBe(200);
  });

  it('a successful sign-in clears the failures before it', async () => {
    server = await startTestServer();
    await signUp(server.url, 'lead@clinic.test');
    for (let i = 0; i < 5; i++) expect((await signIn('lead@clinic.test', 'wrong password')).status).toBe(401);
    expect((await signIn('lead@clinic.test', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn('lead@clinic.test', 'wrong password')).status).toBe(401);
    expect((await signIn('lead@clinic.test', PASSWORD)).status).toBe(200);
  });
});

describe('with Redis', () => {
  const REDIS_URL = testRedisUrl();
  const clients: Redis[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  });

  it('counts in Redis, so two processes share one allowance', async () => {
    const [a, b] = [new Redis(REDIS_URL, { lazyConnect: true }), new Redis(REDIS_URL, { lazyConnect: true })];
    clients.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    const rules = { participantMessages: { points: 4, durationSeconds: 60 } };
    const [processA, processB] = [createRateLimits({ redis: a, rules }), createRateLimits({ redis: b, rules })];
    const participant = randomUUID();
    await processA.consume('participantMessages', participant);
    await processB.consume('participantMessages', participant);
    await processA.consume('participantMessages', participant);
    await processB.consume('participantMessages', participant);
    await expect(processA.consume('participantMessages', participant)).rejects.toMatchObject({ code: 'rate/limited' });
    await expect(processB.consume('participantMessages', participant)).rejects.toMatchObject({ code: 'rate/limited' });
    expect(Number(await a.get(`attune:rl:participantMessages:${participant}`))).toBeGreaterThanOrEqual(4);
  });

  it('never waits for a Redis that is away: it counts in memory meanwhile', async () => {
    // Nothing listens on port 1; no offline queue, so a command would fail at once rather than wait.
    const away = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    away.on('error', () => {});
    clients.push(away);
    const limits = createRateLimits({ redis: away, rules: { joinPerCode: { points: 2, durationSeconds: 60 } } });
    await limits.consume('joinPerCode', 'ABCDEF');
    await limits.consume('joinPerCode', 'ABCDEF');
    await expect(limits.consume('joinPerCode', 'ABCDEF')).rejects.toMatchObject({ code: 'rate/limited' });
  });

  it('limits sign-in across two servers sharing Redis', async () => {
    // Two servers, one Redis: failures on one count on the other. (Each has its own SQLite: same account in both.)
    const email = `lead-${randomUUID().slice(0, 8)}@clinic.test`;
    const limits = { signInFailures: { points: 3, durationSeconds: 60 } };
    // A first delay far longer than the attempts below take on a loaded machine (the default, 1 s, is not).
    const signInDelay = { baseSeconds: 30, maxSeconds: 60 };
    server = await startTestServer({ redisUrl: REDIS_URL, rateLimits: limits, signInDelay });
    const other = await startTestServer({ redisUrl: REDIS_URL, rateLimits: limits, signInDelay });
    try {
      await signUp(server.url, email);
      await signUp(other.url, email);
      const attempt = (url: string, password: string) => httpClient(url).request('POST', '/api/auth/signin', { email, password });
      expect((await attempt(server.url, 'wrong password 1')).status).toBe(401);
      expect((await attempt(other.url, 'wrong password 2')).status).toBe(401);
      expect((await attempt(server.url, 'wrong password 3')).status).toBe(401);
      // The fourth takes the account's next slot (on either server); the fifth has to wait for the one after.
      expect((await attempt(other.url, 'wrong password 4')).status).toBe(401);
      expect((await attempt(server.url, 'correct horse battery')).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});
