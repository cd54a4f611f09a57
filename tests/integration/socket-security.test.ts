/**
 * The socket's doors (issue 12, items 5b, 6, 7 and 8), over real sockets and HTTP.
 *
 * Before: a signed-out tablet's open socket still ran `start` and `pause`; a page on another port of the host
 * drove `start` with the instructor's cookie; join codes were guessed at 1,680 pages and 2,193 handshakes a
 * second and an ended class stayed findable for ever; fake phones could join an ended class to lift a lone
 * participant's answers over the threshold.
 */
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/errors.js';
import {
  closeAllSockets,
  connect,
  connectInstructor,
  connectParticipant,
  emitAck,
  httpClient,
  last,
  openClass,
  sendCommand,
  signUp,
  type TestSocket,
} from '../helpers/clients.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

const PASSWORD = 'correct horse battery';
let server: TestServer | undefined;
afterEach(async () => {
  closeAllSockets();
  await server?.close();
  server = undefined;
});

async function classWithTablet(options: TestServerOptions = {}) {
  server = await startTestServer(options);
  const lead = await signUp(server.url);
  const { class: opened } = await openClass(lead);
  const tablet = await connectInstructor(server.url, lead, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  return { server, lead, opened, tablet };
}

const refusal = (attempt: Promise<unknown>) => attempt.then(() => undefined, (error: { data?: ApiError }) => error.data);

describe('a session’s open sockets end with the session', () => {
  it('sign-out disconnects that session’s tablet at once; it can neither reconnect nor run the class', async () => {
    const { lead, opened, tablet } = await classWithTablet();
    await sendCommand(tablet, 'start');
    expect((await lead.request('POST', '/api/auth/signout')).status).toBe(200);
    await waitFor(() => expect(tablet.connected).toBe(false));
    expect(await refusal(connectInstructor(server!.url, { ...lead, cookie: lead.cookie }, opened.classId))).toMatchObject({ code: 'auth/required' });
    expect((await server!.storage.classes.get(opened.classId))!.status).toBe('running');
  });

  it('a password change disconnects the other sessions’ sockets and keeps the changing session’s', async () => {
    const { lead, opened, tablet } = await classWithTablet();
    const desk = httpClient(server!.url);
    await desk.json('POST', '/api/auth/signin', { email: 'lead@clinic.test', password: PASSWORD });
    const deskSocket = await connectInstructor(server!.url, desk, opened.classId);
    await desk.json('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new long password' });
    await waitFor(() => expect(tablet.connected).toBe(false));
    // The desk's own socket stays, and still runs the class.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deskSocket.connected).toBe(true);
    await waitFor(() => expect(last(deskSocket, 'class:instructor-state')).toBeDefined());
    expect(await emitAck(deskSocket, 'class:command', { type: 'start', revision: 0 })).toMatchObject({ ok: true });
    expect(await refusal(connectInstructor(server!.url, lead, opened.classId))).toMatchObject({ code: 'auth/required' });
  });
});

describe('the handshake checks Origin like the HTTP routes', () => {
  function connectFrom(origin: string, cookie: string, classId: string): Promise<TestSocket> {
    const socket = io(server!.url, {
      auth: { role: 'instructor', classId },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie, origin },
    }) as TestSocket;
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  it('refuses a handshake from another port of the same host (with the instructor’s cookie) with auth/forbidden', async () => {
    const { lead, opened } = await classWithTablet();
    const port = new URL(server!.url).port;
    for (const origin of ['http://127.0.0.1:1', 'http://evil.test', 'null', `https://127.0.0.1:${port}.evil.test`]) {
      expect(await refusal(connectFrom(origin, lead.cookie, opened.classId)), origin).toMatchObject({ code: 'auth/forbidden' });
    }
    expect((await server!.storage.classes.get(opened.classId))!.status).toBe('lobby');
    // The server's own origin is welcome.
    const own = await connectFrom(server!.url, lead.cookie, opened.classId);
    expect(own.connected).toBe(true);
    own.close();
  });
});

