/**
 * The shared engine: PostgreSQL through a connection pool, for several server processes. Only the connection
 * lives here; the queries are the same Kysely ones SQLite runs.
 */
import {
  Kysely,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Dialect,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
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
  const db = new Kysely<Database>({ dialect: postgresDialect(pool) });
  try {
    await migrateToLatest(db as Kysely<unknown>, { migrationTableSchema: await currentSchema(db) });
  } catch (error) {
    await db.destroy();
    throw new Error(`DATABASE_URL: PostgreSQL storage could not be opened (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  return createKyselyStorage({ db, isUniqueViolation: isPostgresUniqueViolation, isSerializationFailure: isPostgresSerializationFailure });
}

/**
 * Kysely's own introspector reads the tables of every schema the role may use, to find its migration tables,
 * and fails when another schema is dropped during that read ("schema … does not exist", "relation … does not
 * exist"), though ours is there. This one reads the current schema only, and only the table names: all the
 * migrator asks of it.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(this.db);
    return rows.flatMap(({ name }) => (name ? [{ name }] : []));
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; isView: boolean }>`
      select c.relname as name, n.nspname as schema, c.relkind = 'v' as "isView"
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')`.execute(this.db);
    return rows.map((row) => ({ ...row, columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

/** The dialect every Kysely on PostgreSQL here uses, so a migration never reads another schema's catalog. */
export function postgresDialect(pool: pg.Pool): Dialect {
  return new OwnSchemaPostgresDialect({ pool });
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
