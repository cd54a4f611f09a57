/**
 * Who may do what, for every socket event and every HTTP route (the routes read from the source, so a new one is
 * checked too): a participant never acts as the instructor nor reads another class; an instructor sees and
 * controls only their own sequences and classes; nobody without a session reaches the instructor's API. Every
 * refusal leaves storage exactly as it was. (The first cases of these are in class-flow, live-class and
 * sequences-api tests; this file holds the rule for all of them.) Also CSRF: no state-changing route takes a
 * request from another origin, even one that carries the instructor's cookie.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import { clientEventSchemas } from '../../shared/protocol.js';
import type { ClassDetails, InstructorClassState } from '../../shared/schemas/class.js';
import { SEQUENCE_FORMAT, type Sequence, type SequenceInput } from '../../shared/schemas/sequence.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  emitUnchecked,
  httpClient,
  last,
  signUp,
  type Instructor,
  type TestSocket,
} from '../helpers/clients.js';
import { declaredRoutes, fillPath, isStateChanging, pathParams, type Route } from '../helpers/http-routes.js';
import { openDigestReader, type DigestReader } from '../helpers/storage-digest.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

/** Which role sends each client event; the mapped type makes a new event a type error until it is placed. */
const senderOf: Record<ClientEvent, 'participant' | 'instructor'> = {
  'class:command': 'instructor',
  'cue:add': 'instructor',
  'alert:acknowledge': 'instructor',
  'alert:acknowledge-all': 'instructor',
  'flag:submit': 'participant',
  'flag:detail': 'participant',
  'flag:undo': 'participant',
  'alert:raise': 'participant',
  'feedback:submit': 'participant',
};

/** Routes anyone may call: the pages, the health check, and the way into an account. */
const PUBLIC_ROUTES = new Set([
  'GET /healthz',
  'GET /',
  'GET /join/:code',
  'GET /instructor',
  'GET /instructor/*rest',
  'GET /api/auth/me',
  'POST /api/auth/signup',
  'POST /api/auth/signin',
  'POST /api/auth/signout',
]);

/** The clinic lead's routes (the owner here is the lead, the first account): another instructor gets 403. */
const isLeadOnly = (route: Route) => route.path.startsWith('/api/clinic') || `${route.method} ${route.path}` === 'POST /api/auth/instructors';

const owned: SequenceInput = {
  title: 'Owner’s own',
  language: 'en',
  cues: [{ text: 'First', regions: ['neck'] }, { text: 'Second', regions: [] }],
};

let server: TestServer;
let reader: DigestReader;
let owner: Instructor;
let intruder: Instructor;
let ownerSequence: Sequence;
let ownerClass: ClassDetails;
let ownerTablet: TestSocket;
let ownerPhone: TestSocket;
let ownerAccountId: string;
let ownerFlagId: string;
let ownerAlertId: string;
let intruderClass: ClassDetails;
let intruderTablet: TestSocket;
let intruderPhone: TestSocket;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signUp(server.url, 'owner@clinic.test');
  ownerAccountId = (await owner.json<{ instructor: { id: string } }>('GET', '/api/auth/me')).instructor.id;
  await owner.json('POST', '/api/auth/instructors', { email: 'intruder@clinic.test', password: 'one-time-password' });
  intruder = httpClient(server.url);
  await intruder.json('POST', '/api/auth/signin', { email: 'intruder@clinic.test', password: 'one-time-password' });
  await intruder.json('POST', '/api/auth/password', { newPassword: 'correct horse battery' });

  ownerSequence = await owner.json<Sequence>('POST', '/api/sequences', owned);
  ownerClass = await owner.json<ClassDetails>('POST', '/api/classes', { sequenceId: ownerSequence.id });
  ownerTablet = await connectInstructor(server.url, owner, ownerClass.class.classId);
  ownerPhone = await connectParticipant(server.url, ownerClass.class.code);
  await emitAck(ownerTablet, 'class:command', { type: 'start', revision: 0 });
  ownerFlagId = randomUUID();
  expect(await emitAck(ownerPhone, 'flag:submit', { flagId: ownerFlagId, cueIndex: 0, kind: 'tension' })).toMatchObject({ ok: true });
  ownerAlertId = randomUUID();
  expect(await emitAck(ownerPhone, 'alert:raise', { alertId: ownerAlertId })).toMatchObject({ ok: true });

  const theirs = await intruder.json<Sequence>('POST', '/api/sequences', { ...owned, title: 'The intruder’s own' });
  intruderClass = await intruder.json<ClassDetails>('POST', '/api/classes', { sequenceId: theirs.id });
  intruderTablet = await connectInstructor(server.url, intruder, intruderClass.class.classId);
  intruderPhone = await connectParticipant(server.url, intruderClass.class.code);
  await emitAck(intruderTablet, 'class:command', { type: 'start', revision: 0 });
  reader = openDigestReader(server.dataDir);
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  reader?.close();
  await server?.close();
});