describe('join attempts: per address and overall, in memory', () => {
  it('refuses a guesser’s pages and handshakes past the per-address limit; another address joins as usual', async () => {
    await classWithTablet({
      trustProxy: 'loopback',
      rateLimits: { joinPerAddress: { points: 20, durationSeconds: 60 }, joinGlobal: { points: 1000, durationSeconds: 60 } },
    });
    const guesser = { 'x-forwarded-for': '10.0.0.66' };
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${server!.url}/join/ZZZZ${String(i).padStart(2, '0')}`, { headers: guesser })).status);
    expect(statuses.slice(0, 20).every((status) => status === 404)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    // A person past the limit reads a page in their language saying when to try again, not a JSON body.
    for (const [language, heading] of [
      ['cs-CZ,cs;q=0.9,en;q=0.5', 'Chvíli počkejte'],
      ['en-GB,en;q=0.9', 'Please wait a moment'],
    ] as const) {
      const paused = await fetch(`${server!.url}/join/ZZZZ99`, { headers: { ...guesser, 'accept-language': language } });
      expect(paused.status).toBe(429);
      expect(paused.headers.get('content-type')).toMatch(/^text\/html/);
      const retryAfter = Number(paused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const page = await paused.text();
      expect(page).toContain(`<html lang="${language.slice(0, 2)}">`);
      expect(page).toContain(`<h1>${heading}</h1>`);
      expect(page).toMatch(new RegExp(`${retryAfter} s\\.`));
      expect(page).toContain('href="/join/ZZZZ99"');
    }
    // Handshakes from the same address count against the same allowance.
    const handshake = io(server!.url, {
      auth: { role: 'participant', code: 'ZZZZZZ', token: randomUUID() },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: guesser,
    });
    const error = await new Promise<{ data?: ApiError }>((resolve) => handshake.once('connect_error', resolve));
    handshake.close();
    expect(error.data).toMatchObject({ code: 'rate/limited' });
    // Another address (the real room) is not affected.
    expect((await fetch(`${server!.url}/join/ZZZZZZ`, { headers: { 'x-forwarded-for': '10.0.0.7' } })).status).toBe(404);
  });

  it('the global limit holds against many addresses', async () => {
    await classWithTablet({
      trustProxy: 'loopback',
      rateLimits: { joinPerAddress: { points: 5, durationSeconds: 60 }, joinGlobal: { points: 30, durationSeconds: 60 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await fetch(`${server!.url}/join/ZZZZZZ`, { headers: { 'x-forwarded-for': `10.1.0.${i}` } })).status);
    }
    expect(statuses.filter((status) => status === 404)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });
});

describe('after the end: no new participants; the code closes with the feedback window', () => {
  it('an existing participant reconnects to give feedback; a new phone cannot join; after the window the code leads nowhere', async () => {
    const { opened, tablet } = await classWithTablet({ feedbackWindowMinutes: 0.05 });
    const token = randomUUID();
    const phone = await connectParticipant(server!.url, opened.code, token);
    await sendCommand(tablet, 'start');
    await sendCommand(tablet, 'end');
    phone.disconnect();
    expect(await server!.storage.participants.count(opened.classId)).toBe(1);

    // Within the window: the page still shows the class, the participant comes back, a stranger does not get in.
    expect((await fetch(`${server!.url}/join/${opened.code}`)).status).toBe(200);
    const back = await connectParticipant(server!.url, opened.code, token);
    expect(await emitAck(back, 'feedback:submit', { feeling: 'better', rating: 5 })).toEqual({ ok: true, data: {} });
    const strangers = await Promise.all([1, 2, 3].map(() => refusal(connectParticipant(server!.url, opened.code))));
    expect(strangers.every((error) => error?.code === 'class/not_found')).toBe(true);
    expect(await server!.storage.participants.count(opened.classId)).toBe(1);
    expect(await server!.storage.feedback.list(opened.classId)).toHaveLength(1);

    // After the window (3 s): the code leads nowhere, for the page and for the participant's own phone.
    await waitFor(async () => expect((await fetch(`${server!.url}/join/${opened.code}`)).status).toBe(404), { timeoutMs: 6000, intervalMs: 250 });
    const page = await (await fetch(`${server!.url}/join/${opened.code}`)).text();
    expect(page).not.toContain(opened.code);
    expect(await refusal(connect(server!.url, { role: 'participant', code: opened.code, token }))).toMatchObject({ code: 'class/not_found' });
  });
});
