/**
 * The deployment of docs/deploy.md, run for real: Debian's nginx with docs/nginx/attune.conf in front of two built
 * Attune processes on one PostgreSQL schema and Redis, TLS with a throwaway certificate that the browser trusts
 * (through its NSS database, as a clinic's devices would trust the clinic's certificate: nothing is ignored).
 *
 *   tablet, phones -> https (nginx: TLS, WebSocket upgrade, round robin) -> process A | process B
 *                  -> PostgreSQL (state) + Redis (broadcasts between A and B)
 *
 * nginx, openssl, certutil, PostgreSQL and Redis must be there (bash .ci/run installs and starts them): when one
 * is missing the test fails with what to install, it is never skipped.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNginx, startNginx } from '../helpers/nginx.js';
import { createTestSchema } from '../helpers/postgres-schema.js';
import { freePort, removeDataDir } from '../helpers/spawn-server.js';
import { makeThrowawayTls, type ThrowawayTls } from '../helpers/throwaway-tls.js';
import { cue, endClassOnTablet, joinOn, openClassOn } from './class-steps.js';
import { expect, newPhone, newTablet, test, startServer } from './fixtures.js';
import { chromiumLaunch } from './playwright.config.js';

/** The name in the documented configuration; the browser resolves it to 127.0.0.1 and nowhere else. */
const HOST = 'attune.clinic.example';
/**
 * A Redis database of its own: Vitest's workers use 1 + (pool id mod 15), which on this 2-core machine stays
 * below 15, so no other test's classes (whose ids start at 1 too) share this one's broadcasts.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/15';
/** The one header the test adds around the documented file: which process answered (its address and port). */
const UPSTREAM_HEADER = 'x-attune-upstream';

/** Steps that undo what the test started, run in reverse after it, also when it failed or timed out. */
const cleanups: (() => Promise<unknown> | unknown)[] = [];
test.afterEach(async () => {
  const failures: unknown[] = [];
  while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch((error: unknown) => failures.push(error));
  if (failures.length) throw new AggregateError(failures, 'cleaning up after the deploy test failed');
});

/**
 * docs/nginx/attune.conf as the test runs it: the documented file with only the site's own values replaced (its
 * ports, the certificate folder, the upstream ports). Each replaced text must be there exactly once, so a change
 * to the file that the test would not follow fails here instead of testing something else.
 */
function documentedSite(values: { httpsPort: number; httpPort: number; certDir: string; upstreamPorts: [number, number] }): string {
  let site = readFileSync('docs/nginx/attune.conf', 'utf8');
  const replacements: [string, string][] = [
    ['listen 443 ssl http2;', `listen 127.0.0.1:${values.httpsPort} ssl http2;`],
    ['listen 80;', `listen 127.0.0.1:${values.httpPort};`],
    ['/etc/letsencrypt/live/attune.clinic.example/fullchain.pem', join(values.certDir, 'fullchain.pem')],
    ['/etc/letsencrypt/live/attune.clinic.example/privkey.pem', join(values.certDir, 'privkey.pem')],
    ['server 127.0.0.1:3001 ', `server 127.0.0.1:${values.upstreamPorts[0]} `],
    ['server 127.0.0.1:3002 ', `server 127.0.0.1:${values.upstreamPorts[1]} `],
  ];
  for (const [from, to] of replacements) {
    expect(site.split(from).length - 1, `docs/nginx/attune.conf holds "${from}" once`).toBe(1);
    site = site.replace(from, () => to);
  }
  return site;
}

/**
 * Records which process answered each WebSocket upgrade of the page (from nginx's header on the 101 response),
 * in order: a page that kept its one connection has one entry.
 */
async function watchWebSockets(page: Page): Promise<string[]> {
  const upstreams: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.webSocketHandshakeResponseReceived', ({ response }) => {
    const header = Object.entries(response.headers).find(([name]) => name.toLowerCase() === UPSTREAM_HEADER);
    upstreams.push(header?.[1] ?? `no ${UPSTREAM_HEADER} (status ${response.status})`);
  });
  await cdp.send('Network.enable');
  return upstreams;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
}

/** A GET through nginx over https from outside the browser: Node checks the certificate against the throwaway CA. */
function httpsGet(tls: ThrowawayTls, port: number, path: string): Promise<Answer> {
  return answerOf(httpsRequest({ host: '127.0.0.1', port, path, servername: HOST, ca: tls.caPem, agent: false, headers: { host: `${HOST}:${port}` } }));
}

/** A GET to nginx's plain-http port, as a browser typing the bare name would send it. */
function httpGet(port: number, path: string): Promise<Answer> {
  return answerOf(httpRequest({ host: '127.0.0.1', port, path, agent: false, headers: { host: HOST } }));
}

