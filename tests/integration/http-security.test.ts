/**
 * The HTTP side's defences, for every route read from the source: JSON bodies over their limit are refused (413)
 * before anything is written; a failure inside the server reaches clients as a generic message, never a stack
 * trace or the error's own words (it goes to the log instead); every page carries a strict Content-Security-Policy
 * and runs no inline script; behind a trusted TLS proxy the session cookie is Secure on sign-in too.
 * (Cross-origin refusal of every change is in authorization.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SEQUENCE_FILE_MAX_BYTES } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectParticipant, emitAck, httpClient, openClass, signUp } from '../helpers/clients.js';
import { declaredRoutes, fillPath, type Route } from '../helpers/http-routes.js';
import { openDigestReader } from '../helpers/storage-digest.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer | undefined;

afterEach(async () => {
  closeAllSockets();
  await server?.close();
  server = undefined;
});

const routes = declaredRoutes();
const withBody = routes.filter((route) => route.method !== 'GET');
const anyIds = { classId: randomUUID(), sequenceId: randomUUID(), accountId: randomUUID(), code: 'ABCDEF', cueIndex: '0', rest: 'x' };

/** The body limit a route parses with: sequences take a whole file, the rest of the API 64 KB. */
const limitOf = (route: Route) => (route.path.startsWith('/api/sequences') ? SEQUENCE_FILE_MAX_BYTES : 64 * 1024);

describe('body size limits', () => {
  for (const route of withBody) {
    it(`${route.method} ${route.path}: a body over ${limitOf(route) / 1024} KB is refused with 413, nothing written`, async () => {
      server = await startTestServer();
      const lead = await signUp(server.url);
      const reader = openDigestReader(server.dataDir);
      try {
        const before = reader.digest();
        const body = JSON.stringify({ title: 'x'.repeat(limitOf(route) + 1024) });
        const response = await fetch(server.url + fillPath(route.path, anyIds), {
          method: route.method,
          headers: { cookie: lead.cookie, 'content-type': 'application/json' },
          body,
        });
        expect(response.status).toBe(413);
        expect(await response.json()).toMatchObject({ error: { code: 'input/invalid', message: expect.any(String) } });
        expect(reader.digest()).toEqual(before);
      } finally {
        reader.close();
      }
    });
  }
});

describe('no stack traces to clients', () => {
  it('a failure inside the server answers a generic message over HTTP and sockets, and is logged', async () => {
    const logged: { level: number; msg: string; err?: { stack?: string } }[] = [];
    server = await startTestServer({ logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) }) });
    const lead = await signUp(server.url);
    const { class: opened } = await openClass(lead);
    const phone = await connectParticipant(server.url, opened.code);
    // Storage goes away under the running server: every use of it now throws.
    await server.storage.close();

    for (const path of ['/api/sequences', `/api/classes/${opened.classId}`, '/api/classes', '/api/auth/me']) {
      const response = await fetch(server.url + path, { headers: { cookie: lead.cookie } });
      const text = await response.text();
      expect(response.status, path).toBe(500);
      expect(JSON.parse(text)).toEqual({ error: { code: 'server/internal', message: 'Something went wrong on the server.' } });
      expect(text).not.toMatch(/\bat \S+:\d+|node_modules|\.ts\b|sqlite|kysely|closed|destroyed/i);
    }
    const ack = await emitAck(phone, 'alert:raise', { alertId: randomUUID() });
    expect(ack).toEqual({ ok: false, error: { code: 'server/internal', message: 'Something went wrong on the server.' } });
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'unavailable' });
    // The details went to the log, for whoever runs the server.
    expect(logged.some((entry) => entry.msg === 'request failed' && entry.err?.stack)).toBe(true);
    expect(logged.some((entry) => entry.msg === 'socket handler failed')).toBe(true);
  });

  it('malformed requests get a 4xx with a message, not a trace', async () => {
    server = await startTestServer();
    const lead = await signUp(server.url);
    const cases: [string, RequestInit][] = [
      ['/api/classes', { method: 'POST', body: '{"sequenceId":', headers: { 'content-type': 'application/json', cookie: lead.cookie } }],
      ['/api/classes/%E0%A4%A', { headers: { cookie: lead.cookie } }],
      ['/join/%E0%A4%A', {}],
      ['/api/auth/signin', { method: 'POST', body: 'email=a', headers: { 'content-type': 'application/json' } }],
    ];
    for (const [path, init] of cases) {
      const response = await fetch(server.url + path, init);
      const text = await response.text();
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(text).not.toMatch(/\bat \S+:\d+|node_modules/);
    }
  });
});

describe('Content-Security-Policy', () => {
  it('every page is served with a strict policy and runs no inline script', async () => {
    server = await startTestServer();
    const lead = await signUp(server.url);
    const { class: opened } = await openClass(lead);
    const pages = routes.filter((route) => route.method === 'GET' && !route.path.startsWith('/api') && route.path !== '/healthz');
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const page of pages) {
      const path = fillPath(page.path, { code: opened.code, rest: `classes/${opened.classId}` });
      const response = await fetch(server.url + path);
      const policy = Object.fromEntries(
        (response.headers.get('content-security-policy') ?? '').split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')];
        }),
      );
      expect(policy['default-src'], path).toBe("'self'");
      expect(policy['script-src'], path).toBe("'self'");
      expect(policy['script-src-attr'], path).toBe("'none'");
      expect(policy['object-src'], path).toBe("'none'");
      expect(policy['base-uri'], path).toBe("'self'");
      expect(policy['frame-ancestors'], path).toBe("'self'");
      expect(policy['form-action'], path).toBe("'self'");
      expect(policy, path).not.toHaveProperty('upgrade-insecure-requests');
      // The built pages: every script is a file of this origin, or data that never runs.
      const html = await response.text();
      for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) expect(tag, path).toMatch(/\bsrc="\/|type="application\/json"/);
      expect(html, path).not.toMatch(/\son[a-z]+="/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('behind a TLS proxy (TRUST_PROXY)', () => {
  it('signing in sets a Secure, httpOnly, SameSite=Lax cookie', async () => {
    server = await startTestServer({ trustProxy: 'loopback' });
    await signUp(server.url);
    const response = await fetch(`${server.url}/api/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: 'lead@clinic.test', password: 'correct horse battery' }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // Without the proxy's word, the same server does not claim TLS.
    const direct = await httpClient(server.url).request('POST', '/api/auth/signin', { email: 'lead@clinic.test', password: 'correct horse battery' });
    expect(direct.headers.get('set-cookie')).not.toMatch(/Secure/i);
  });
});
