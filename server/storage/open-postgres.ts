/**
 * The shared engine: PostgreSQL through a connection pool, for several server processes. Only the connection
 * lives here; the queries are the same Kysely ones SQLite runs.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './database.js';
import { createKyselyStorage } from './kysely-storage.js';
import { migrateToLatest } from './migrations.js';
import type { Storage } from './storage.js';

/** One connection does ~1,500 inserts/s here; ten keep a burst of flags from a full class flowing. */
const POOL_SIZE = 10;

const INT8_OID = 20;
const UNIQUE_VIOLATION = '23505';
const SERIALIZATION_FAILURE = '40001';

/**
 * Times are bigint milliseconds and counts come back as bigint: read them as JS numbers (exact up to 2^53,
 * far beyond any time or count here) rather than pg's default strings. Set per pool, not on pg's global table.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

/** Connects to `url`, creates or updates the schema in its current schema (search_path), and returns Storage. */
export async function openPostgres(url: string, logger?: Logger): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, types });
  // An idle connection that breaks (a database restart) is dropped by the pool and replaced on the next query;
  // without a listener the 'error' event would end the process.
  pool.on('error', (err) => logger?.warn({ err }, 'an idle PostgreSQL connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateDespiteOthersSchemas(db, await currentSchema(db));
  } catch (error) {
    await db.destroy();
    throw new Error(`DATABASE_URL: PostgreSQL storage could not be opened (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  return createKyselyStorage(db, isPostgresUniqueViolation, isPostgresSerializationFailure);
}

/** How many times a migration is tried when another schema of the database vanished under its catalog read. */
const MIGRATION_ATTEMPTS = 5;
const INVALID_SCHEMA_NAME = '3F000';

/**
 * Kysely's migrator lists the tables of every schema the role may use, to find its own: a schema dropped by
 * someone else during that read fails it ("schema … does not exist"), though ours is there. Nothing was migrated
 * by then, so it is tried again.
 */
async function migrateDespiteOthersSchemas(db: Kysely<Database>, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(db as Kysely<unknown>, { migrationTableSchema: schema });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const isOthers = code === INVALID_SCHEMA_NAME && !String((error as Error).message).includes(`"${schema}"`);
      if (!isOthers || attempt === MIGRATION_ATTEMPTS) throw error;
    }
  }
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('none of the schemas on the search_path exists; create it first');
  return schema;
}

function isPostgresUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === UNIQUE_VIOLATION;
}

function isPostgresSerializationFailure(error: unknown): boolean {
  return (error as { code?: string }).code === SERIALIZATION_FAILURE;
}
