/**
 * Chaos, bounded in time: 50 phones (the page's own socket client and outbox, tests/helpers/headless-phone.ts)
 * tap at random through a TCP proxy that keeps being cut and restored, while the tablet moves the class on and
 * the server process is restarted twice (once killed with SIGKILL, once stopped with SIGTERM), on the same data
 * and port:
 *   phones + tablet -> proxy (cut, restored) -> server process (killed, restarted) -> SQLite file.
 * At the end the flags stored and the flags counted on the tablet equal the flags the phones made, exactly: the
 * same ids, none lost, none twice; and the 50 phones are still the same 50 participants. Prints the figures.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import type { InstructorClassState } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, emitAck, last, signUp, type TestSocket } from '../helpers/clients.js';
import { headlessPhone, type HeadlessPhone } from '../helpers/headless-phone.js';
import { freePort, removeDataDir, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { testSeed } from '../helpers/seed.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const PHONES = 50;
const CHAOS_MS = 30_000;
/** When the server goes down, from the start of the chaos, and how. */
const RESTARTS: { atMs: number; signal: NodeJS.Signals }[] = [
  { atMs: 10_000, signal: 'SIGKILL' },
  { atMs: 20_000, signal: 'SIGTERM' },
];
const SEED = testSeed('chaos', 20_261_130);

/** A small seeded generator (mulberry32), so a failing run can be repeated with SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const between = (min: number, max: number) => min + rand() * (max - min);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: SpawnedServer | undefined;
let proxy: TcpProxy | undefined;
const phones: HeadlessPhone[] = [];

afterAll(async () => {
  phones.forEach((phone) => phone.close());
  closeAllSockets();
  await proxy?.close();
  await server?.stop('SIGKILL');
  if (server) removeDataDir(server);
});

it('50 phones, a cut network and two server restarts: every flag stored and counted exactly once', async () => {
  const startedAt = Date.now();
  const port = await freePort();
  server = await spawnServer({ port });
  proxy = await startTcpProxy(port);
  const lead = await signUp(server.url);
  const sequence = await lead.json<Sequence>('POST', '/api/sequences', {
    title: 'Chaos',
    language: 'en',
    cues: Array.from({ length: 30 }, (_, i) => ({ text: `Cue ${i + 1}`, regions: [] })),
  });
  const { class: opened } = await lead.json<{ class: InstructorClassState }>('POST', '/api/classes', { sequenceId: sequence.id });
  const tablet = await connectInstructor(proxy.url, lead, opened.classId, { reconnects: true });
  for (let i = 0; i < PHONES; i++) phones.push(headlessPhone(proxy.url, opened.code));
  await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: PHONES, joined: PHONES }), { timeoutMs: 15_000 });
  expect((await emitAck(tablet, 'class:command', { type: 'start', revision: 0 })).ok).toBe(true);
  await waitFor(() => phones.forEach((p) => expect(p.state?.status).toBe('running')));

  // ---- Chaos ----
  const figures = { cuts: 0, restarts: [] as string[], commands: 0 };
  const chaosEndsAt = Date.now() + CHAOS_MS;
  const isChaos = () => Date.now() < chaosEndsAt;

  const tapping = phones.map(async (phone) => {
    while (isChaos()) {
      await sleep(between(500, 3000));
      if (isChaos()) phone.flag(rand() < 0.5 ? 'tension' : 'relief');
    }
  });

  const cutting = (async () => {
    while (isChaos()) {
      await sleep(between(1500, 3500));
      if (!isChaos()) break;
      proxy!.cut();
      figures.cuts++;
      await sleep(between(200, 1200));
      proxy!.restore();
    }
  })();

  const restarting = (async () => {
    const chaosStartedAt = Date.now();
    for (const { atMs, signal } of RESTARTS) {
      await sleep(chaosStartedAt + atMs - Date.now());
      const dataDir = server!.dataDir;
      await server!.stop(signal);
      figures.restarts.push(signal);
      server = await spawnServer({ port, dataDir });
    }
  })();

  const moving = (async () => {
    while (isChaos()) {
      await sleep(between(3000, 6000));
      const revision = last(tablet, 'class:instructor-state')?.revision;
      if (!tablet.connected || revision === undefined || !isChaos()) continue;
      // A command lost to a cut is simply not made; the next one carries whatever revision the tablet has then.
      const ack = await Promise.race([emitAck(tablet, 'class:command', { type: 'next', revision }), sleep(3000).then(() => null)]);
      if (ack?.ok) figures.commands++;
    }
  })();

  await Promise.all([...tapping, cutting, restarting, moving]);

  // ---- Calm: everyone back, every outbox empty ----
  proxy.restore();
  await waitFor(() => phones.forEach((p) => expect(p.socket.connected).toBe(true)), { timeoutMs: 15_000 });
  await waitFor(() => phones.forEach((p) => expect(p.unsent).toBe(0)), { timeoutMs: 30_000, intervalMs: 200 });

  const made = phones.flatMap((p) => p.made.map((f) => f.flagId));
  const stored = storedFlagIds(server.dataDir, opened.classId);
  await waitFor(() => expect(counted(tablet)).toBe(made.length), { timeoutMs: 10_000 });
  const duplicates = phones.reduce((sum, p) => sum + p.stats.duplicates, 0);
  const limited = phones.reduce((sum, p) => sum + p.stats.limited, 0);
  const reconnects = phones.reduce((sum, p) => sum + p.stats.connects - 1, 0);
  const lost = made.filter((id) => !stored.has(id)).length;
  console.log(
    `chaos (seed ${SEED}): ${PHONES} phones, ${made.length} flags made, ${stored.size} stored, ${counted(tablet)} counted; ` +
      `${lost} lost, ${stored.size - (made.length - lost)} extra; ${duplicates} re-sent and acknowledged as duplicates, ` +
      `${limited} rate-limited; ${figures.cuts} network cuts, ${figures.restarts.length} restarts (${figures.restarts.join(', ')}), ` +
      `${reconnects} phone reconnects, ${figures.commands} cue changes; ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );

  expect(phones.flatMap((p) => p.stats.refused)).toEqual([]);
  expect(figures.restarts).toEqual(['SIGKILL', 'SIGTERM']);
  expect(figures.cuts).toBeGreaterThanOrEqual(5);
  expect(made.length).toBeGreaterThan(PHONES * 5);
  expect(lost).toBe(0);
  expect(stored.size).toBe(made.length);
  expect([...stored].sort()).toEqual([...made].sort());
  expect(counted(tablet)).toBe(made.length);
  expect(last(tablet, 'presence:updated')).toEqual({ connected: PHONES, joined: PHONES });
}, 120_000);

/** The flags the SQLite file holds for the class, read through a connection of its own. */
function storedFlagIds(dataDir: string, classId: string): Set<string> {
  const db = new BetterSqlite3(join(dataDir, 'attune.sqlite'), { readonly: true });
  try {
    const rows = db.prepare<[string], { id: string }>('select id from flags where class_id = ?').all(classId);
    return new Set(rows.map((row) => row.id));
  } finally {
    db.close();
  }
}

/** Every flag the tablet's live counts show, over all cues. */
function counted(tablet: TestSocket): number {
  return (last(tablet, 'tally:updated')?.cues ?? []).reduce((sum, cue) => sum + cue.tension + cue.relief, 0);
}
