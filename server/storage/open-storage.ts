/** Opens the configured storage engine and brings its schema up to date: PostgreSQL when a URL is given, else SQLite. */
import type { Logger } from 'pino';
import { openPostgres } from './open-postgres.js';
import { openSqlite } from './open-sqlite.js';
import type { Storage } from './storage.js';

export interface StorageConfig {
  /** Folder of the SQLite file `attune.sqlite`; created when missing. Unused with `databaseUrl`. */
  dataDir: string;
  /** A postgres:// URL (DATABASE_URL): the engine for several processes. */
  databaseUrl?: string;
  /** Where connection trouble that no query sees (a dropped idle connection) is reported. */
  logger?: Logger;
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, config.logger) : openSqlite(config.dataDir);
}
