/**
 * Behind a TLS-terminating proxy (TRUST_PROXY): the proxy's X-Forwarded-Proto makes the session cookie Secure
 * and the QR code's join address https. Without the setting, nobody's word about the protocol is taken.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Signs up and opens a class the way a browser behind the proxy would, every request forwarded as https. */
async function throughTlsProxy(url: string) {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { ...forwarded, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lead@clinic.test', password: 'correct horse battery' }),
  });
  expect(signup.status).toBe(201);
  const setCookie = signup.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const headers = { ...forwarded, cookie, 'content-type': 'application/json' };
  const sequences = (await (await fetch(`${url}/api/library`, { headers })).json()) as Sequence[];
  const opened = await fetch(`${url}/api/classes`, { method: 'POST', headers, body: JSON.stringify({ sequenceId: sequences[0]!.id }) });
  expect(opened.status).toBe(201);
  return { setCookie, details: (await opened.json()) as ClassDetails };
}

describe('TRUST_PROXY', () => {
  it('takes the protocol from a trusted proxy: Secure session cookie, https join address', async () => {
    server = await startTestServer({ trustProxy: 'loopback' });
    const { setCookie, details } = await throughTlsProxy(server.url);
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(details.joinUrl).toBe(`https://${new URL(server.url).host}/join/${details.class.code}`);
  });

  it('ignores X-Forwarded-Proto when no proxy is trusted', async () => {
    server = await startTestServer();
    const { setCookie, details } = await throughTlsProxy(server.url);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(details.joinUrl).toBe(`${server.url}/join/${details.class.code}`);
  });
});
