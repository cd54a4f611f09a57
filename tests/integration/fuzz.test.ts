/**
 * Refusal, property-based (fast-check): thousands of random and adversarial inputs at every socket event from
 * both roles, at the handshake, and at every HTTP endpoint (read from the source by tests/helpers/http-routes.ts,
 * so new routes are fuzzed too). The properties, for every input:
 * - it is answered: a well-formed ack (`{ ok: true, data }` or `{ ok: false, error: { code, message } }` with a
 *   known code), or an HTTP status below 500 with an `{ error: { code, message } }` body on the API; never
 *   `server/internal`, never a stack trace, never a failure in the server's log;
 * - if it was refused, storage is exactly as it was (a digest of every table before and after).
 * Afterwards the server still answers its health check, and a real class still runs on it.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../shared/errors.js';
import { feelings } from '../../shared/feedback.js';
import type { ClientEvent, ClientToServerEvents } from '../../shared/protocol.js';
import { clientEventSchemas } from '../../shared/protocol.js';
import { regionIds } from '../../shared/regions.js';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  httpClient,
  last,
  signUp,
  type Instructor,
  type TestSocket,
} from '../helpers/clients.js';
import { declaredRoutes, type Route } from '../helpers/http-routes.js';
import { openDigestReader, type DigestReader, type StorageDigest } from '../helpers/storage-digest.js';
import { testSeed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

/** Runs per event and role, per HTTP route, and of handshakes: several thousand inputs in all. */
const RUNS = { event: 200, unknownEvent: 200, handshake: 200, route: 80 };
const SEED = testSeed('fuzz', 20_261_130);
const ACK_TIMEOUT_MS = 3000;

let server: TestServer;
let reader: DigestReader;
let baseline: StorageDigest;
const failures: string[] = [];
let lead: Instructor;
let classA: ClassDetails;
let classB: ClassDetails;
let sequenceA: Sequence;
let participant: TestSocket;
let tablet: TestSocket;
const figures = { socketMessages: 0, handshakes: 0, httpRequests: 0, refused: 0, accepted: 0 };

const unlimited = { points: 1_000_000, durationSeconds: 1 };
const quietSequence: SequenceInput = {
  title: 'Fuzz',
  language: 'en',
  // No durations: no timer may write while a refusal's digest is compared.
  cues: [{ text: 'One', regions: ['neck'] }, { text: 'Two', regions: [] }, { text: 'Three', regions: ['jaw'] }],
};

beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void failures.push(line) });
  // Limits out of the way: the fuzz is about what reaches the handlers (tests/integration/rate-limits.test.ts).
  server = await startTestServer({
    logger,
    rateLimits: { joinPerCode: unlimited, joinPerConnection: unlimited, participantMessages: unlimited, signInFailures: unlimited },
  });
  lead = await signUp(server.url);
  sequenceA = await lead.json<Sequence>('POST', '/api/sequences', quietSequence);
  classA = await lead.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequenceA.id });
  const colleague = await addColleague();
  const theirSequence = await colleague.json<Sequence>('POST', '/api/sequences', quietSequence);
  classB = await colleague.json<ClassDetails>('POST', '/api/classes', { sequenceId: theirSequence.id });
  tablet = await connectInstructor(server.url, lead, classA.class.classId);
  expect(await emitAck(tablet, 'class:command', { type: 'start', revision: 0 })).toMatchObject({ ok: true });
  participant = await connectParticipant(server.url, classA.class.code);
  reader = openDigestReader(server.dataDir);
  baseline = reader.digest();
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  reader?.close();
  await server?.close();
  const inputs = figures.socketMessages + figures.handshakes + figures.httpRequests;
  console.log(
    `fuzz: ${inputs} inputs (seed ${SEED}): ${figures.socketMessages} socket messages, ${figures.handshakes} handshakes, ` +
      `${figures.httpRequests} HTTP requests over ${declaredRoutes().length} routes; ${figures.refused} refused, ` +
      `${figures.accepted} accepted; server errors logged: ${failures.length}`,
  );
});

async function addColleague(): Promise<Instructor> {
  await lead.json('POST', '/api/auth/instructors', { email: 'colleague@clinic.test', password: 'one-time-password' });
  const colleague = httpClient(server.url);
  await colleague.json('POST', '/api/auth/signin', { email: 'colleague@clinic.test', password: 'one-time-password' });
  await colleague.json('POST', '/api/auth/password', { newPassword: 'correct horse battery' });
  return colleague;
}

/** After a refusal storage must equal the baseline; after an acceptance the baseline moves on. */
function settle(isRefused: boolean, what: string): void {
  const now = reader.digest();
  if (isRefused) {
    figures.refused++;
    expect(now, `storage changed by a refused ${what}`).toEqual(baseline);
  } else {
    figures.accepted++;
    baseline = now;
  }
}

