/**
 * An installation from before the clinic (migrations up to 004) upgraded in place, on a real SQLite file: the
 * oldest account becomes the lead and the others instructors; every account's unchanged copies of a starter
 * sequence become the one library sequence (their classes follow it, so trends stay whole); a changed copy
 * stays its owner's; summaries read as before.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import type { SequenceInput } from '../../shared/schemas/sequence.js';
import { createAuthService } from '../../server/services/auth-service.js';
import { createPasswordHasher } from '../../server/services/passwords.js';
import { createClinicService } from '../../server/services/clinic-service.js';
import { createSummaryService } from '../../server/services/summary-service.js';
import { loadStarterLibrary } from '../../server/starter-library.js';
import { migrations } from '../../server/storage/migrations.js';
import { openSqlite } from '../../server/storage/open-sqlite.js';

const dataDir = mkdtempSync(join(tmpdir(), 'attune-upgrade-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('turns an older installation into a clinic without losing a class, a summary or a trend', async () => {
  const starters = loadStarterLibrary();
  const [first, second] = starters as [SequenceInput, SequenceInput];
  const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(join(dataDir, 'attune.sqlite')) }) });
  const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '005'));
  const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => before } }).migrateToLatest();
  expect(error).toBeUndefined();

  // Two accounts, each with its own copies of the starter library, as the old release made them.
  const accounts = [
    { id: randomUUID(), email: 'older@clinic.test', created_at: 1_000 },
    { id: randomUUID(), email: 'newer@clinic.test', created_at: 2_000 },
  ];
  const copies: Record<string, string[]> = {};
  for (const account of accounts) {
    await old.insertInto('instructors').values({ ...account, password_hash: 'x', must_change_password: 0 }).execute();
    copies[account.id] = [];
    for (const [i, starter] of starters.entries()) {
      const id = randomUUID();
      copies[account.id]!.push(id);
      const cues = account.email === 'newer@clinic.test' && i === 1 ? [...starter.cues, { text: 'My own extra cue.', regions: [] }] : starter.cues;
      await old
        .insertInto('sequences')
        .values({ id, instructor_id: account.id, title: starter.title, language: starter.language, cues_json: JSON.stringify(cues), created_at: account.created_at + i, updated_at: account.created_at + i })
        .execute();
    }
  }
  // A class of the newer account's unchanged copy of the first starter sequence.
  const classId = randomUUID();
  await old
    .insertInto('classes')
    .values({
      id: classId, instructor_id: accounts[1]!.id, sequence_id: copies[accounts[1]!.id]![0], code: 'ABC234', title: first.title,
      language: first.language, cues_json: JSON.stringify(first.cues), status: 'ended', cue_index: 0, revision: 3,
      created_at: 5_000, updated_at: 6_000, is_auto_advance: 0, ended_at: 6_000, feedback_closes_at: 7_000,
    })
    .execute();
  await old.destroy();

  const storage = await openSqlite(dataDir);
  try {
    const hasher = createPasswordHasher();
    const clinic = createClinicService({ storage, auth: createAuthService({ storage, starterSequences: [], hasher }), hasher, endSockets: () => undefined });
    await clinic.seedLibrary(starters);
    await clinic.seedLibrary(starters); // once only

    expect((await clinic.accounts()).map((a) => [a.email, a.role])).toEqual([
      ['older@clinic.test', 'lead'],
      ['newer@clinic.test', 'instructor'],
    ]);
    const library = await storage.clinic.listLibrary();
    expect(library.map((s) => s.title)).toEqual(starters.map((s) => s.title));
    expect(await storage.sequences.list(accounts[0]!.id)).toEqual([]);
    // The changed copy stays its owner's.
    expect((await storage.sequences.list(accounts[1]!.id)).map((s) => [s.title, s.cues.length])).toEqual([[second.title, second.cues.length + 1]]);
    // The class follows its sequence into the library: its summary and its trend are there.
    const record = await storage.classes.get(classId);
    expect(record!.sequenceId).toBe(library[0]!.id);
    const summaries = createSummaryService({ storage });
    const viewer = { id: accounts[1]!.id, role: 'instructor' as const };
    expect((await summaries.summary(classId, viewer)).title).toBe(first.title);
    expect((await summaries.trend(library[0]!.id, viewer)).classes.map((c) => c.classId)).toEqual([classId]);
  } finally {
    await storage.close();
  }
});
