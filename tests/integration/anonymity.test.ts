/**
 * Anonymity, checked: a whole class on a real server process (logging at info, behind a trusted proxy that
 * forwards the phones' addresses) and a real SQLite file, then a byte scan of the database, its write-ahead log
 * and the logs for what would identify a participant: their IP addresses, their user agents, their raw tokens.
 * None may be found. And the same phone (the same token) in two classes leaves no value in common: nothing on
 * the server links the two.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { io } from 'socket.io-client';
import { afterAll, expect, it } from 'vitest';
import type { ClientEvent, Handshake } from '../../shared/protocol.js';
import { closeAllSockets, connectInstructor, emitAck, last, openClass, signUp, type AckOf, type PayloadOf, type TestSocket } from '../helpers/clients.js';
import { removeDataDir, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: SpawnedServer | undefined;
const phoneSockets: TestSocket[] = [];

afterAll(async () => {
  phoneSockets.forEach((socket) => socket.disconnect());
  closeAllSockets();
  await server?.stop();
  if (server) removeDataDir(server);
});

/** A phone as the server sees it: its own address (forwarded by the proxy), its browser's user agent. */
interface Phone {
  token: ReturnType<typeof randomUUID>;
  userAgent: string;
  address: string;
}

const phones: Phone[] = [1, 2, 3].map((n) => ({
  token: randomUUID(),
  userAgent: `Mozilla/5.0 (Linux; Android 14; AttuneTestPhone-${n}-${randomUUID().slice(0, 8)}) Mobile Safari/537.36`,
  address: `203.0.113.${10 + n}`,
}));

function headers(phone: Phone): Record<string, string> {
  return { 'user-agent': phone.userAgent, 'x-forwarded-for': phone.address };
}

