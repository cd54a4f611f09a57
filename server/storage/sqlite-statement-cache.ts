/**
 * better-sqlite3 for Kysely, with its prepared statements kept: Kysely's SQLite driver prepares every query
 * afresh, and preparing was a tenth of the server's CPU under many small classes (a flag and its tally are a
 * dozen short statements). The same SQL text gets the same statement back; the least recently used go past
 * `max` (queries with `in (…)` lists of many lengths are many texts). Safe because Attune never streams a query:
 * a statement is never asked for while it is still being iterated.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(sqlite: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        // Moved to the newest end of the map's order.
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
