/** The write-ahead log reaches the database file from the worker, with no commit on the server's connection doing it. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { startCheckpointer } from '../../server/storage/sqlite-checkpointer.js';
import { waitFor } from '../helpers/wait-for.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('copies the log into the database file in the background, and stops when asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attune-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'attune.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // The server's connection never checkpoints here: whatever reaches the file, the worker copied.
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.exec('create table t (v text)');
  const insert = sqlite.prepare('insert into t values (?)');
  for (let i = 0; i < 500; i++) insert.run('x'.repeat(4000));
  const before = statSync(file).size;
  expect(before).toBeLessThan(100_000);

  const checkpointer = startCheckpointer(file);
  await waitFor(() => expect(statSync(file).size).toBeGreaterThan(2_000_000), { timeoutMs: 10_000 });
  await checkpointer.stop();
  expect(sqlite.prepare('select count(*) as n from t').get()).toEqual({ n: 500 });
  sqlite.close();
});