// ---- Adversarial values ----------------------------------------------------------------------------------

const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202e',
    '__proto__',
    'constructor',
    "'; drop table flags; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%E0%A4%A',
    '${7*7}',
    'NaN',
    '1e309',
    'x'.repeat(4000),
    '💥'.repeat(300),
  ),
);
const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, -0, 0.5, 3, 4, 99, 100, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
);
const pollution = fc.constantFrom(
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}') as unknown,
);
const deepNesting = fc.integer({ min: 50, max: 1000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
});
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  nastyString,
  nastyNumber,
  fc.constantFrom(null, undefined, true, false, [], {}),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  pollution,
  deepNesting,
);

/** A field set to a nasty value, dropped, or an unknown field added (as an own property, also `__proto__`). */
function mutated(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom('set', 'drop', 'add'), nasty).map(([payload, n, how, value]) => {
    const copy: Record<string, unknown> = { ...payload };
    const keys = Object.keys(copy);
    const key = how === 'add' ? ['extra', '__proto__', 'classId', 'participantId'][n % 4]! : keys[n % keys.length]!;
    if (how === 'drop') delete copy[key];
    else Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  });
}

const uuid = fc.uuid({ version: 4 });
const cueIndex = fc.integer({ min: 0, max: 2 });

/** A valid payload of every client event; the mapped type makes a new event in the protocol a type error here. */
const validPayloads: { [E in ClientEvent]: fc.Arbitrary<Parameters<ClientToServerEvents[E]>[0]> } = {
  // No `end`: the class stays open to every other event for the whole run.
  'class:command': fc.oneof(
    fc.record({ type: fc.constantFrom('start', 'next', 'previous', 'pause', 'resume' as const), revision: fc.nat({ max: 12 }) }),
    fc.record({ type: fc.constant('jump' as const), revision: fc.nat({ max: 12 }), cueIndex }),
    fc.record({ type: fc.constant('auto-advance' as const), revision: fc.nat({ max: 12 }), isOn: fc.boolean() }),
  ),
  'cue:add': fc.record({
    revision: fc.nat({ max: 12 }),
    cue: fc.record({ text: fc.string({ minLength: 1, maxLength: 280 }).filter((t) => t.trim().length > 0), regions: fc.constant([]) }),
    at: fc.constantFrom('now', 'next' as const),
  }),
  'flag:submit': fc.record(
    { flagId: uuid, cueIndex, kind: fc.constantFrom('tension', 'relief' as const), region: fc.constantFrom(...regionIds), strength: fc.integer({ min: 1, max: 3 }) },
    { requiredKeys: ['flagId', 'cueIndex', 'kind'] },
  ),
  'flag:detail': fc.record(
    { flagId: uuid, region: fc.constantFrom(...regionIds), strength: fc.integer({ min: 1, max: 3 }) },
    { requiredKeys: ['flagId'] },
  ),
  'flag:undo': fc.record({ flagId: uuid }),
  'alert:acknowledge-all': fc.constant({}),
  'alert:raise': fc.record({ alertId: uuid }),
  'alert:acknowledge': fc.record({ alertId: uuid }),
  'feedback:submit': fc.record(
    { feeling: fc.constantFrom(...feelings), rating: fc.integer({ min: 1, max: 5 }), comment: fc.string({ maxLength: 100 }) },
    { requiredKeys: ['feeling', 'rating'] },
  ),
};

const payloadOf = (event: ClientEvent): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 1, arbitrary: nasty }, { weight: 3, arbitrary: mutated(validPayloads[event] as fc.Arbitrary<Record<string, unknown>>) }, {
    weight: 1,
    arbitrary: validPayloads[event] as fc.Arbitrary<unknown>,
  });

// ---- Sockets ---------------------------------------------------------------------------------------------

