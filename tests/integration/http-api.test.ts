/** The HTTP side over real requests: accounts, sequences, classes, the join page's HTML, the health check. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthStatus } from '../../shared/schemas/auth.js';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, emitAck, httpClient, openClass, signUp } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('accounts', () => {
  it('creates the first account, then closes sign-up and signs in by password', async () => {
    const anonymous = httpClient(server.url);
    expect(await anonymous.json<AuthStatus>('GET', '/api/auth/me')).toEqual({ hasAccounts: false, instructor: null });

    const first = await signUp(server.url, 'Lead@Clinic.test');
    expect(first.cookie).toMatch(/^attune_session=/);
    expect(await first.json<AuthStatus>('GET', '/api/auth/me')).toMatchObject({ hasAccounts: true, instructor: { email: 'lead@clinic.test' } });

    const second = await anonymous.request('POST', '/api/auth/signup', { email: 'x@clinic.test', password: 'another password' });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'auth/signup_closed' } });

    const wrong = await anonymous.request('POST', '/api/auth/signin', { email: 'lead@clinic.test', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    const signedIn = httpClient(server.url);
    await signedIn.json('POST', '/api/auth/signin', { email: 'LEAD@clinic.test', password: 'correct horse battery' });
    expect((await signedIn.json<AuthStatus>('GET', '/api/auth/me')).instructor?.email).toBe('lead@clinic.test');

    await signedIn.json('POST', '/api/auth/signout');
    const afterSignOut = httpClient(server.url, first.cookie.replace(/=.*/, '=') + 'x');
    expect((await afterSignOut.request('GET', '/api/sequences')).status).toBe(401);
  });

  it('sets the session cookie httpOnly and SameSite=Lax, and stores no password in clear', async () => {
    const response = await httpClient(server.url).request('POST', '/api/auth/signup', { email: 'a@clinic.test', password: 'correct horse battery' });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const stored = await server.storage.accounts.findByEmail('a@clinic.test');
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain('correct horse');
  });

  it('answers an unknown /api route 404 with its own code', async () => {
    const response = await httpClient(server.url).request('GET', '/api/no-such-route');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'api/not_found' } });
  });

  it('refuses bad input with a message naming the field', async () => {
    const client = httpClient(server.url);
    const response = await client.request('POST', '/api/auth/signup', { email: 'nope', password: 'short' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: string[] } };
    expect(body.error.code).toBe('input/invalid');
    expect(body.error.issues.join('\n')).toMatch(/email/);
    expect(body.error.issues.join('\n')).toMatch(/password/);
    expect((await client.request('POST', '/api/auth/signup', '{not json')).status).toBe(400);
    expect((await client.request('POST', '/api/auth/signup', { email: 'a@b.cz', password: 'x'.repeat(100_000) })).status).toBe(413);
    expect(await server.storage.accounts.count()).toBe(0);
  });

  it('refuses a cross-origin change', async () => {
    const response = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ email: 'a@clinic.test', password: 'correct horse battery' }),
    });
    expect(response.status).toBe(403);
    expect(await server.storage.accounts.count()).toBe(0);
  });
});

describe('sequences and classes', () => {
  it('gives the clinic the starter library in Czech and English, shared rather than copied into the account', async () => {
    const instructor = await signUp(server.url);
    expect(await instructor.json<Sequence[]>('GET', '/api/sequences')).toEqual([]);
    const sequences = await instructor.json<Sequence[]>('GET', '/api/library');
    const languages = sequences.map((s) => s.language);
    expect(languages.filter((l) => l === 'cs').length).toBeGreaterThanOrEqual(1);
    expect(languages.filter((l) => l === 'en').length).toBeGreaterThanOrEqual(1);
    for (const sequence of sequences) expect(sequence.cues.length).toBeGreaterThanOrEqual(6);
  });

  it('opens a class with a join code and a QR code of the join address', async () => {
    const instructor = await signUp(server.url);
    const details = await openClass(instructor);
    expect(details.class.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(details.class.status).toBe('lobby');
    expect(details.joinUrl).toBe(`${server.url}/join/${details.class.code}`);
    expect(details.qrSvg).toMatch(/^<svg/);
    const again = await instructor.json<ClassDetails>('GET', `/api/classes/${details.class.classId}`);
    expect(again.class.code).toBe(details.class.code);
  });

  it('refuses to open a class from an unknown sequence, and reads nothing without a session', async () => {
    const instructor = await signUp(server.url);
    const response = await instructor.request('POST', '/api/classes', { sequenceId: 'no-such-sequence' });
    expect(response.status).toBe(404);
    expect((await instructor.json<unknown[]>('GET', '/api/classes')).length).toBe(0);
    expect((await httpClient(server.url).request('GET', '/api/classes')).status).toBe(401);
    expect((await httpClient(server.url).request('GET', '/api/sequences')).status).toBe(401);
  });
});

describe('pages and health', () => {
  it('answers the health check when storage answers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('puts the class’s public state into the join page, and 404s an unknown code', async () => {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);
    const html = await (await fetch(`${server.url}/join/${opened.code.toLowerCase()}`)).text();
    const block = /<script type="application\/json" id="attune-initial-state">(.*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(block ?? 'null')).toMatchObject({ class: { code: opened.code, status: 'lobby', cue: null } });
    expect(html).not.toContain(opened.classId);
    const missing = await fetch(`${server.url}/join/ZZZZZZ`);
    expect(missing.status).toBe(404);
  });

  it('renders the running class’s current cue into the join page, so it shows before any script runs', async () => {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    expect(await emitAck(tablet, 'class:command', { type: 'start', revision: 0 })).toMatchObject({ ok: true });
    closeAllSockets();
    const czech = await (await fetch(`${server.url}/join/${opened.code}`, { headers: { 'accept-language': 'cs-CZ,cs;q=0.9' } })).text();
    const cueText = opened.cues[0]!.text.replace(/&/g, '&#38;').replace(/'/g, '&#39;').replace(/"/g, '&#34;');
    expect(czech).toContain(cueText);
    expect(czech).toMatch(/aria-label="Aktuální pokyn"/);
    expect(czech).toContain(`1 z ${opened.cues.length}`);
    const english = await (await fetch(`${server.url}/join/${opened.code}`)).text();
    expect(english).toMatch(/aria-label="Current cue"/);
    // No stylesheet to wait for: the first paint needs only this response.
    expect(english).not.toMatch(/<link rel="stylesheet"/);
    expect(english).not.toContain(opened.cues[0]!.note ?? 'no note');
  });

  it('sends a Content-Security-Policy without inline scripts', async () => {
    const response = await fetch(`${server.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline[^;]*;?.*script/);
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});