function joinClass(phone: Phone, code: string): Promise<TestSocket> {
  const auth: Handshake = { role: 'participant', code, token: phone.token };
  const socket: TestSocket = io(server!.url, { auth, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers(phone) });
  phoneSockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function ok<E extends ClientEvent>(socket: TestSocket, event: E, payload: PayloadOf<E>): Promise<Extract<AckOf<E>, { ok: true }>['data']> {
  const ack = await emitAck(socket, event, payload);
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

it('stores and logs no participant’s IP address, user agent or token, and links no token across classes', async () => {
  server = await spawnServer({ env: { TRUST_PROXY: 'loopback', LOG_LEVEL: 'info' } });
  const lead = await signUp(server.url);

  // ---- A whole class ----
  const { class: opened } = await openClass(lead);
  const tablet = await connectInstructor(server.url, lead, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  for (const phone of phones) {
    // The page load, then the socket: both carry the phone's address and user agent.
    expect((await fetch(`${server.url}/join/${opened.code}`, { headers: headers(phone) })).status).toBe(200);
  }
  const sockets = await Promise.all(phones.map((phone) => joinClass(phone, opened.code)));
  let state = await ok(tablet, 'class:command', { type: 'start', revision: 0 });
  const flagIds = sockets.map(() => randomUUID());
  await Promise.all(sockets.map((s, i) => ok(s, 'flag:submit', { flagId: flagIds[i]!, cueIndex: 0, kind: i % 2 ? 'relief' : 'tension' })));
  await ok(sockets[0]!, 'flag:detail', { flagId: flagIds[0]!, region: 'neck', strength: 2 });
  await ok(sockets[1]!, 'flag:undo', { flagId: flagIds[1]! });
  const alertId = randomUUID();
  await ok(sockets[2]!, 'alert:raise', { alertId });
  await ok(tablet, 'alert:acknowledge', { alertId });
  state = await ok(tablet, 'class:command', { type: 'next', revision: state.revision });
  // A phone drops and comes back (a new connection, the same token).
  sockets[0]!.disconnect();
  const back = await joinClass(phones[0]!, opened.code);
  await ok(back, 'flag:submit', { flagId: randomUUID(), cueIndex: 1, kind: 'relief', region: 'lower-back' });
  await ok(tablet, 'class:command', { type: 'end', revision: state.revision });
  await Promise.all(
    [back, sockets[1]!, sockets[2]!].map((s, i) => ok(s, 'feedback:submit', { feeling: 'better', rating: 4 + (i % 2), comment: `Felt the neck ${i}` })),
  );
  expect((await lead.request('GET', `/api/classes/${opened.classId}/summary.json`)).status).toBe(200);

  // ---- The same phone in a second class ----
  const { class: second } = await openClass(lead);
  const again = await joinClass(phones[0]!, second.code);
  const secondTablet = await connectInstructor(server.url, lead, second.classId);
  await ok(secondTablet, 'class:command', { type: 'start', revision: 0 });
  await ok(again, 'flag:submit', { flagId: randomUUID(), cueIndex: 0, kind: 'tension' });

  // ---- Scan: the database file and its write-ahead log while running, the file again after a clean stop ----
  const needles = forbiddenValues();
  const scanned: Record<string, Buffer> = {};
  for (const file of ['attune.sqlite', 'attune.sqlite-wal', 'attune.sqlite-shm']) {
    const path = join(server.dataDir, file);
    if (existsSync(path)) scanned[`${file} (running)`] = readFileSync(path);
  }
  const rows = participantRows(server.dataDir, opened.classId, second.classId);
  await server.stop('SIGTERM');
  scanned['attune.sqlite (stopped)'] = readFileSync(join(server.dataDir, 'attune.sqlite'));
  scanned['logs'] = Buffer.from(server.logs.join('\n'));
  expect(scanned['attune.sqlite-wal (running)']?.length ?? 0).toBeGreaterThan(0);
  expect(server.logs.join('\n')).toMatch(/listening/); // the logs were captured at all

  // The scan sees what is stored (a feedback comment), so what it does not see is not there.
  expect(Object.keys(scanned).filter((where) => scanned[where]!.includes(Buffer.from('Felt the neck 1'))).length).toBeGreaterThan(0);
  const found = Object.entries(scanned).flatMap(([where, bytes]) =>
    needles.filter(({ bytes: needle }) => bytes.includes(needle)).map(({ label }) => `${label} in ${where}`),
  );
  expect(found).toEqual([]);

  // ---- No value in common between the same phone's two participants ----
  expect(rows.second).toHaveLength(1);
  const [inSecond] = rows.second;
  const valuesOfFirstClass = new Set(rows.first.flatMap((row) => Object.entries(row).filter(([k]) => k !== 'class_id').map(([, v]) => v)));
  const shared = Object.entries(inSecond!).filter(([key, value]) => key !== 'class_id' && valuesOfFirstClass.has(value));
  expect(shared).toEqual([]);
}, 60_000);

/** What must never be found, as the bytes it would be stored or logged as. */
function forbiddenValues(): { label: string; bytes: Buffer }[] {
  const values: { label: string; bytes: Buffer }[] = [];
  const text = (label: string, value: string) => values.push({ label, bytes: Buffer.from(value, 'utf8') });
  for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::1']) text(`IP address ${address}`, address);
  for (const [i, phone] of phones.entries()) {
    text(`phone ${i + 1}'s forwarded IP address`, phone.address);
    text(`phone ${i + 1}'s user agent`, phone.userAgent);
    text(`phone ${i + 1}'s user agent (its model)`, /AttuneTestPhone-[\w-]+/.exec(phone.userAgent)![0]);
    text(`phone ${i + 1}'s token`, phone.token);
    text(`phone ${i + 1}'s token without dashes`, phone.token.replace(/-/g, ''));
    values.push({ label: `phone ${i + 1}'s token as bytes`, bytes: Buffer.from(phone.token.replace(/-/g, ''), 'hex') });
  }
  return values;
}

/** Every column of the participants of both classes, straight from the file. */
function participantRows(dataDir: string, first: string, second: string) {
  const db = new BetterSqlite3(join(dataDir, 'attune.sqlite'), { readonly: true });
  try {
    const select = db.prepare<[string], Record<string, unknown>>('select * from participants where class_id = ?');
    return { first: select.all(first), second: select.all(second) };
  } finally {
    db.close();
  }
}
