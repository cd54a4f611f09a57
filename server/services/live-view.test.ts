import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence } from '../../shared/protocol.js';
import type { LiveTally } from '../../shared/schemas/flag.js';
import { waitFor } from '../../tests/helpers/wait-for.js';
import { openSqlite } from '../storage/open-sqlite.js';
import type { FlagInsertResult, Storage } from '../storage/storage.js';
import type { Broadcaster } from './broadcaster.js';
import { createLiveView, PRESENCE_RETRY_MS, SETTLE_MS } from './live-view.js';

/** A broadcaster that keeps the presence counts it sends and counts connected participants with `count`. */
function countingBroadcaster(count: () => Promise<number>) {
  const sent: Presence[] = [];
  const broadcaster: Broadcaster = {
    toParticipants() {},
    toInstructors(_classId, event, ...payload) {
      if (event === 'presence:updated') sent.push(payload[0] as Presence);
    },
    connectedParticipants: count,
  };
  return { sent, broadcaster };
}

/**
 * A count across processes that fails the way the Redis adapter's does while a dead process is still expected to
 * answer, `failures` times, then counts `connected`.
 */
function flakyCounter(failures: number, connected: number) {
  let left = failures;
  return countingBroadcaster(async () => {
    if (left-- > 0) throw new Error('timeout reached: missing 1 responses');
    return connected;
  });
}

/** An instructor with one sequence, and a class opened from it. */
async function openClass(storage: Storage) {
  const cue = { text: 'Notice the shoulders', regions: [] };
  const instructor = await storage.accounts.create(
    { id: randomUUID(), email: 'live-view@clinic.test', passwordHash: 'scrypt$x', createdAt: Date.now() },
    [{ title: 'Shoulders', language: 'en', cues: [cue] }],
    { onlyIfFirst: false },
  );
  const [sequence] = await storage.sequences.list(instructor!.id);
  return storage.classes.create({
    id: randomUUID(),
    instructorId: instructor!.id,
    sequenceId: sequence!.id,
    code: 'ABC123',
    title: 'Shoulders',
    language: 'en',
    cues: [cue],
    createdAt: Date.now(),
  });
}

describe('the live view’s presence count', () => {
  let dataDir: string;
  let storage: Storage;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'attune-live-view-'));
    storage = await openSqlite(dataDir);
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tries a failed count again, so the tablet is not left with the count from before', async () => {
    const { sent, broadcaster } = flakyCounter(2, 3);
    const errors: unknown[] = [];
    const live = createLiveView({ storage, broadcaster, now: Date.now, onError: (error) => errors.push(error), isOnlyProcess: false });
    const startedAt = Date.now();
    live.presenceChanged('class-1');
    await waitFor(() => expect(sent).toEqual([{ connected: 3, joined: 0 }]), { timeoutMs: 4 * PRESENCE_RETRY_MS });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2 * PRESENCE_RETRY_MS - 50);
    expect(errors).toHaveLength(2);
    live.stop();
  });

  it('sends the count that includes the newest connection last, however slow an earlier count was', async () => {
    // The count across processes is read when it starts; the first one waits (as on a process that died).
    let connected = 2;
    let calls = 0;
    const { sent, broadcaster } = countingBroadcaster(async () => {
      const counted = connected;
      if (calls++ === 0) await new Promise((resolve) => setTimeout(resolve, 300));
      return counted;
    });
    const live = createLiveView({ storage, broadcaster, now: Date.now, onError: () => {}, isOnlyProcess: false });
    const record = await openClass(storage);
    live.presenceChanged(record.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    connected = 3;
    live.presenceChanged(record.id);
    await waitFor(() => expect(sent.at(-1)).toEqual({ connected: 3, joined: 0 }), { timeoutMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sent.at(-1)).toEqual({ connected: 3, joined: 0 });
    // A tablet's snapshot carries no count of its own that could overtake these.
    expect(await live.instructorSnapshot(record.id)).not.toHaveProperty('presence');
    live.stop();
  });

  it('tries no more once stopped', async () => {
    const { sent, broadcaster } = flakyCounter(1, 1);
    const live = createLiveView({ storage, broadcaster, now: Date.now, onError: () => {}, isOnlyProcess: false });
    live.presenceChanged('class-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    live.stop();
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_RETRY_MS + 200));
    expect(sent).toEqual([]);
  });
});

describe('tallies sent by processes sharing a class', () => {
  let dataDir: string;
  let storage: Storage;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'attune-live-view-'));
    storage = await openSqlite(dataDir);
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leave the tablet with the newest, though one read earlier by another process arrives after it', async () => {
    const opened = await openClass(storage);
    const record = { ...opened, status: 'running' as const, revision: opened.revision + 1 };
    expect(await storage.classes.updateRun(record.id, opened.revision, record, Date.now())).toBe(true);
    const [first, second] = [await storage.participants.upsert(record.id, 'hash-1', Date.now(), 300), await storage.participants.upsert(record.id, 'hash-2', Date.now(), 300)];
    // The tablet's socket gets what both processes send, in the order it arrives.
    const received: LiveTally[] = [];
    const tablet: Broadcaster = {
      toParticipants() {},
      toInstructors(_classId, event, ...payload) {
        if (event === 'tally:updated') received.push(payload[0] as LiveTally);
      },
      connectedParticipants: async () => 0,
    };
    // Process B reads its tally before A's flag is committed, and sends it only after A has sent A's.
    let readByB!: () => void;
    const bHasRead = new Promise<void>((resolve) => (readByB = resolve));
    let sendByB!: () => void;
    const bMaySend = new Promise<void>((resolve) => (sendByB = resolve));
    let isFirstReadByB = true;
    const slowStorage: Storage = {
      ...storage,
      flags: {
        ...storage.flags,
        async tally(classId) {
          const tally = await storage.flags.tally(classId);
          if (isFirstReadByB) {
            isFirstReadByB = false;
            readByB();
            await bMaySend;
          }
          return tally;
        },
      },
    };
    const a = createLiveView({ storage, broadcaster: tablet, now: Date.now, onError: () => {}, isOnlyProcess: false });
    const b = createLiveView({ storage: slowStorage, broadcaster: tablet, now: Date.now, onError: () => {}, isOnlyProcess: false });
    const counted = (result: FlagInsertResult) => (result.status === 'stored' ? result.change : null);
    const tap = (participantId: string) => ({ flagId: randomUUID(), classId: record.id, participantId, cueIndex: 0, kind: 'tension' as const, createdAt: Date.now() });

    await b.flagWrite(record.id, () => storage.flags.insert(tap(first!.id), 10), counted);
    await bHasRead;
    await a.flagWrite(record.id, () => storage.flags.insert(tap(second!.id), 10), counted);
    await waitFor(() => expect(received.at(-1)?.cues).toEqual([{ cueIndex: 0, tension: 2, relief: 0, participants: 2 }]));
    sendByB();
    await waitFor(() => expect(received.at(-1)?.cues).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]));

    // Once the writes are quiet, both send what they read now: the tablet ends on the newest.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 300));
    expect(received.at(-1)?.cues).toEqual([{ cueIndex: 0, tension: 2, relief: 0, participants: 2 }]);
    a.stop();
    b.stop();
  });
});
