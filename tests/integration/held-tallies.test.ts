/**
 * The tally a lone process holds in memory (server/services/live-tallies.ts) always equals the one read from the
 * stored aggregates: under concurrent flags, duplicates, caps, details and undos, when a cue is added mid-class
 * (storage renumbers the cues after it), after a restart (a fresh process seeds from storage), and not at all
 * once the class has ended; and the run state a flag is checked against. On both engines: one PostgreSQL process without Redis holds its tallies too.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegionId } from '../../shared/regions.js';
import type { Cue } from '../../shared/schemas/sequence.js';
import type { TallyChange } from '../../server/domain/live-tally.js';
import { heldTallies, storedTallies, type LiveTallies } from '../../server/services/live-tallies.js';
import type { ClassRecord, FlagInsertResult, NewFlag, Storage } from '../../server/storage/storage.js';
import { storageEngines, type DisposableStorage } from '../helpers/storage-engines.js';

const T0 = 1_750_000_000_000;
/** Inside the trend window of every flag below, so both sources count the same seconds. */
const NOW = T0 + 20_000;
const cues: Cue[] = ['Shoulders', 'Jaw', 'Breath', 'Feet'].map((text) => ({ text, regions: [] }));
const REGIONS: (RegionId | undefined)[] = [undefined, 'neck', 'jaw', 'shoulder-left'];