/** Runs `act` and expects storage to be exactly as before it. */
async function changesNothing(act: () => Promise<void>): Promise<void> {
  const before = reader.digest();
  await act();
  expect(reader.digest()).toEqual(before);
}

/** A valid payload of each event, aimed at the owner's class where it names something. */
const validPayload = (): { [E in ClientEvent]: Parameters<ClientToServerEvents[E]>[0] } => ({
  'class:command': { type: 'next', revision: last(ownerTablet, 'class:instructor-state')?.revision ?? 1 },
  'cue:add': { revision: last(ownerTablet, 'class:instructor-state')?.revision ?? 1, cue: { text: 'Soften the jaw', regions: [] }, at: 'next' },
  'alert:acknowledge': { alertId: ownerAlertId },
  'alert:acknowledge-all': {},
  'flag:submit': { flagId: randomUUID(), cueIndex: 0, kind: 'relief' },
  'flag:detail': { flagId: ownerFlagId, region: 'jaw', strength: 3 },
  'flag:undo': { flagId: ownerFlagId },
  'alert:raise': { alertId: randomUUID() },
  'feedback:submit': { feeling: 'worse', rating: 1 },
});

describe('socket events', () => {
  for (const event of Object.keys(clientEventSchemas) as ClientEvent[]) {
    const wrongRole = senderOf[event] === 'instructor' ? 'participant' : 'instructor';
    it(`${event}: refused from a ${wrongRole} (auth/forbidden), nothing changes`, async () => {
      const socket = wrongRole === 'participant' ? ownerPhone : ownerTablet;
      await changesNothing(async () => {
        expect(await emitAck(socket, event, validPayload()[event])).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
      });
    });
  }

  it('the other class’s tablet and phones cannot touch this class’s flags or alerts', async () => {
    await changesNothing(async () => {
      expect(await emitAck(intruderTablet, 'alert:acknowledge', { alertId: ownerAlertId })).toEqual({ ok: true, data: { isAcknowledged: false } });
      expect(await emitAck(intruderPhone, 'flag:undo', { flagId: ownerFlagId })).toEqual({ ok: true, data: { isUndone: false } });
      expect(await emitAck(intruderPhone, 'flag:detail', { flagId: ownerFlagId, region: 'jaw' })).toEqual({ ok: true, data: { isUpdated: false } });
    });
    // Naming the owner's class in a command does nothing to it: a socket's class is its handshake's.
    const revision = last(intruderTablet, 'class:instructor-state')!.revision;
    const paused = await emitUnchecked(intruderTablet, 'class:command', { type: 'pause', revision, classId: ownerClass.class.classId });
    expect(paused).toMatchObject({ ok: true, data: { classId: intruderClass.class.classId, status: 'paused' } });
    expect(await server.storage.classes.get(ownerClass.class.classId)).toMatchObject({ status: 'running' });
    expect(await emitAck(intruderTablet, 'class:command', { type: 'resume', revision: revision + 1 })).toMatchObject({ ok: true });
  });

  it('a phone hears only its own class, and nothing meant for the instructor', async () => {
    const heard: { event: string; payload: unknown }[] = [];
    const listener = (event: string, payload: unknown) => heard.push({ event, payload });
    ownerPhone.onAny(listener);
    try {
      const revision = last(intruderTablet, 'class:instructor-state')!.revision;
      expect(await emitAck(intruderTablet, 'class:command', { type: 'next', revision })).toMatchObject({ ok: true });
      expect(await emitAck(intruderPhone, 'flag:submit', { flagId: randomUUID(), cueIndex: 1, kind: 'tension' })).toMatchObject({ ok: true });
      expect(await emitAck(intruderPhone, 'alert:raise', { alertId: randomUUID() })).toMatchObject({ ok: true });
      await waitFor(() => expect(last(intruderTablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 1, tension: 1, relief: 0, participants: 1 }]));
      // And the owner's class moves: that, the phone hears.
      const ownRevision = last(ownerTablet, 'class:instructor-state')!.revision;
      expect(await emitAck(ownerTablet, 'class:command', { type: 'next', revision: ownRevision })).toMatchObject({ ok: true });
      await waitFor(() => expect(heard.map((h) => h.event)).toContain('class:state'));
    } finally {
      ownerPhone.offAny(listener);
    }
    const instructorEvents: (keyof ServerToClientEvents)[] = ['class:instructor-state', 'tally:updated', 'presence:updated', 'alerts:updated'];
    expect(heard.filter((h) => instructorEvents.includes(h.event as keyof ServerToClientEvents))).toEqual([]);
    expect(heard.every((h) => (h.payload as { code?: string }).code === ownerClass.class.code)).toBe(true);
    expect(JSON.stringify(heard)).not.toContain(intruderClass.class.code);
  });
});