function answerOf(request: ReturnType<typeof httpRequest>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Chromium resolving the clinic's name to this machine, with `home` as its HOME (and so its NSS database). */
function launchChromium(home: string): Promise<Browser> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return chromium.launch({
    ...chromiumLaunch,
    args: [...chromiumLaunch.args, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    env: { ...env, HOME: home },
  });
}

test('a class runs through the documented nginx (TLS, WebSocket upgrades) in front of two processes on PostgreSQL and Redis', async () => {
  test.setTimeout(180_000);
  const startedAt = Date.now();
  findNginx();
  const dir = mkdtempSync(join(tmpdir(), 'attune-deploy-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const tls = makeThrowawayTls(dir, HOST);

  // Two built processes, started together on one fresh schema (both run the migrations), behind nginx only.
  const schema = await createTestSchema();
  cleanups.push(() => schema.drop());
  const processes = await Promise.all(
    [0, 1].map(async () => {
      const server = await startServer({ databaseUrl: schema.url, redisUrl: REDIS_URL, env: { TRUST_PROXY: 'loopback' } });
      cleanups.push(async () => {
        await server.stop();
        removeDataDir(server);
      });
      return server;
    }),
  );
  const upstreamPorts = processes.map((server) => Number(new URL(server.url).port)) as [number, number];
  const upstreams = upstreamPorts.map((port) => `127.0.0.1:${port}`);

  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const prefix = join(dir, 'nginx');
  mkdirSync(prefix);
  const nginx = await startNginx({
    prefix,
    site: documentedSite({ httpsPort, httpPort, certDir: tls.certDir, upstreamPorts }),
    httpExtra: `  add_header X-Attune-Upstream $upstream_addr always;`,
    ports: [httpsPort, httpPort],
  });
  cleanups.push(() => nginx.stop());
  const origin = `https://${HOST}:${httpsPort}`;

  // Plain http is sent to https; over https, Node trusts the certificate through the throwaway CA alone.
  const redirect = await httpGet(httpPort, '/join/K7MPQ2');
  expect(redirect.status).toBe(301);
  expect(redirect.headers.location).toBe(`https://${HOST}/join/K7MPQ2`);
  expect(await httpsGet(tls, httpsPort, '/healthz')).toMatchObject({ status: 200 });

  // A browser without the CA refuses the site: the trust below comes from the CA, not from ignoring errors.
  const stranger = await launchChromium(join(dir, 'empty-home'));
  try {
    await expect((await stranger.newPage()).goto(`${origin}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await stranger.close();
  }

  const browser = await launchChromium(tls.home);
  cleanups.push(() => browser.close());
  const probe = await browser.newPage();
  const landing = await probe.goto(`${origin}/`);
  expect(await landing!.securityDetails()).toMatchObject({ issuer: tls.issuer, subjectName: HOST });
  expect(await probe.evaluate(() => window.isSecureContext)).toBe(true);
  await probe.close();

  // The tablet: signs up and opens a class over https; its session cookie is Secure, its join address https.
  const { context: tabletContext, page: desk } = await newTablet(browser);
  const tabletSockets = await watchWebSockets(desk);
  const code = await openClassOn(desk, origin);
  const joinUrl = `${origin}/join/${code}`;
  await expect(desk.getByText(joinUrl)).toBeVisible();
  expect((await tabletContext.cookies()).find((cookie) => cookie.name === 'attune_session')).toMatchObject({ secure: true });
  await expect.poll(() => tabletSockets.length).toBe(1);
  const tabletProcess = tabletSockets[0]!;
  expect(upstreams).toContain(tabletProcess);

  // Phones from the join address, until both processes hold one. nginx's round robin sends each request to the
  // next process, and every phone's page makes the same requests (each waited for until its page is idle): when
  // two phones in a row landed on one process, one request in between sends the next phone to the other.
  await desk.waitForLoadState('networkidle');
  const phones: { page: Page; sockets: string[] }[] = [];
  const phoneProcesses = () => new Set(phones.map((phone) => phone.sockets[0]));
  while ((phones.length < 3 || phoneProcesses().size < 2) && phones.length < 6) {
    const lastTwo = phones.slice(-2);
    if (lastTwo.length === 2 && lastTwo[0]!.sockets[0] === lastTwo[1]!.sockets[0]) await httpsGet(tls, httpsPort, '/healthz');
    const { page } = await newPhone(browser);
    const sockets = await watchWebSockets(page);
    await joinOn(page, joinUrl);
    await page.waitForLoadState('networkidle');
    await expect.poll(() => sockets.length).toBe(1);
    phones.push({ page, sockets });
  }
  expect([...phoneProcesses()].sort()).toEqual([...upstreams].sort());

  // The class: each cue change made on the tablet's process reaches every phone, on both processes.
  await desk.getByRole('button', { name: 'Start class' }).click();
  for (const { page } of phones) await expect(cue(page)).toContainText(/1 of \d+/);
  await desk.getByRole('button', { name: 'Next cue' }).click();
  for (const { page } of phones) await expect(cue(page)).toContainText(/2 of \d+/);

  // Every phone's flag is stored by its own process and counted on the tablet.
  for (const { page } of phones) {
    await page.getByRole('button', { name: 'Tension' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
  }
  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live).toContainText(`${phones.length} Tension`);
  await expect(live).toContainText(`from ${phones.length} participants`);

  await endClassOnTablet(desk);
  for (const { page } of phones) await expect(page.getByText('The class has ended')).toBeVisible();

  // Every WebSocket stayed up through nginx for the whole class: one upgrade per page, no reconnect.
  expect(tabletSockets).toEqual([tabletProcess]);
  for (const { sockets } of phones) expect(sockets).toHaveLength(1);
  const onTabletProcess = phones.filter(({ sockets }) => sockets[0] === tabletProcess).length;
  console.log(
    `deploy: nginx ${httpsPort} -> ${upstreams.join(' + ')}; tablet on ${tabletProcess}; ${phones.length} phones ` +
      `(${onTabletProcess} on the tablet's process, ${phones.length - onTabletProcess} on the other); ` +
      `${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
});