async function ackOf(socket: TestSocket, event: string, payload: unknown): Promise<unknown> {
  figures.socketMessages++;
  return (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck(event, payload);
}

function expectWellFormed(ack: unknown): asserts ack is { ok: boolean; error?: { code: string } } {
  expect(ack).toEqual(expect.objectContaining({ ok: expect.any(Boolean) as unknown }));
  const result = ack as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
  if (result.ok) expect(result).toHaveProperty('data');
  else {
    expect(errorCodes).toContain(result.error?.code);
    expect(result.error?.code).not.toBe('server/internal');
    expect(typeof result.error?.message).toBe('string');
    expect(result.error?.message).not.toMatch(/\n\s+at /);
  }
}

const properties = { seed: SEED, endOnFailure: true } as const;

describe('every socket event, from both roles', () => {
  for (const role of ['participant', 'instructor'] as const) {
    for (const event of Object.keys(clientEventSchemas) as ClientEvent[]) {
      it(`${role}: ${event}`, async () => {
        const socket = role === 'participant' ? participant : tablet;
        await fc.assert(
          fc.asyncProperty(payloadOf(event), async (payload) => {
            const ack = await ackOf(socket, event, payload);
            expectWellFormed(ack);
            settle(!ack.ok, `${role} ${event}`);
          }),
          { ...properties, numRuns: RUNS.event },
        );
      });
    }
  }

  it('unknown events, from both roles, are refused input/invalid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), nasty, fc.boolean(), async (event, payload, asParticipant) => {
        fc.pre(!(event in clientEventSchemas) && !['connect', 'disconnect', 'connect_error', 'disconnecting', 'newListener', 'removeListener'].includes(event));
        const ack = await ackOf(asParticipant ? participant : tablet, event, payload);
        expect(ack).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
        settle(true, `unknown event ${JSON.stringify(event)}`);
      }),
      { ...properties, numRuns: RUNS.unknownEvent },
    );
  });

  it('messages without an ack, or with extra arguments, are dropped without a trace', async () => {
    for (const event of Object.keys(clientEventSchemas)) {
      for (const socket of [participant, tablet]) {
        (socket.emit as (...args: unknown[]) => void)(event, { flagId: randomUUID(), cueIndex: 0, kind: 'tension' });
        (socket.emit as (...args: unknown[]) => void)(event, { alertId: randomUUID() }, 'not an ack', { x: 1 });
        figures.socketMessages += 2;
      }
    }
    // Both sockets still answer, in order, after the dropped messages.
    expect(await ackOf(participant, 'flag:undo', { flagId: randomUUID() })).toEqual({ ok: true, data: { isUndone: false } });
    expect(await ackOf(tablet, 'alert:acknowledge', { alertId: randomUUID() })).toEqual({ ok: true, data: { isAcknowledged: false } });
    settle(true, 'message without an ack');
  });

  it('a message over 16 KB closes that connection and writes nothing; the phone reconnects', async () => {
    const big = await connectParticipant(server.url, classA.class.code);
    baseline = reader.digest();
    const closed = new Promise((resolve) => big.once('disconnect', resolve));
    big.emit('flag:submit', { flagId: randomUUID(), cueIndex: 0, kind: 'tension', region: 'x'.repeat(20_000) } as never, () => {});
    await closed;
    settle(true, 'oversized message');
    await expect(connectParticipant(server.url, classA.class.code)).resolves.toBeDefined();
    baseline = reader.digest();
  });
});

describe('the handshake', () => {
  // Read when generated: the classes exist by then.
  const code = fc.oneof(fc.constant(0).map(() => classA.class.code), fc.constant('ZZZZZZ'));
  const classId = fc.oneof(fc.constant(0).map(() => classA.class.classId), fc.constant(0).map(() => classB.class.classId), uuid);
  const validAuth = fc.oneof(
    fc.record({ role: fc.constant('participant'), code, token: uuid }),
    fc.record({ role: fc.constant('instructor'), classId }),
  );
  const nastyCookie = fc.oneof(
    fc.constant(undefined),
    fc.stringMatching(/^[\x21-\x7e]{0,40}$/).map((s) => `attune_session=${s}`),
    fc.constantFrom('attune_session=%E0%A4%A', 'attune_session=%', 'attune_session', '=;=;=', 'attune_session=a; attune_session=b'),
  );

  it('answers any auth and cookie with a connection or a refusal with a known code', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(nasty, mutated(validAuth as fc.Arbitrary<Record<string, unknown>>), validAuth as fc.Arbitrary<unknown>),
        nastyCookie,
        async (auth, cookie) => {
          figures.handshakes++;
          const outcome = await handshake(auth, cookie);
          if (outcome.ok) settle(false, 'handshake');
          else {
            // A handshake that is not even an object makes Socket.IO close the connection: a refusal too.
            expect([...errorCodes, 'closed']).toContain(outcome.code);
            expect(outcome.code).not.toBe('server/internal');
            settle(true, `handshake (${outcome.code}) ${JSON.stringify(auth)?.slice(0, 80)}`);
          }
        },
      ),
      { ...properties, numRuns: RUNS.handshake },
    );
  });
});

