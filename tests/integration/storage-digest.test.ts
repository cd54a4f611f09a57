/**
 * The refusal tests' witness (tests/helpers/storage-digest.ts) must see every write the server commits, also
 * when it answers from its last digest because the file's data version did not move.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDigestReader, type DigestReader } from '../helpers/storage-digest.js';

let dir: string;
let writer: BetterSqlite3.Database;
let reader: DigestReader;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attune-digest-'));
  writer = new BetterSqlite3(join(dir, 'attune.sqlite'));
  writer.pragma('journal_mode = WAL');
  writer.exec('create table flags (id text primary key, kind text); create table alerts (id text)');
  reader = openDigestReader(dir);
});

afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

it('names the table another connection wrote, and stays equal while nothing was written', () => {
  const before = reader.digest();
  expect(reader.digest()).toEqual(before);
  writer.prepare('insert into flags values (?, ?)').run('a', 'tension');
  const after = reader.digest();
  expect(after.flags).not.toEqual(before.flags);
  expect(after.alerts).toEqual(before.alerts);
  // A write undone by the next leaves the file as it was; a value changed in place, same length, is seen.
  writer.prepare('update flags set kind = ? where id = ?').run('relief!', 'a');
  writer.prepare('update flags set kind = ? where id = ?').run('tension', 'a');
  expect(reader.digest()).toEqual(after);
  writer.prepare('update flags set kind = ? where id = ?').run('tensiom', 'a');
  expect(reader.digest().flags).not.toEqual(after.flags);
});
