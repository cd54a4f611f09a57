/**
 * What an SQLite file holds, read through a read-only connection of its own: per table, the row count and a
 * hash of every row. Two equal digests mean nothing was written in between; a difference names the table.
 * Refusal tests take one before and after bad input.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type StorageDigest = Record<string, { rows: number; hash: string }>;

export interface DigestReader {
  digest(): StorageDigest;
  close(): void;
}

/** Reads `attune.sqlite` in `dataDir` while the server keeps writing it (WAL lets a reader in). */
export function openDigestReader(dataDir: string): DigestReader {
  const db = new BetterSqlite3(join(dataDir, 'attune.sqlite'), { readonly: true, fileMustExist: true });
  const tables = () =>
    db.prepare<[], { name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all();
  const version = () => db.pragma('data_version', { simple: true }) as number;
  /** The last digest, and the data version it was read at. */
  let last: { version: number; digest: StorageDigest } | undefined;
  return {
    digest() {
      // One read transaction: every table as of the same moment.
      return db.transaction(() => {
        // The read starts the snapshot the version belongs to. The version moves with every commit by another
        // connection that changed a page, so an unchanged version is an unchanged file: the last digest stands
        // (the fuzz suite takes thousands, and reading every table each time was a third of its time).
        const names = tables();
        const now = version();
        if (last?.version === now) return last.digest;
        const result: StorageDigest = {};
        for (const { name } of names) {
          const rows = db.prepare(`select * from "${name}" order by rowid`).raw().all();
          result[name] = { rows: rows.length, hash: createHash('sha256').update(JSON.stringify(rows)).digest('base64url') };
        }
        last = { version: now, digest: result };
        return result;
      })();
    },
    close: () => db.close(),
  };
}
