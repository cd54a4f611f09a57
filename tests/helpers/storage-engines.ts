/**
 * Every storage engine as a factory of fresh, empty storage: a temporary SQLite file, a throwaway PostgreSQL
 * schema. Suites run the same tests against each with `describe.each(storageEngines)`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '../../server/storage/open-postgres.js';
import { openSqlite } from '../../server/storage/open-sqlite.js';
import type { Storage } from '../../server/storage/storage.js';
import { createTestSchema } from './postgres-schema.js';

/** Migrated, empty storage; `dispose()` closes it and removes its file or schema. */
export interface DisposableStorage {
  storage: Storage;
  dispose(): Promise<void>;
}

export interface StorageEngine {
  name: 'sqlite' | 'postgres';
  open(): Promise<DisposableStorage>;
}

export const storageEngines: StorageEngine[] = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'attune-storage-'));
      const storage = await openSqlite(dataDir);
      return {
        storage,
        async dispose() {
          await storage.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = await createTestSchema();
      const storage = await openPostgres(schema.url).catch(async (error: unknown) => {
        await schema.drop();
        throw error;
      });
      return {
        storage,
        async dispose() {
          await storage.close();
          await schema.drop();
        },
      };
    },
  },
];
