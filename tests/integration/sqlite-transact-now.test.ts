/**
 * SQLite's transactions run at once (server/storage/sqlite-transact-now.ts), on a real SQLite file: all or
 * nothing, and never inside a Kysely transaction that is awaiting between its statements on the same connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BoundQuery } from '../../server/storage/compiled-once.js';
import { withStatementCache } from '../../server/storage/sqlite-statement-cache.js';
import { sqliteTransactNow, type TransactNow } from '../../server/storage/sqlite-transact-now.js';
import { rowsOf, type Steps } from '../../server/storage/transaction-steps.js';

const insert = (id: number): BoundQuery<never> => ({ sql: 'insert into taps (id) values (?)', parameters: [id] });
const countTaps: BoundQuery<{ n: number }> = { sql: 'select count(*) as n from taps', parameters: [] };

/** Inserts the ids, then gives the number of rows it sees. */
function* insertAll(...ids: number[]): Steps<number> {
  for (const id of ids) yield* rowsOf(insert(id));
  const [row] = yield* rowsOf(countTaps);
  return row!.n;
}

describe('SQLite transactions run at once', () => {
  let dir: string;
  let sqlite: BetterSqlite3.Database;
  let db: Kysely<{ taps: { id: number } }>;
  let transactNow: TransactNow;
  const stored = () => (sqlite.prepare('select id from taps order by id').all() as { id: number }[]).map((r) => r.id);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'attune-transact-'));
    sqlite = new BetterSqlite3(join(dir, 'taps.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table taps (id integer primary key)');
    const statements = withStatementCache(sqlite);
    db = new Kysely({ dialect: new SqliteDialect({ database: statements }) });
    transactNow = sqliteTransactNow(sqlite, statements);
  });

  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits what the steps wrote and gives what they return; a step that fails leaves nothing of its transaction', () => {
    expect(transactNow(() => insertAll(1, 2))).toEqual({ done: true, value: 2 });
    expect(() => transactNow(() => insertAll(3, 1))).toThrow(/UNIQUE/);
    function* refused(): Steps<number> {
      yield* rowsOf(insert(4));
      throw new Error('refused after the insert');
    }
    expect(() => transactNow(refused)).toThrow('refused after the insert');
    expect(stored()).toEqual([1, 2]);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('runs nothing while a Kysely transaction is open on the connection, and runs once it has committed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = db.transaction().execute(async (trx) => {
      await sql`insert into taps (id) values (10)`.execute(trx);
      await gate;
      await sql`insert into taps (id) values (11)`.execute(trx);
    });
    while (!sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));

    expect(transactNow(() => insertAll(20))).toEqual({ done: false });
    release();
    await open;
    expect(transactNow(() => insertAll(20))).toEqual({ done: true, value: 3 });
    expect(stored()).toEqual([10, 11, 20]);
  });
});
