/**
 * The whole server on PostgreSQL, in this process: client -> Socket.IO -> server -> PostgreSQL schema -> broadcast.
 * Storage that answers over the network leaves time between a socket's connection and its listeners; nothing a
 * client sends in that time may be lost.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../server/storage/open-postgres.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, last, openClass, signUp } from '../helpers/clients.js';
import { createTestSchema, TEST_POSTGRES_URL, type TestSchema } from '../helpers/postgres-schema.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let schema: TestSchema;
let server: TestServer;

beforeEach(async () => {
  schema = await createTestSchema();
  server = await startTestServer({ databaseUrl: schema.url });
});

afterEach(async () => {
  closeAllSockets();
  await server.close();
  await schema.drop();
});

describe('a server on PostgreSQL', () => {
  it('answers messages sent the moment a socket connects, and counts flags once', async () => {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);

    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    const started = await emitAck(tablet, 'class:command', { type: 'start', revision: 0 });
    expect(started).toMatchObject({ ok: true, data: { status: 'running', cueIndex: 0, revision: 1 } });

    const phone = await connectParticipant(server.url, opened.code);
    const tap = { flagId: randomUUID(), cueIndex: 0, kind: 'tension' as const };
    expect(await emitAck(phone, 'flag:submit', tap)).toEqual({ ok: true, data: { duplicate: false } });
    expect(await emitAck(phone, 'flag:submit', tap)).toEqual({ ok: true, data: { duplicate: true } });

    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]));
    await waitFor(() => expect(last(tablet, 'presence:updated')).toEqual({ connected: 1, joined: 1 }));
    expect(await server.storage.participants.count(opened.classId)).toBe(1);
  });
});

describe('opening PostgreSQL storage', () => {
  it('succeeds while other schemas of the same database are created and dropped', async () => {
    // Kysely's own introspector lists the tables of every schema it may use: one dropped by someone else in the
    // middle of that listing ("schema … does not exist", "relation … does not exist") must not fail this start.
    // Four connections create and drop other schemas meanwhile, the way other servers and test files do (with
    // Kysely's introspector this failed three runs in three).
    const churners = Array.from({ length: 4 }, () => new pg.Client({ connectionString: TEST_POSTGRES_URL }));
    await Promise.all(churners.map((client) => client.connect()));
    let churning = true;
    const churn = churners.map(async (client, n) => {
      for (let round = 0; churning; round++) {
        const other = `attune_churn_${process.pid}_${n}_${round}`;
        await client.query(`create schema ${other}; create table ${other}.a (x int, y text); create table ${other}.b (x int, y text)`);
        await client.query(`drop schema ${other} cascade`);
      }
    });
    try {
      for (let i = 0; i < 12; i++) {
        const mine = await createTestSchema();
        const storage = await openPostgres(mine.url);
        await storage.close();
        await mine.drop();
      }
    } finally {
      churning = false;
      await Promise.all(churn);
      await Promise.all(churners.map((client) => client.end()));
    }
  }, 60_000);
});
