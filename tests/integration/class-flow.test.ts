/**
 * A whole class over real sockets: client -> Socket.IO -> server -> SQLite file -> broadcast -> other clients.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClassCommand } from '../../shared/schemas/class.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  emitUnchecked,
  httpClient,
  last,
  openClass,
  signUp,
  type Instructor,
  type TestSocket,
} from '../helpers/clients.js';
import { hashSecret } from '../../server/services/auth-service.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
let instructor: Instructor;

beforeEach(async () => {
  server = await startTestServer();
  instructor = await signUp(server.url);
});

afterEach(async () => {
  closeAllSockets();
  await server.close();
});

async function send(socket: TestSocket, revision: number, type: ClassCommand['type'], extra: object = {}) {
  const ack = await emitAck(socket, 'class:command', { type, revision, ...extra } as ClassCommand);
  if (!ack.ok) throw new Error(`${type}: ${ack.error.code}`);
  return ack.data;
}

const flag = (cueIndex: number, kind: 'tension' | 'relief', extra: object = {}) => ({ flagId: randomUUID(), cueIndex, kind, ...extra });

describe('a class over real sockets', () => {
  it('runs join → start → next → flags → counts → end, and every phone follows', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    const phones = await Promise.all([1, 2, 3].map(() => connectParticipant(server.url, opened.code)));

    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 3, joined: 3 }));
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')?.status).toBe('lobby')));

    let state = await send(tablet, 0, 'start');
    state = await send(tablet, state.revision, 'next');
    expect(state.cueIndex).toBe(1);
    await waitFor(() =>
      phones.forEach((p) => {
        expect(last(p, 'class:state')).toMatchObject({ status: 'running', cueIndex: 1, cueCount: opened.cueCount });
        expect(last(p, 'class:state')?.cue?.text).toBe(opened.cues[1]!.text);
        expect(last(p, 'class:state')?.cue).not.toHaveProperty('note');
      }),
    );

    const acks = await Promise.all([
      emitAck(phones[0]!, 'flag:submit', flag(1, 'tension')),
      emitAck(phones[0]!, 'flag:submit', flag(1, 'tension')),
      emitAck(phones[1]!, 'flag:submit', flag(1, 'relief', { region: 'neck', strength: 2 })),
    ]);
    expect(acks.every((a) => a.ok)).toBe(true);
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 1, tension: 2, relief: 1, participants: 2 }]));

    state = await send(tablet, state.revision, 'end');
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')?.status).toBe('ended')));
  });

  it('a participant who reconnects with the same token is the same participant', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await send(tablet, 0, 'start');

    const token = randomUUID();
    const first = await connectParticipant(server.url, opened.code, token);
    await emitAck(first, 'flag:submit', flag(0, 'tension'));
    first.disconnect();
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 0, joined: 1 }));

    const again = await connectParticipant(server.url, opened.code, token);
    await waitFor(() => expect(last(again, 'class:state')).toMatchObject({ status: 'running', cueIndex: 0 }));
    await emitAck(again, 'flag:submit', flag(0, 'relief'));
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 1, joined: 1 }));
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 1, relief: 1, participants: 1 }]));
    expect(await server.storage.participants.count(opened.classId)).toBe(1);
  });

  it('counts a repeated delivery of one flag once', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await send(tablet, 0, 'start');
    const phone = await connectParticipant(server.url, opened.code);
    const once = flag(0, 'tension');
    expect(await emitAck(phone, 'flag:submit', once)).toEqual({ ok: true, data: { duplicate: false } });
    expect(await emitAck(phone, 'flag:submit', once)).toEqual({ ok: true, data: { duplicate: true } });
    expect(await server.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]);
  });

  it('keeps a flag for the previous cue with that cue', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    const state = await send(tablet, 0, 'start');
    await send(tablet, state.revision, 'next');
    const phone = await connectParticipant(server.url, opened.code);
    expect((await emitAck(phone, 'flag:submit', flag(0, 'relief'))).ok).toBe(true);
    expect(await server.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 0, relief: 1, participants: 1 }]);
  });
});

describe('refusals change nothing', () => {
  it('answers malformed messages with input/invalid', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await send(tablet, 0, 'start');
    const phone = await connectParticipant(server.url, opened.code);
    const bad: unknown[] = [null, 'tension', {}, { ...flag(0, 'tension'), kind: 'pain' }, { ...flag(0, 'tension'), flagId: 'x' }, { ...flag(0, 'tension'), strength: 9 }];
    for (const payload of bad) {
      const ack = await emitUnchecked(phone, 'flag:submit', payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    }
    expect(await emitUnchecked(tablet, 'class:command', { type: 'teleport', revision: 1 })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await emitUnchecked(phone, 'no:such-event', {})).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await server.storage.flags.tally(opened.classId)).toEqual([]);
    expect((await server.storage.classes.get(opened.classId))?.revision).toBe(1);
  });

  it('refuses a flag for a cue the class has not got, or before the start', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    const phone = await connectParticipant(server.url, opened.code);
    expect(await emitAck(phone, 'flag:submit', flag(0, 'tension'))).toMatchObject({ ok: false, error: { code: 'flag/invalid_cue' } });
    await send(tablet, 0, 'start');
    expect(await emitAck(phone, 'flag:submit', flag(opened.cueCount, 'tension'))).toMatchObject({
      ok: false,
      error: { code: 'flag/invalid_cue' },
    });
    expect(await server.storage.flags.tally(opened.classId)).toEqual([]);
  });

  it('a participant cannot act as the instructor', async () => {
    const { class: opened } = await openClass(instructor);
    const phone = await connectParticipant(server.url, opened.code);
    const ack = await emitAck(phone, 'class:command', { type: 'start', revision: 0 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
    expect((await server.storage.classes.get(opened.classId))?.status).toBe('lobby');
  });

  it('refuses a stale revision and an illegal transition', async () => {
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await send(tablet, 0, 'start');
    expect(await emitAck(tablet, 'class:command', { type: 'next', revision: 0 })).toMatchObject({
      ok: false,
      error: { code: 'class/stale_revision' },
    });
    expect(await emitAck(tablet, 'class:command', { type: 'previous', revision: 1 })).toMatchObject({
      ok: false,
      error: { code: 'class/illegal_transition' },
    });
    expect(await server.storage.classes.get(opened.classId)).toMatchObject({ cueIndex: 0, revision: 1 });
  });

  it('refuses handshakes without a class, a session, or another instructor’s class', async () => {
    const { class: opened } = await openClass(instructor);
    await expect(connectParticipant(server.url, 'ZZZZZZ')).rejects.toMatchObject({ data: { code: 'class/not_found' } });
    await expect(connectParticipant(server.url, opened.code, 'not-a-uuid' as never)).rejects.toMatchObject({ data: { code: 'input/invalid' } });
    await expect(connectInstructor(server.url, { ...instructor, cookie: '' }, opened.classId)).rejects.toMatchObject({
      data: { code: 'auth/required' },
    });
  });

  it('an instructor cannot see or control another instructor’s class', async () => {
    const { class: opened } = await openClass(instructor);
    // Sign-up is closed after the first account, so the second one is made in storage, signed in by its session.
    const other = await server.storage.accounts.create(
      { id: randomUUID(), email: 'other@clinic.test', passwordHash: 'x', createdAt: Date.now() },
      [],
      { onlyIfFirst: false },
    );
    const secret = 'other-session-secret';
    await server.storage.sessions.create({ idHash: hashSecret(secret), instructorId: other!.id, expiresAt: Date.now() + 60_000 });
    const intruder = httpClient(server.url, `attune_session=${secret}`);
    expect((await intruder.request('GET', `/api/classes/${opened.classId}`)).status).toBe(404);
    expect((await intruder.request('GET', '/api/classes')).status).toBe(200);
    expect(await intruder.json('GET', '/api/classes')).toEqual([]);
    await expect(connectInstructor(server.url, intruder, opened.classId)).rejects.toMatchObject({ data: { code: 'class/not_found' } });
  });
});