/** One connection attempt with this auth (whatever it is) and cookie; closed again at once. */
function handshake(auth: unknown, cookie: string | undefined): Promise<{ ok: true } | { ok: false; code: string }> {
  const socket = io(server.url, {
    auth: auth as object,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: cookie === undefined ? {} : { cookie },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to the handshake ${JSON.stringify(auth)}`)), ACK_TIMEOUT_MS);
    const done = (outcome: { ok: true } | { ok: false; code: string }) => {
      clearTimeout(timer);
      resolve(outcome); // first: disconnecting emits 'disconnect' at once, which must not count as the outcome
      socket.disconnect();
    };
    socket.once('connect', () => done({ ok: true }));
    socket.once('connect_error', (error) => done({ ok: false, code: (error as { data?: { code: string } }).data?.code ?? 'none' }));
    socket.once('disconnect', () => done({ ok: false, code: 'closed' }));
  });
}

// ---- HTTP ------------------------------------------------------------------------------------------------

describe('every HTTP endpoint', () => {
  const routes = declaredRoutes();

  it('finds the server’s routes in its source', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'POST', path: '/api/auth/signin' });
  });

  /** Real ids of the other instructor's things, or anything at all, unencoded or raw. */
  const paramValue = fc.oneof(
    nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
    fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', '%00', 'a%2Fb'),
    fc.constantFrom(() => classB.class.classId, () => classB.class.code, () => randomUUID()).map((f) => f()),
  );
  const body = fc.oneof(
    fc.constant<{ text?: string; type?: string }>({}),
    nasty.map((value) => ({ text: JSON.stringify(value) ?? 'undefined', type: 'application/json' })),
    fc.record({ text: nastyString, type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data') }),
  );

  for (const route of routes) {
    it(`${route.method} ${route.path}`, async () => {
      // Signing the lead out would only make the rest less interesting; that route gets no session.
      const cookies = route.path === '/api/auth/signout' ? ['', 'attune_session=%E0%A4%A'] : [lead.cookie, '', 'attune_session=nope'];
      await fc.assert(
        fc.asyncProperty(
          fc.array(paramValue, { minLength: 4, maxLength: 4 }),
          body,
          fc.constantFrom(...cookies),
          fc.oneof(fc.constant(''), nastyString.map((s) => s.replace(/[\ud800-\udfff]/g, '?')).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`)),
          async (values, payload, cookie, query) => {
            const response = await request(route, values, payload, cookie, query);
            settle(response.status >= 400, `${route.method} ${route.path}`);
          },
        ),
        { ...properties, numRuns: RUNS.route },
      );
    });
  }
});

async function request(route: Route, values: string[], payload: { text?: string; type?: string }, cookie: string, query: string) {
  let i = 0;
  const path = route.path.replace(/[:*](\w+)/g, () => values[i++ % values.length]!) + query;
  const hasBody = route.method !== 'GET' && payload.text !== undefined;
  figures.httpRequests++;
  const response = await fetch(server.url + path, {
    method: route.method,
    headers: { ...(cookie ? { cookie } : {}), ...(hasBody && payload.type ? { 'content-type': payload.type } : {}) },
    body: hasBody ? payload.text : undefined,
  });
  const text = await response.text();
  expect(response.status, `${route.method} ${path}: ${text.slice(0, 200)}`).toBeLessThan(500);
  expect(text).not.toMatch(/\n\s+at /);
  if (path.startsWith('/api') && response.status >= 400) {
    const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
    expect(errorCodes).toContain(error.code);
    expect(typeof error.message).toBe('string');
  }
  return response;
}

// ---- Afterwards ------------------------------------------------------------------------------------------

describe('after all that', () => {
  it('the server is up, nothing was polluted, nothing failed, and a class still runs', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(failures.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
    // The other instructor's class saw none of it.
    expect(await server.storage.flags.tally(classB.class.classId)).toEqual([]);
    expect(await server.storage.participants.count(classB.class.classId)).toBe(0);

    const phone = await connectParticipant(server.url, classA.class.code);
    const state = last(phone, 'class:state') ?? (await waitFor(() => last(phone, 'class:state')!));
    const before = (await server.storage.flags.tally(classA.class.classId)).reduce((sum, c) => sum + c.tension + c.relief, 0);
    if (state.status !== 'ended') {
      expect(await emitAck(phone, 'flag:submit', { flagId: randomUUID(), cueIndex: state.cueIndex, kind: 'relief' })).toMatchObject({ ok: true });
      const after = (await server.storage.flags.tally(classA.class.classId)).reduce((sum, c) => sum + c.tension + c.relief, 0);
      expect(after).toBe(before + 1);
    }
    const fresh = await connectInstructor(server.url, lead, classA.class.classId);
    await waitFor(() => expect(last(fresh, 'class:instructor-state')?.classId).toBe(classA.class.classId));
  });
});
