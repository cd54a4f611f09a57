/**
 * Migration 005 on data written under 004: the live aggregates (per cue, per region, per participant and cue),
 * the highest cue shown and the participant count are backfilled from the stored flags, on both engines, so a
 * class that was running during the upgrade keeps exact counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateTo } from '../../server/storage/migrations.js';
import { openPostgres, postgresDialect } from '../../server/storage/open-postgres.js';
import { openSqlite } from '../../server/storage/open-sqlite.js';
import type { Storage } from '../../server/storage/storage.js';
import { createTestSchema } from '../helpers/postgres-schema.js';

const T0 = 1_750_000_000_000;
const cues = JSON.stringify([{ text: 'a', regions: [] }, { text: 'b', regions: [] }, { text: 'c', regions: [] }]);

/** Rows as version 004 wrote them: a class that showed cues 0-2 and is back on 1, three participants, six flags. */
async function writeOldRows(db: Kysely<unknown>) {
  await sql`insert into instructors (id, email, password_hash, created_at) values ('i1', 'a@b.c', 'x', ${T0})`.execute(db);
  await sql`insert into classes (id, instructor_id, sequence_id, code, title, language, cues_json, status, cue_index, revision, created_at, updated_at)
    values ('c1', 'i1', null, 'K7M2QX', 'T', 'en', ${cues}, 'running', 1, 4, ${T0}, ${T0})`.execute(db);
  for (const [revision, cueIndex] of [[1, 0], [2, 1], [3, 2], [4, 1]]) {
    await sql`insert into class_transitions (class_id, revision, status, cue_index, at) values ('c1', ${revision}, 'running', ${cueIndex}, ${T0})`.execute(db);
  }
  for (const p of ['p1', 'p2', 'p3']) {
    await sql`insert into participants (id, class_id, token_hash, joined_at) values (${p}, 'c1', ${`h-${p}`}, ${T0})`.execute(db);
  }
  const flags: [string, number, string, string, string | null][] = [
    ['f1', 0, 'p1', 'tension', 'neck'],
    ['f2', 0, 'p1', 'tension', null],
    ['f3', 0, 'p2', 'relief', 'neck'],
    ['f4', 1, 'p3', 'tension', 'jaw'],
    ['f5', 2, 'p2', 'relief', null],
    ['f6', 0, 'p3', 'relief', 'jaw'],
  ];
  for (const [id, cueIndex, participant, kind, region] of flags) {
    await sql`insert into flags (id, class_id, cue_index, participant_id, kind, region, strength, created_at)
      values (${id}, 'c1', ${cueIndex}, ${participant}, ${kind}, ${region}, null, ${T0})`.execute(db);
  }
}

async function expectBackfilled(storage: Storage) {
  expect(await storage.flags.tally('c1')).toEqual([
    { cueIndex: 0, tension: 2, relief: 2, participants: 3 },
    { cueIndex: 1, tension: 1, relief: 0, participants: 1 },
    { cueIndex: 2, tension: 0, relief: 1, participants: 1 },
  ]);
  expect(await storage.flags.tallyRegions('c1', 0)).toEqual({ neck: { tension: 1, relief: 1 }, jaw: { tension: 0, relief: 1 } });
  expect(await storage.participants.count('c1')).toBe(3);
  expect(await storage.classes.get('c1')).toMatchObject({ cueIndex: 1, maxCueIndexReached: 2 });
  // The backfilled counts go on exactly: undoing p1's two cue-0 flags takes p1 off the cue's participants.
  expect(await storage.flags.undo('f1', 'p1', 0)).not.toBeNull();
  expect(await storage.flags.undo('f2', 'p1', 0)).not.toBeNull();
  expect((await storage.flags.tally('c1'))[0]).toEqual({ cueIndex: 0, tension: 0, relief: 2, participants: 2 });
}

describe('migration 005 backfills the live aggregates', () => {
  it('on SQLite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'attune-migration-'));
    try {
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(join(dataDir, 'attune.sqlite')) }) });
      await migrateTo(db, '004-after-class');
      await writeOldRows(db);
      await db.destroy();
      const storage = await openSqlite(dataDir);
      try {
        await expectBackfilled(storage);
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL', async () => {
    const schema = await createTestSchema();
    try {
      const db = new Kysely<unknown>({ dialect: postgresDialect(new pg.Pool({ connectionString: schema.url, max: 1 })) });
      await migrateTo(db, '004-after-class', { migrationTableSchema: schema.name });
      await writeOldRows(db);
      await db.destroy();
      const storage = await openPostgres(schema.url);
      try {
        await expectBackfilled(storage);
      } finally {
        await storage.close();
      }
    } finally {
      await schema.drop();
    }
  });
});