/** A small deterministic generator, so a failure replays. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
}

const counted = (result: FlagInsertResult): TallyChange | null => (result.status === 'stored' ? result.change : null);
const same = (change: TallyChange | null) => change;

describe.each(storageEngines)('held tallies on $name', (engine) => {
  let opened: DisposableStorage;
  let storage: Storage;
  beforeEach(async () => {
    opened = await engine.open();
    storage = opened.storage;
  });
  afterEach(() => opened.dispose());

  /** A running class on cue 2 (cues 0-2 shown), with `count` participants. */
  async function runningClass(count: number) {
    const email = `${randomUUID()}@clinic.test`;
    const instructor = (await storage.accounts.create({ id: randomUUID(), email, passwordHash: 'scrypt$x', createdAt: T0 }, [{ title: 'Held', language: 'en', cues }], { onlyIfFirst: false }))!;
    const [sequence] = await storage.sequences.list(instructor.id);
    const record = await storage.classes.create({ id: randomUUID(), instructorId: instructor.id, sequenceId: sequence!.id, code: 'H3LD7A', title: 'Held', language: 'en', cues, createdAt: T0 });
    const running: ClassRecord = { ...record, status: 'running', cueIndex: 2, revision: record.revision + 1, maxCueIndexReached: 2 };
    expect(await storage.classes.updateRun(record.id, record.revision, running, T0)).toBe(true);
    const people: string[] = [];
    for (let i = 0; i < count; i++) people.push((await storage.participants.upsert(record.id, `hash-${i}`, T0, 300))!.id);
    return { record: running, people };
  }

  /** `n` random writes at once through the held tally: flags (some repeated), details and undos; what each did. */
  async function randomWrites(held: LiveTallies, classId: string, people: string[], n: number, next: (n: number) => number) {
    const sent: NewFlag[] = [];
    const writes: Promise<string>[] = [];
    const outcome = (change: TallyChange | null) => change?.type ?? 'nothing';
    for (let i = 0; i < n; i++) {
      const choice = next(10);
      if (choice < 6 || sent.length === 0) {
        const repeat = sent.length > 0 && choice === 0;
        const tap: NewFlag = repeat
          ? sent[next(sent.length)]!
          : { flagId: randomUUID(), classId, participantId: people[next(people.length)]!, cueIndex: next(3), kind: next(2) ? 'tension' : 'relief', region: REGIONS[next(REGIONS.length)], createdAt: T0 + next(15_000) };
        if (!repeat) sent.push(tap);
        // A low cap, so some flags are refused.
        writes.push(held.write(classId, () => storage.flags.insert(tap, 4), counted).then((result) => result.status));
      } else if (choice < 8) {
        const tap = sent[next(sent.length)]!;
        writes.push(held.write(classId, () => storage.flags.updateDetail(tap.flagId, tap.participantId, { region: REGIONS[next(REGIONS.length)] ?? 'chest' }), same).then(outcome));
      } else {
        const tap = sent[next(sent.length)]!;
        writes.push(held.write(classId, () => storage.flags.undo(tap.flagId, tap.participantId, T0), same).then(outcome));
      }
    }
    return new Set(await Promise.all(writes));
  }

  /** The held tally equals the stored one, and so do the regions of every cue. */
  async function expectHeldEqualsStored(held: LiveTallies, record: ClassRecord) {
    expect(await held.tallyOf(record.id)).toEqual(await storedTallies(storage, () => NOW).tallyOf(record.id));
    for (let cueIndex = 0; cueIndex < record.cues.length; cueIndex++) {
      held.classChanged({ ...record, cueIndex }, { isCueAdded: false });
      expect((await held.tallyOf(record.id))!.regions).toEqual(await storage.flags.tallyRegions(record.id, cueIndex));
    }
    held.classChanged(record, { isCueAdded: false });
  }

  it('equals the stored tally after hundreds of concurrent flags, repeats, caps, details and undos', async () => {
    const { record, people } = await runningClass(6);
    const held = heldTallies(storage, () => NOW);
    expect(await held.tallyOf(record.id)).toMatchObject({ cues: [], regions: {}, recent: [], cueIndex: 2 });
    const outcomes = await randomWrites(held, record.id, people, 400, random(7));
    expect([...outcomes].sort()).toEqual(['capped', 'duplicate', 'moved', 'nothing', 'stored', 'undone']);
    await expectHeldEqualsStored(held, record);
    expect((await held.tallyOf(record.id))!.cues.reduce((n, c) => n + c.tension + c.relief, 0)).toBeGreaterThan(10);
  });

  it('is seeded from storage by a fresh process, and keeps equal from there', async () => {
    const { record, people } = await runningClass(5);
    await randomWrites(heldTallies(storage, () => NOW), record.id, people, 150, random(11));
    const restarted = heldTallies(storage, () => NOW);
    await randomWrites(restarted, record.id, people, 150, random(12));
    await expectHeldEqualsStored(restarted, record);
  });

  it('reads the class again when a cue is added, even with writes under way', async () => {
    const { record, people } = await runningClass(4);
    const held = heldTallies(storage, () => NOW);
    await randomWrites(held, record.id, people, 80, random(3));
    // A cue inserted after cue 1: storage moves cue 2's flags to cue 3 in the same transaction.
    const added = { cues: [...cues.slice(0, 2), { text: 'Added', regions: [] }, ...cues.slice(2)], insertedAt: 2 };
    const withCue: ClassRecord = { ...record, cues: added.cues, cueIndex: 3, revision: record.revision + 1, maxCueIndexReached: 3 };
    const during = randomWrites(held, record.id, people, 40, random(4));
    expect(await storage.classes.updateRun(record.id, record.revision, { ...withCue, added }, NOW)).toBe(true);
    held.classChanged(withCue, { isCueAdded: true });
    await during;
    await randomWrites(held, record.id, people, 40, random(5));
    await expectHeldEqualsStored(held, withCue);
  });

  it('holds the run state as each transition leaves it, and nothing once the class has ended', async () => {
    const { record, people } = await runningClass(2);
    const held = heldTallies(storage, () => NOW);
    expect(await held.runOf(record.id)).toEqual(await storage.classes.getRun(record.id));
    held.classChanged({ ...record, cueIndex: 3, maxCueIndexReached: 3 }, { isCueAdded: false });
    expect(await held.runOf(record.id)).toMatchObject({ status: 'running', cueIndex: 3, maxCueIndexReached: 3 });
    held.classChanged(record, { isCueAdded: false });
    await randomWrites(held, record.id, people, 10, random(1));
    const ended: ClassRecord = { ...record, status: 'ended', revision: record.revision + 1 };
    expect(await storage.classes.updateRun(record.id, record.revision, ended, NOW)).toBe(true);
    held.classChanged(ended, { isCueAdded: false });
    expect(await held.tallyOf(record.id)).toBeNull();
    expect(await held.runOf(record.id)).toMatchObject({ status: 'ended' });
    expect(await held.runOf(randomUUID())).toBeNull();
    expect(await heldTallies(storage, () => NOW).tallyOf(record.id)).toBeNull();
    expect(await held.tallyOf(randomUUID())).toBeNull();
  });
});
