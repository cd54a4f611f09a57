/**
 * SQLite's way of running a transaction's steps (transaction-steps.ts) at once: synchronously, in one
 * better-sqlite3 transaction, with the statements Kysely's driver keeps (sqlite-statement-cache.ts). Nothing else
 * can run in between, so it cannot interleave with anything; but a Kysely transaction awaits between its own
 * statements, and one may be open on the connection when this is called. Then it does nothing and says so, and
 * the caller takes Kysely's way, which waits for its turn.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import type { BoundQuery } from './compiled-once.js';
import { runStepsNow, type Steps } from './transaction-steps.js';

export type TransactNow = <T>(steps: () => Steps<T>) => { done: true; value: T } | { done: false };

export function sqliteTransactNow(sqlite: BetterSqlite3.Database, statements: SqliteDatabase): TransactNow {
  const rows = ({ sql, parameters }: BoundQuery<unknown>): unknown[] => {
    const statement = statements.prepare(sql);
    if (statement.reader) return statement.all(parameters);
    statement.run(parameters);
    return [];
  };
  // Commits when the body returns, rolls back when it throws.
  const transaction = sqlite.transaction(<T>(steps: Steps<T>): T => runStepsNow(steps, rows));
  return <T>(steps: () => Steps<T>) => {
    if (sqlite.inTransaction) return { done: false };
    return { done: true, value: transaction(steps()) as T };
  };
}
