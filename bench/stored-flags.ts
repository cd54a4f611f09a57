/**
 * How many flags of a cue the server really stored, read from its database beside it (the SQLite file
 * read-only, WAL lets both in; or the PostgreSQL schema), not from anything the server says about them.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

export interface StoredCount {
  flags: number;
  /** Participants with more than one flag of the cue: each sent exactly one, so above 0 means stored twice. */
  participantsWithSeveral: number;
}

export type StoredFlags = (classId: string, cueIndex: number) => Promise<StoredCount>;

const COUNT_FLAGS = 'SELECT COUNT(*) AS n FROM flags WHERE class_id = $1 AND cue_index = $2';
const COUNT_SEVERAL =
  'SELECT COUNT(*) AS n FROM (SELECT participant_id FROM flags WHERE class_id = $1 AND cue_index = $2 GROUP BY participant_id HAVING COUNT(*) > 1) AS several';

/** The SQLite file of a server started with `dataDir`. */
export function sqliteFlags(dataDir: string): StoredFlags {
  return async (classId, cueIndex) => {
    const db = new BetterSqlite3(join(dataDir, 'attune.sqlite'), { readonly: true, fileMustExist: true });
    try {
      // The same queries with SQLite's positional parameters ($1 and $2 come once each, in order).
      const count = (query: string) => (db.prepare(query.replace(/\$\d/g, '?')).get(classId, cueIndex) as { n: number }).n;
      return { flags: count(COUNT_FLAGS), participantsWithSeveral: count(COUNT_SEVERAL) };
    } finally {
      db.close();
    }
  };
}

/** The PostgreSQL schema a `DATABASE_URL` (with its search_path) names. */
export function postgresFlags(databaseUrl: string): StoredFlags {
  return async (classId, cueIndex) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const count = async (query: string) => Number((await client.query<{ n: string }>(query, [classId, cueIndex])).rows[0]!.n);
      return { flags: await count(COUNT_FLAGS), participantsWithSeveral: await count(COUNT_SEVERAL) };
    } finally {
      await client.end();
    }
  };
}
