/**
 * A fresh PostgreSQL schema per test run on the `test` database (.ci/run makes sure it answers), so runs and
 * parallel test files never see each other's rows. The URL carries the schema as the connection's search_path,
 * the way DATABASE_URL would in production. If PostgreSQL does not answer, this throws: those tests fail, they
 * are never skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  /** A DATABASE_URL whose connections use only this schema. */
  url: string;
  /** Drops the schema and everything in it; close every pool using it first. */
  drop(): Promise<void>;
}

export async function createTestSchema(): Promise<TestSchema> {
  const name = `attune_test_${randomBytes(6).toString('hex')}`;
  await admin(`create schema ${name}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { name, url: url.href, drop: () => admin(`drop schema if exists ${name} cascade`) };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${TEST_POSTGRES_URL} did not answer (bash .ci/run starts it): ${String(error)}`, { cause: error });
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
