import { mkdtempSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
function run(label: string, exclusive: boolean) {
  const dir = mkdtempSync('/tmp/lk-');
  const db = new BetterSqlite3(dir + '/x.sqlite');
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
  if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
  db.exec(`create table classes (id text primary key, status text, cue_index integer, revision integer, max_cue_index integer)`);
  db.exec(`create table flags (id text primary key, class_id text, cue_index integer, participant_id text, kind text, created_at bigint)`);
  db.exec(`create index f1 on flags(class_id, created_at)`);
  db.exec(`create table pcf (class_id text, cue_index integer, participant_id text, flags integer, primary key (class_id, cue_index, participant_id))`);
  for (let i = 0; i < 100; i++) db.prepare('insert into classes values (?,?,?,?,?)').run('c' + i, 'running', 1, 3, 1);
  const sel = db.prepare('select id, status, cue_index, revision, max_cue_index from classes where id = ?');
  const fl = db.prepare('insert into flags values (?,?,?,?,?,?)');
  const pc = db.prepare('insert into pcf values (?,?,?,1) on conflict do update set flags = flags + 1');
  const begin = db.prepare('begin'), commit = db.prepare('commit');
  const N = 10000; let ts = 0n, tw = 0n;
  for (let i = 0; i < N; i++) {
    const id = 'c' + (i % 100);
    let a = process.hrtime.bigint(); sel.get(id); ts += process.hrtime.bigint() - a;
    a = process.hrtime.bigint(); begin.run(); fl.run('f' + i, id, 1, 'p' + (i % 12), 'tension', i); pc.run(id, 1, 'p' + (i % 12)); commit.run(); tw += process.hrtime.bigint() - a;
  }
  console.log(label, 'select µs', (Number(ts) / N / 1e3).toFixed(1), 'write txn µs', (Number(tw) / N / 1e3).toFixed(1));
}
run('normal', false); run('exclusive', true); run('normal', false); run('exclusive', true);