describe('HTTP routes', () => {
  const routes = declaredRoutes();
  const api = routes.filter((route) => route.path.startsWith('/api'));
  const key = (route: Route) => `${route.method} ${route.path}`;

  /** Each route's parameters filled with the owner's things (another instructor's, from the intruder's side). */
  const ownersValues = () => ({
    classId: ownerClass.class.classId,
    sequenceId: ownerSequence.id,
    accountId: ownerAccountId,
    code: ownerClass.class.code,
    cueIndex: '0',
    rest: 'x',
  });
  /** A body that would be accepted if the caller were allowed, so what refuses it is the permission. */
  const bodyFor = (route: Route): unknown => {
    const bodies: Record<string, unknown> = {
      'POST /api/auth/password': { currentPassword: 'correct horse battery', newPassword: 'a brand new password' },
      'POST /api/auth/instructors': { email: 'another@clinic.test', password: 'one-time-password' },
      'POST /api/classes': { sequenceId: ownerSequence.id },
      'POST /api/sequences': owned,
      'PUT /api/sequences/:sequenceId': { ...owned, title: 'Taken over' },
      'POST /api/sequences/import': JSON.stringify({ format: SEQUENCE_FORMAT, ...owned }),
      'POST /api/settings/summary': { summaryThreshold: 5 },
      'POST /api/clinic/accounts': { email: 'another@clinic.test' },
      'POST /api/clinic/accounts/:accountId': { isActive: false },
      'POST /api/clinic/settings': { summaryThreshold: 5 },
      'POST /api/library': { sequenceId: ownerSequence.id },
    };
    return bodies[key(route)] ?? {};
  };

  it('the public routes are known: a new route is the instructor’s unless listed here', () => {
    expect(routes.filter((route) => PUBLIC_ROUTES.has(key(route))).map(key).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  for (const route of api.filter((r) => !PUBLIC_ROUTES.has(key(r)))) {
    it(`${key(route)}: 401 without a session or with a made-up one, nothing changes`, async () => {
      const path = fillPath(route.path, ownersValues());
      await changesNothing(async () => {
        for (const cookie of ['', 'attune_session=made-up']) {
          const response = await httpClient(server.url, cookie).request(route.method, path, route.method === 'GET' ? undefined : bodyFor(route));
          expect(response.status, `${route.method} ${path} with ${cookie || 'no cookie'}`).toBe(401);
          expect(await response.json()).toMatchObject({ error: { code: 'auth/required' } });
        }
      });
    });
  }

  for (const route of api.filter(isLeadOnly)) {
    it(`${key(route)}: the clinic lead's only: another instructor gets 403, nothing changes`, async () => {
      const path = fillPath(route.path, ownersValues());
      await changesNothing(async () => {
        const response = await intruder.request(route.method, path, route.method === 'GET' ? undefined : bodyFor(route));
        expect(response.status, `${route.method} ${path}`).toBe(403);
        expect(await response.json()).toMatchObject({ error: { code: 'auth/forbidden' } });
      });
    });
  }

  for (const route of api.filter((r) => pathParams(r.path).length > 0 && !isLeadOnly(r))) {
    it(`${key(route)}: another instructor’s ${pathParams(route.path).join(', ')} is 404, nothing changes, nothing shown`, async () => {
      const path = fillPath(route.path, ownersValues());
      await changesNothing(async () => {
        const response = await intruder.request(route.method, path, route.method === 'GET' ? undefined : bodyFor(route));
        expect(response.status, `${route.method} ${path}`).toBe(404);
        const text = await response.text();
        for (const secret of [ownerClass.class.code, ownerSequence.title, ownerClass.qrSvg.slice(0, 40)]) expect(text).not.toContain(secret);
      });
    });
  }

  for (const route of api.filter((r) => r.method === 'GET' && pathParams(r.path).length === 0 && !PUBLIC_ROUTES.has(key(r)) && !isLeadOnly(r))) {
    it(`${key(route)}: lists only the caller’s own`, async () => {
      const response = await intruder.request('GET', route.path);
      expect(response.status).toBe(200);
      const text = await response.text();
      for (const secret of [ownerClass.class.classId, ownerClass.class.code, ownerSequence.id, ownerSequence.title]) expect(text).not.toContain(secret);
      // The owner does see theirs there where the route lists classes or sequences: the check above can fail.
      const ownView = await (await owner.request('GET', route.path)).text();
      if (/sequences|classes|history/.test(route.path)) expect(ownView).toMatch(new RegExp(`${ownerClass.class.classId}|${ownerSequence.id}`));
    });
  }

  // CSRF: a page elsewhere that makes the instructor's browser send a change, cookie and all.
  for (const route of routes.filter(isStateChanging)) {
    it(`${key(route)}: refused from another origin (403) even with the instructor’s cookie, nothing changes`, async () => {
      const path = fillPath(route.path, ownersValues());
      const body = bodyFor(route);
      const otherPort = `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`;
      await changesNothing(async () => {
        for (const origin of ['http://evil.example', 'null', otherPort]) {
          const response = await fetch(server.url + path, {
            method: route.method,
            headers: { cookie: owner.cookie, origin, 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          });
          expect(response.status, `${route.method} ${path} from ${origin}`).toBe(403);
          expect(await response.json()).toMatchObject({ error: { code: 'auth/forbidden' } });
        }
      });
    });
  }

  it('the same origin passes the check (so the refusals above are about the origin)', async () => {
    const response = await fetch(`${server.url}/api/settings/summary`, {
      method: 'POST',
      headers: { cookie: owner.cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ summaryThreshold: 3 }),
    });
    expect(response.status).toBe(200);
  });

  it('the owner still has everything as it was', async () => {
    expect(await owner.json<Sequence>('GET', `/api/sequences/${ownerSequence.id}`)).toEqual(ownerSequence);
    expect((await owner.json<ClassDetails>('GET', `/api/classes/${ownerClass.class.classId}`)).class).toMatchObject({
      status: 'running',
    } satisfies Partial<InstructorClassState>);
    expect(await server.storage.alerts.listOpen(ownerClass.class.classId)).toEqual([expect.objectContaining({ alertId: ownerAlertId })]);
  });
});
