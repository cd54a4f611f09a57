/**
 * The storage contract: every test runs against each engine (a real SQLite file, a real PostgreSQL schema), so
 * the one Kysely implementation behaves the same on both. A new Storage method gets its tests here, inside the
 * `describe.each`. PostgreSQL not answering fails this suite; it is never skipped.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cue, SequenceInput } from '../../shared/schemas/sequence.js';
import type { ClassRecord, ClassRunUpdate, NewClass, NewFlag, Storage } from '../../server/storage/storage.js';
import { storageEngines, type DisposableStorage } from '../helpers/storage-engines.js';

const T0 = 1_750_000_000_000;

const cues: Cue[] = [
  { text: 'Let the shoulders sink away from the ears', note: 'Watch the trapezius', regions: ['shoulder-left', 'shoulder-right'] },
  { text: 'Notice the jaw', regions: ['jaw'], durationSeconds: 30 },
  { text: 'Breathe into the back', regions: [] },
];

const starter: SequenceInput[] = [
  { title: 'Ramena', language: 'cs', cues },
  { title: 'Shoulders', language: 'en', cues: cues.slice(0, 2) },
];

function account(email: string, createdAt = T0) {
  return { id: randomUUID(), email, passwordHash: `scrypt$${email}`, createdAt };
}

describe.each(storageEngines)('storage on $name', (engine) => {
  let opened: DisposableStorage;
  let storage: Storage;

  beforeEach(async () => {
    opened = await engine.open();
    storage = opened.storage;
  });

  afterEach(async () => {
    await opened.dispose();
  });

  /** An instructor with the starter sequences, and a class opened from the first. */
  async function instructorWithClass(overrides: Partial<NewClass> = {}) {
    const instructor = (await storage.accounts.create(account(`${randomUUID()}@clinic.test`), starter, { onlyIfFirst: false }))!;
    const [sequence] = await storage.sequences.list(instructor.id);
    const record = await storage.classes.create(newClass(instructor.id, sequence!.id, overrides));
    return { instructor, sequence: sequence!, record };
  }

  function newClass(instructorId: string, sequenceId: string, overrides: Partial<NewClass> = {}): NewClass {
    return { id: randomUUID(), instructorId, sequenceId, code: 'K7M2QX', title: 'Ramena', language: 'cs', cues, createdAt: T0, ...overrides };
  }

  /** The transition to `status`/`cueIndex` from `record`, whatever other run fields the record carries. */
  function transition(record: ClassRecord, change: Pick<ClassRunUpdate, 'status' | 'cueIndex'>): ClassRunUpdate {
    return { ...record, ...change, revision: record.revision + 1 };
  }

  /** Joins (or finds) a participant in a class with room for 300. */
  async function join(classId: string, tokenHash: string, at: number) {
    const joined = await storage.participants.upsert(classId, tokenHash, at, 300);
    if (!joined) throw new Error('class full');
    return joined;
  }

  function flag(classId: string, participantId: string, cueIndex: number, kind: NewFlag['kind'], extra: Partial<NewFlag> = {}): NewFlag {
    return { flagId: randomUUID(), classId, participantId, cueIndex, kind, createdAt: T0 + 1000, ...extra };
  }

  /** How storing the flag went: stored, duplicate or capped. */
  async function insertStatus(tap: NewFlag, maxPerParticipantCue: number) {
    return (await storage.flags.insert(tap, maxPerParticipantCue)).status;
  }

  it('answers the health check', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  describe('instructors', () => {
    it('creates the first instructor with the starter library, in its order, and refuses a second first-run sign-up', async () => {
      expect(await storage.accounts.count()).toBe(0);
      const first = await storage.accounts.create(account('lead@clinic.test'), starter, { onlyIfFirst: true });
      expect(first).toMatchObject({ email: 'lead@clinic.test', passwordHash: 'scrypt$lead@clinic.test' });

      expect(await storage.accounts.create(account('late@clinic.test'), starter, { onlyIfFirst: true })).toBeNull();
      expect(await storage.accounts.findByEmail('late@clinic.test')).toBeNull();
      expect(await storage.accounts.count()).toBe(1);

      const sequences = await storage.sequences.list(first!.id);
      expect(sequences.map((s) => s.title)).toEqual(['Ramena', 'Shoulders']);
      expect(sequences[0]).toMatchObject({ language: 'cs', cues, createdAt: T0, updatedAt: T0 });
    });

    it('lets only one of two simultaneous first-run sign-ups in', async () => {
      const results = await Promise.all(
        ['a@clinic.test', 'b@clinic.test', 'c@clinic.test'].map((email) => storage.accounts.create(account(email), starter, { onlyIfFirst: true })),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await storage.accounts.count()).toBe(1);
    });

    it('adds further instructors when not first-run only, and finds them by e-mail and id', async () => {
      const first = (await storage.accounts.create(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      const second = (await storage.accounts.create(account('second@clinic.test'), [], { onlyIfFirst: false }))!;
      expect(await storage.accounts.count()).toBe(2);
      expect(await storage.accounts.findByEmail('second@clinic.test')).toEqual(second);
      expect(await storage.accounts.findById(first.id)).toEqual(first);
      expect(await storage.accounts.findById(randomUUID())).toBeNull();
      expect(await storage.sequences.list(second.id)).toEqual([]);
    });

    it('refuses a second instructor with the same e-mail and keeps none of it', async () => {
      await storage.accounts.create(account('lead@clinic.test'), [], { onlyIfFirst: false });
      const duplicate = account('lead@clinic.test');
      expect(await storage.accounts.create(duplicate, starter, { onlyIfFirst: false })).toBeNull();
      expect(await storage.accounts.count()).toBe(1);
      expect(await storage.sequences.list(duplicate.id)).toEqual([]);
    });
  });

  describe('passwords', () => {
    it('marks an account made with a one-time password, and replacing it signs out the other sessions', async () => {
      const lead = (await storage.accounts.create(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      expect(lead.mustChangePassword).toBe(false);
      const added = (await storage.accounts.create(account('new@clinic.test'), [], { onlyIfFirst: false, mustChangePassword: true }))!;
      expect(await storage.accounts.findByEmail('new@clinic.test')).toMatchObject({ id: added.id, mustChangePassword: true });
      for (const idHash of ['kept', 'other-1', 'other-2']) await storage.sessions.create({ idHash, instructorId: added.id, expiresAt: T0 + 60_000 });
      await storage.sessions.create({ idHash: 'lead', instructorId: lead.id, expiresAt: T0 + 60_000 });

      await storage.accounts.updatePassword(added.id, 'scrypt$new', { mustChangePassword: false, keepSessionIdHash: 'kept' });
      expect(await storage.accounts.findById(added.id)).toMatchObject({ passwordHash: 'scrypt$new', mustChangePassword: false });
      expect(await storage.sessions.find('kept', T0)).toBe(added.id);
      expect(await storage.sessions.find('other-1', T0)).toBeNull();
      expect(await storage.sessions.find('other-2', T0)).toBeNull();
      expect(await storage.sessions.find('lead', T0)).toBe(lead.id);
    });
  });

  describe('sessions', () => {
    it('finds a session until it expires, and not after it is deleted', async () => {
      const instructor = (await storage.accounts.create(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      await storage.sessions.create({ idHash: 'hash-1', instructorId: instructor.id, expiresAt: T0 + 60_000 });

      expect(await storage.sessions.find('hash-1', T0)).toBe(instructor.id);
      expect(await storage.sessions.find('hash-1', T0 + 59_999)).toBe(instructor.id);
      expect(await storage.sessions.find('hash-1', T0 + 60_000)).toBeNull();
      expect(await storage.sessions.find('hash-unknown', T0)).toBeNull();

      await storage.sessions.delete('hash-1');
      expect(await storage.sessions.find('hash-1', T0)).toBeNull();
    });
  });

  describe('sequences', () => {
    it("shows an instructor their own sequences only", async () => {
      const { instructor, sequence } = await instructorWithClass();
      const other = (await storage.accounts.create(account('other@clinic.test'), starter.slice(1), { onlyIfFirst: false }))!;

      expect(await storage.sequences.get(sequence.id, instructor.id)).toEqual(sequence);
      expect(await storage.sequences.get(sequence.id, other.id)).toBeNull();
      expect((await storage.sequences.list(other.id)).map((s) => s.title)).toEqual(['Shoulders']);
      expect(typeof sequence.createdAt).toBe('number');
    });

    it('creates, replaces whole and deletes a sequence, for its owner only; its classes keep their snapshot', async () => {
      const { instructor, sequence, record } = await instructorWithClass();
      const other = (await storage.accounts.create(account('other@clinic.test'), [], { onlyIfFirst: false }))!;
      const input: SequenceInput = { title: 'Čelist', language: 'cs', cues: [cues[1]!, cues[0]!] };

      const created = await storage.sequences.create(instructor.id, input, T0 + 5);
      expect(created).toEqual({ id: created.id, ...input, createdAt: T0 + 5, updatedAt: T0 + 5 });
      expect(await storage.sequences.get(created.id, instructor.id)).toEqual(created);
      expect((await storage.sequences.list(instructor.id)).at(-1)).toEqual(created);

      const replaced = { title: 'Jaw', language: 'en' as const, cues: [cues[2]!] };
      expect(await storage.sequences.update(sequence.id, other.id, replaced, T0 + 6)).toBeNull();
      expect(await storage.sequences.update(sequence.id, instructor.id, replaced, T0 + 6)).toEqual({
        id: sequence.id,
        ...replaced,
        createdAt: sequence.createdAt,
        updatedAt: T0 + 6,
      });
      expect((await storage.classes.get(record.id))?.cues).toEqual(cues);

      expect(await storage.sequences.delete(sequence.id, other.id)).toBe(false);
      expect(await storage.sequences.delete(sequence.id, instructor.id)).toBe(true);
      expect(await storage.sequences.delete(sequence.id, instructor.id)).toBe(false);
      expect(await storage.sequences.get(sequence.id, instructor.id)).toBeNull();
      expect(await storage.classes.get(record.id)).toMatchObject({ sequenceId: sequence.id, cues });
    });
  });

  describe('classes', () => {
    it('creates a class in the lobby and reads it back whole, times as numbers', async () => {
      const { instructor, sequence, record } = await instructorWithClass();
      expect(record).toMatchObject({ status: 'lobby', cueIndex: -1, revision: 0 });

      const read = await storage.classes.get(record.id);
      expect(read).toEqual(record);
      expect(read).toMatchObject({ instructorId: instructor.id, sequenceId: sequence.id, code: 'K7M2QX', cues, createdAt: T0 });
      expect(await storage.classes.get(randomUUID())).toBeNull();
    });

    it('finds a class by code, preferring one that has not ended over a newer ended one', async () => {
      const { instructor, sequence, record: newer } = await instructorWithClass({ createdAt: T0 + 30 });
      await storage.classes.updateRun(newer.id, 0, transition(newer, { status: 'ended', cueIndex: -1 }), T0 + 40);
      // Once a class has ended its code may be drawn again.
      const open = await storage.classes.create(newClass(instructor.id, sequence.id, { createdAt: T0 }));
      expect(await storage.classes.findByCode('K7M2QX')).toMatchObject({ id: open.id, status: 'lobby' });
      expect(await storage.classes.findEntryByCode('K7M2QX')).toEqual({ id: open.id, status: 'lobby', feedbackClosesAt: null });

      await storage.classes.updateRun(open.id, 0, transition(open, { status: 'ended', cueIndex: -1 }), T0 + 50);
      expect(await storage.classes.findByCode('K7M2QX')).toMatchObject({ id: newer.id, status: 'ended' });
      expect(await storage.classes.findEntryByCode('K7M2QX')).toEqual({ id: newer.id, status: 'ended', feedbackClosesAt: (await storage.classes.get(newer.id))!.feedbackClosesAt });
      expect(await storage.classes.findByCode('ZZZZZZ')).toBeNull();
      expect(await storage.classes.findEntryByCode('ZZZZZZ')).toBeNull();
    });

    it('knows which codes open classes use, and refuses a second open class with one', async () => {
      const { instructor, sequence, record } = await instructorWithClass();
      expect(await storage.classes.isCodeInUse('K7M2QX')).toBe(true);
      expect(await storage.classes.isCodeInUse('P3R4ST')).toBe(false);
      await expect(storage.classes.create(newClass(instructor.id, sequence.id))).rejects.toThrow();

      await storage.classes.updateRun(record.id, 0, transition(record, { status: 'ended', cueIndex: -1 }), T0 + 1);
      expect(await storage.classes.isCodeInUse('K7M2QX')).toBe(false);
    });

    it("lists an instructor's own classes, newest first", async () => {
      const { instructor, sequence, record: older } = await instructorWithClass({ createdAt: T0 });
      const newer = await storage.classes.create(newClass(instructor.id, sequence.id, { code: 'P3R4ST', createdAt: T0 + 1 }));
      await instructorWithClass({ code: 'H9J8KL' });
      expect((await storage.classes.list(instructor.id)).map((c) => c.id)).toEqual([newer.id, older.id]);
    });

    it('writes a transition made against the current revision and refuses a stale one', async () => {
      const { record } = await instructorWithClass();
      const started = transition(record, { status: 'running', cueIndex: 0 });
      expect(await storage.classes.updateRun(record.id, 0, started, T0 + 1)).toBe(true);
      expect(await storage.classes.get(record.id)).toMatchObject({ status: 'running', cueIndex: 0, revision: 1 });

      // A second tablet still at revision 0 taps Next: refused, nothing written.
      expect(await storage.classes.updateRun(record.id, 0, transition(record, { status: 'running', cueIndex: 1 }), T0 + 2)).toBe(false);
      expect(await storage.classes.get(record.id)).toMatchObject({ status: 'running', cueIndex: 0, revision: 1 });
      expect(await storage.classes.updateRun(randomUUID(), 0, started, T0 + 3)).toBe(false);
    });

    it('reads the run state without the cues, with how many cues there are', async () => {
      const { record } = await instructorWithClass();
      expect(await storage.classes.getRun(record.id)).toEqual({ id: record.id, status: 'lobby', cueIndex: -1, revision: 0, maxCueIndexReached: -1 });
      await storage.classes.updateRun(record.id, 0, transition(record, { status: 'running', cueIndex: 0 }), T0 + 1);
      await storage.classes.updateRun(record.id, 1, { ...transition(record, { status: 'running', cueIndex: 2 }), revision: 2, maxCueIndexReached: 2 }, T0 + 2);
      await storage.classes.updateRun(record.id, 2, { ...transition(record, { status: 'paused', cueIndex: 1 }), revision: 3, maxCueIndexReached: 2 }, T0 + 3);
      expect(await storage.classes.getRun(record.id)).toEqual({ id: record.id, status: 'paused', cueIndex: 1, revision: 3, maxCueIndexReached: 2 });
      expect(await storage.classes.getRun(randomUUID())).toBeNull();
    });

    it('lets exactly one of several simultaneous transitions from the same revision through', async () => {
      const { record } = await instructorWithClass();
      const results = await Promise.all(
        [0, 1, 2, 3].map((cueIndex) => storage.classes.updateRun(record.id, 0, transition(record, { status: 'running', cueIndex }), T0 + 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await storage.classes.get(record.id)).toMatchObject({ cueIndex: winner, revision: 1 });
    });
  });

  describe('cues added during a class', () => {
    /** A class that ran cues 0, 1 and 2 and went back to 1 (revision 4), with flags on cues 0 and 2. */
    async function classBackOnCue1() {
      const made = await instructorWithClass();
      let record = made.record;
      for (const cueIndex of [0, 1, 2, 1]) {
        const update = { ...transition(record, { status: 'running', cueIndex }), maxCueIndexReached: Math.max(record.maxCueIndexReached, cueIndex) };
        expect(await storage.classes.updateRun(record.id, record.revision, update, T0 + 10 * (record.revision + 1))).toBe(true);
        record = (await storage.classes.get(record.id))!;
      }
      const a = (await join(record.id, 'token-a', T0)).id;
      const b = (await join(record.id, 'token-b', T0)).id;
      await storage.flags.insert(flag(record.id, a, 0, 'tension', { region: 'neck' }), 20);
      await storage.flags.insert(flag(record.id, a, 2, 'relief', { region: 'jaw', strength: 2 }), 1);
      await storage.flags.insert(flag(record.id, b, 2, 'tension'), 20);
      return { ...made, record, a, b };
    }

    /** `record`'s cues with `text` added after cue `at - 1`, and the run update that adds it (Show next). */
    function addition(record: ClassRecord, at: number, text = 'Soften the neck'): ClassRunUpdate {
      const cuesWith = [...record.cues.slice(0, at), { text, regions: [], isAdded: true as const }, ...record.cues.slice(at)];
      const maxCueIndexReached = record.maxCueIndexReached >= at ? record.maxCueIndexReached + 1 : record.maxCueIndexReached;
      return { ...transition(record, { status: record.status, cueIndex: record.cueIndex }), maxCueIndexReached, added: { cues: cuesWith, insertedAt: at } };
    }

    it('stores the cue in the snapshot and moves everything kept per cue from its place on one place down, with the revision', async () => {
      const { record, a } = await classBackOnCue1();
      const update = addition(record, 2);
      expect(await storage.classes.updateRun(record.id, record.revision - 1, update, T0 + 100)).toBe(false);
      expect((await storage.classes.get(record.id))!.cues).toHaveLength(3);

      expect(await storage.classes.updateRun(record.id, record.revision, update, T0 + 100)).toBe(true);
      const stored = (await storage.classes.get(record.id))!;
      expect(stored.cues.map((c) => [c.text, c.isAdded ?? false])).toEqual([
        [cues[0]!.text, false],
        [cues[1]!.text, false],
        ['Soften the neck', true],
        [cues[2]!.text, false],
      ]);
      expect(stored).toMatchObject({ cueIndex: 1, revision: 5, maxCueIndexReached: 3 });
      // The flags of the old cue 2 are cue 3's now: the tallies, the regions, the raw figures, the transition log.
      expect(await storage.flags.tally(record.id)).toEqual([
        { cueIndex: 0, tension: 1, relief: 0, participants: 1 },
        { cueIndex: 3, tension: 1, relief: 1, participants: 2 },
      ]);
      expect(await storage.flags.tallyRegions(record.id, 3)).toEqual({ jaw: { tension: 0, relief: 1 } });
      expect(await storage.flags.tallyRegions(record.id, 2)).toEqual({});
      expect((await storage.flags.figures(record.id)).groups.map((g) => g.cueIndex).sort()).toEqual([0, 3, 3]);
      expect((await storage.classes.listTransitions(record.id)).map((t) => t.cueIndex)).toEqual([0, 1, 3, 1, 1]);
      // The per-participant cap moved with its cue: participant a sent the one flag cue 3 allows them, the new cue 2 none.
      expect(await insertStatus(flag(record.id, a, 3, 'tension'), 1)).toBe('capped');
      expect(await insertStatus(flag(record.id, a, 2, 'tension'), 1)).toBe('stored');
      expect(await storage.flags.tally(record.id)).toContainEqual({ cueIndex: 2, tension: 1, relief: 0, participants: 1 });
    });

    it('moves archived figures too, and never the lobby’s place in the transition log', async () => {
      const { record } = await classBackOnCue1();
      const before = await storage.flags.figures(record.id);
      await storage.archive.archiveFlags(record.id, T0 + 100_000);
      expect(await storage.classes.updateRun(record.id, record.revision, addition(record, 0), T0 + 200)).toBe(true);
      const after = await storage.flags.figures(record.id);
      expect(after.cues).toEqual(before.cues.map((c) => ({ ...c, cueIndex: c.cueIndex + 1 })));
      expect(after.groups.map((g) => g.cueIndex).sort()).toEqual(before.groups.map((g) => g.cueIndex + 1).sort());

      const ended = await instructorWithClass({ code: 'E3N4DX' });
      const endedInLobby = transition(ended.record, { status: 'ended', cueIndex: -1 });
      expect(await storage.classes.updateRun(ended.record.id, 0, endedInLobby, T0 + 1)).toBe(true);
      const later = (await storage.classes.get(ended.record.id))!;
      expect(await storage.classes.updateRun(later.id, later.revision, addition(later, 0), T0 + 2)).toBe(true);
      expect((await storage.classes.listTransitions(later.id)).map((t) => t.cueIndex)).toEqual([-1, -1]);
    });

    it('keeps an added cue in the sequence once, with a new version, and writes nothing when either had changed', async () => {
      const { record, sequence, instructor } = await classBackOnCue1();
      expect(await storage.classes.updateRun(record.id, record.revision, addition(record, 2), T0 + 100)).toBe(true);
      const withCue = (await storage.classes.get(record.id))!;
      const found = (await storage.clinic.findSequence(sequence.id))!;
      const classCues = withCue.cues.map((c, i) => (i === 2 ? { ...c, isKept: true as const } : c));
      const sequenceCues = [...found.cues.slice(0, 2), { text: 'Soften the neck', regions: [] }, ...found.cues.slice(2)];
      const change = {
        classId: record.id,
        expectedClassCues: withCue.cues,
        classCues,
        sequenceId: sequence.id,
        instructorId: instructor.id,
        expectedVersion: found.version,
        sequenceCues,
        now: T0 + 500,
      };
      // The sequence moved on meanwhile: nothing written, the class's cue not marked either.
      expect(await storage.classes.keepCue({ ...change, expectedVersion: found.version + 1 })).toBeNull();
      expect((await storage.classes.get(record.id))!.cues).toEqual(withCue.cues);
      expect((await storage.clinic.findSequence(sequence.id))!.cues).toEqual(found.cues);
      // Another instructor cannot write into it.
      expect(await storage.classes.keepCue({ ...change, instructorId: randomUUID() })).toBeNull();

      expect(await storage.classes.keepCue(change)).toBe(found.version + 1);
      expect((await storage.classes.get(record.id))!.cues[2]).toMatchObject({ isAdded: true, isKept: true });
      expect(await storage.clinic.findSequence(sequence.id)).toMatchObject({ version: found.version + 1, cues: sequenceCues, updatedAt: T0 + 500 });
      // A second keep made from the same view finds the class changed: nothing written twice.
      expect(await storage.classes.keepCue({ ...change, expectedVersion: found.version + 1 })).toBeNull();
      expect((await storage.clinic.findSequence(sequence.id))!.cues).toHaveLength(4);
    });
  });

  describe('participants', () => {
    it('adds a participant once per token: a reload finds the same one', async () => {
      const { record } = await instructorWithClass();
      const first = await join(record.id, 'token-hash-a', T0);
      expect(first.isNew).toBe(true);
      expect(await join(record.id, 'token-hash-a', T0 + 5)).toEqual({ id: first.id, isNew: false });

      const second = await join(record.id, 'token-hash-b', T0 + 6);
      expect(second).toMatchObject({ isNew: true });
      expect(second.id).not.toBe(first.id);
      expect(await storage.participants.count(record.id)).toBe(2);
    });

    it('keeps one participant when the same phone joins over several connections at once', async () => {
      const { record } = await instructorWithClass();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => join(record.id, 'token-hash-a', T0)));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.isNew)).toHaveLength(1);
      expect(await storage.participants.count(record.id)).toBe(1);
    });

    it('counts participants per class', async () => {
      const { record } = await instructorWithClass();
      const { record: other } = await instructorWithClass({ code: 'P3R4ST' });
      await join(record.id, 'token-hash-a', T0);
      await join(other.id, 'token-hash-a', T0);
      await join(other.id, 'token-hash-b', T0);
      expect(await storage.participants.count(record.id)).toBe(1);
      expect(await storage.participants.count(other.id)).toBe(2);
      expect(await storage.participants.count(randomUUID())).toBe(0);
    });
  });

  describe('flags', () => {
    it('stores a flag once: a repeated delivery of its id is refused', async () => {
      const { record } = await instructorWithClass();
      const { id: participantId } = await join(record.id, 'token-hash-a', T0);
      const tap = flag(record.id, participantId, 0, 'tension', { region: 'neck', strength: 2 });

      // What it changed, for a process that holds the class's tally in memory.
      expect(await storage.flags.insert(tap, 20)).toEqual({
        status: 'stored',
        change: { type: 'counted', cueIndex: 0, kind: 'tension', region: 'neck', createdAt: tap.createdAt, isFirstOfParticipant: true },
      });
      expect(await insertStatus(tap, 20)).toBe('duplicate');
      expect(await insertStatus({ ...tap, kind: 'relief' }, 20)).toBe('duplicate');
      expect(await storage.flags.tally(record.id)).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]);
    });

    it('keeps one flag when the same delivery arrives over several connections at once', async () => {
      const { record } = await instructorWithClass();
      const { id: participantId } = await join(record.id, 'token-hash-a', T0);
      const tap = flag(record.id, participantId, 0, 'relief');
      const results = await Promise.all([1, 2, 3, 4].map(() => storage.flags.insert(tap, 20)));
      expect(results.filter((r) => r.status === 'stored')).toHaveLength(1);
      expect(await storage.flags.tally(record.id)).toEqual([{ cueIndex: 0, tension: 0, relief: 1, participants: 1 }]);
    });

    it('tallies per cue: tension, relief and how many participants they come from, as numbers', async () => {
      const { record } = await instructorWithClass();
      const { record: other } = await instructorWithClass({ code: 'P3R4ST' });
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const b = (await join(record.id, 'token-hash-b', T0)).id;
      const elsewhere = (await join(other.id, 'token-hash-a', T0)).id;
      expect(await storage.flags.tally(record.id)).toEqual([]);

      for (const tap of [
        flag(record.id, a, 0, 'tension'),
        flag(record.id, a, 0, 'tension', { region: 'neck' }),
        flag(record.id, b, 0, 'relief', { strength: 3 }),
        flag(record.id, b, 2, 'relief'),
        flag(other.id, elsewhere, 0, 'tension'),
      ]) {
        expect(await insertStatus(tap, 20)).toBe('stored');
      }

      expect(await storage.flags.tally(record.id)).toEqual([
        { cueIndex: 0, tension: 2, relief: 1, participants: 2 },
        { cueIndex: 2, tension: 0, relief: 1, participants: 1 },
      ]);
      expect(await storage.flags.tally(other.id)).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]);
    });
  });
  describe('live tallies, detail, undo, caps', () => {
    /** Raw truth recomputed from scratch: what the aggregates must always equal. */
    async function expectTalliesMatchFigures(classId: string) {
      const figures = await storage.flags.figures(classId);
      expect(await storage.flags.tally(classId)).toEqual(figures.cues);
      for (const cueIndex of new Set(figures.groups.map((g) => g.cueIndex))) {
        const regions: Record<string, { tension: number; relief: number }> = {};
        for (const g of figures.groups.filter((x) => x.cueIndex === cueIndex && x.region !== null)) {
          const r = (regions[g.region!] ??= { tension: 0, relief: 0 });
          r[g.kind] += g.flags;
        }
        expect(await storage.flags.tallyRegions(classId, cueIndex)).toEqual(regions);
      }
    }

    it('moves a flag between region tallies with its detail, for its own participant only', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const b = (await join(record.id, 'token-hash-b', T0)).id;
      const tap = flag(record.id, a, 0, 'tension');
      expect(await insertStatus(tap, 20)).toBe('stored');
      expect(await storage.flags.tallyRegions(record.id, 0)).toEqual({});

      expect(await storage.flags.updateDetail(tap.flagId, b, { region: 'jaw' })).toBeNull();
      expect(await storage.flags.updateDetail(tap.flagId, a, { region: 'neck', strength: 2 })).toEqual({ type: 'moved', cueIndex: 0, kind: 'tension', from: null, to: 'neck' });
      expect(await storage.flags.tallyRegions(record.id, 0)).toEqual({ neck: { tension: 1, relief: 0 } });
      expect(await storage.flags.updateDetail(tap.flagId, a, { region: 'jaw' })).toEqual({ type: 'moved', cueIndex: 0, kind: 'tension', from: 'neck', to: 'jaw' });
      expect(await storage.flags.tallyRegions(record.id, 0)).toEqual({ jaw: { tension: 1, relief: 0 } });
      expect(await storage.flags.tallyRegions(record.id, 1)).toEqual({});
      expect(await storage.flags.updateDetail(randomUUID(), a, { region: 'jaw' })).toBeNull();
      await expectTalliesMatchFigures(record.id);
    });

    it('keeps the region tallies exact when details of one flag race each other', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const tap = flag(record.id, a, 0, 'relief', { region: 'neck' });
      await storage.flags.insert(tap, 20);
      const regions = ['jaw', 'neck', 'shoulder-left', 'shoulder-right', 'jaw', 'neck'] as const;
      await Promise.all(regions.map((region) => storage.flags.updateDetail(tap.flagId, a, { region })));
      const tally = await storage.flags.tallyRegions(record.id, 0);
      expect(Object.values(tally)).toEqual([{ tension: 0, relief: 1 }]);
      await expectTalliesMatchFigures(record.id);
    });

    it('undoes a recent flag of one’s own: off the tallies, and a re-delivery stays undone (tombstone)', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const b = (await join(record.id, 'token-hash-b', T0)).id;
      const first = flag(record.id, a, 0, 'tension', { region: 'neck' });
      const second = flag(record.id, a, 0, 'relief');
      const other = flag(record.id, b, 0, 'tension');
      for (const tap of [first, second, other]) expect(await insertStatus(tap, 20)).toBe('stored');
      expect(await storage.flags.tally(record.id)).toEqual([{ cueIndex: 0, tension: 2, relief: 1, participants: 2 }]);

      expect(await storage.flags.undo(first.flagId, b, T0)).toBeNull(); // not b's
      expect(await storage.flags.undo(first.flagId, a, T0 + 2000)).toBeNull(); // stored before the window
      expect(await storage.flags.undo(first.flagId, a, T0)).toEqual({
        type: 'undone',
        cueIndex: 0,
        kind: 'tension',
        region: 'neck',
        createdAt: first.createdAt,
        wasLastOfParticipant: false,
      });
      expect(await storage.flags.undo(first.flagId, a, T0)).toBeNull();
      expect(await storage.flags.tally(record.id)).toEqual([{ cueIndex: 0, tension: 1, relief: 1, participants: 2 }]);
      expect(await storage.flags.tallyRegions(record.id, 0)).toEqual({});
      // The same id delivered again (a retry from an outbox) is a duplicate, never stored again.
      expect(await insertStatus(first, 20)).toBe('duplicate');
      expect(await storage.flags.undo(second.flagId, a, T0)).toMatchObject({ type: 'undone', wasLastOfParticipant: true });
      // a has no flag left on cue 0: one participant fewer.
      expect(await storage.flags.tally(record.id)).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]);
      expect(await storage.flags.undo(other.flagId, b, T0)).toMatchObject({ type: 'undone', wasLastOfParticipant: true });
      expect(await storage.flags.tally(record.id)).toEqual([]);
      await expectTalliesMatchFigures(record.id);
    });

    it('refuses a participant’s flag past the cap on one cue and writes nothing; undo does not refill it', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const taps = Array.from({ length: 4 }, () => flag(record.id, a, 0, 'tension'));
      for (const tap of taps.slice(0, 3)) expect(await insertStatus(tap, 3)).toBe('stored');
      expect(await insertStatus(taps[3]!, 3)).toBe('capped');
      expect(await storage.flags.undo(taps[0]!.flagId, a, T0)).not.toBeNull();
      expect(await insertStatus(taps[3]!, 3)).toBe('capped');
      // Another cue has its own cap.
      expect(await insertStatus(flag(record.id, a, 1, 'relief'), 3)).toBe('stored');
      expect(await storage.flags.tally(record.id)).toEqual([
        { cueIndex: 0, tension: 2, relief: 0, participants: 1 },
        { cueIndex: 1, tension: 0, relief: 1, participants: 1 },
      ]);
      expect((await storage.flags.figures(record.id)).groups.reduce((n, g) => n + g.flags, 0)).toBe(3);
    });

    it('keeps the tallies exact under concurrent flags, details and undos from many participants', async () => {
      const { record } = await instructorWithClass();
      const people = await Promise.all(Array.from({ length: 12 }, (_, i) => join(record.id, `token-hash-${i}`, T0)));
      const taps = people.flatMap(({ id }, i) =>
        Array.from({ length: 5 }, (_, k) => flag(record.id, id, (i + k) % 3, k % 2 ? 'relief' : 'tension', { region: k % 3 ? 'neck' : undefined })),
      );
      await Promise.all(taps.map((tap) => storage.flags.insert(tap, 20)));
      await Promise.all([
        ...taps.filter((_, i) => i % 4 === 0).map((tap) => storage.flags.undo(tap.flagId, tap.participantId, T0)),
        ...taps.filter((_, i) => i % 4 === 1).map((tap) => storage.flags.updateDetail(tap.flagId, tap.participantId, { region: 'jaw' })),
        ...taps.filter((_, i) => i % 4 === 0).map((tap) => storage.flags.insert(tap, 20)),
      ]);
      await expectTalliesMatchFigures(record.id);
      const standing = (await storage.flags.tally(record.id)).reduce((n, c) => n + c.tension + c.relief, 0);
      expect(standing).toBe(taps.length - taps.filter((_, i) => i % 4 === 0).length);
    });

    it('counts flags per second in the trend window, oldest first, seconds without flags left out', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      for (const [kind, at] of [
        ['tension', T0 + 1_000],
        ['relief', T0 + 1_500],
        ['tension', T0 + 3_200],
        ['tension', T0 - 40_000],
      ] as const) {
        await storage.flags.insert(flag(record.id, a, 0, kind, { createdAt: at }), 20);
      }
      expect(await storage.flags.perSecond(record.id, T0 - 30_000)).toEqual([
        { second: (T0 + 1_000) / 1000, tension: 1, relief: 1 },
        { second: (T0 + 3_000) / 1000, tension: 1, relief: 0 },
      ]);
      expect(await storage.flags.perSecond(randomUUID(), T0)).toEqual([]);
    });

    it('takes participants up to the cap and no more, counting only those it took', async () => {
      const { record } = await instructorWithClass();
      const joined = await Promise.all(Array.from({ length: 6 }, (_, i) => storage.participants.upsert(record.id, `token-hash-${i}`, T0, 4)));
      expect(joined.filter((j) => j !== null)).toHaveLength(4);
      expect(await storage.participants.count(record.id)).toBe(4);
      // Someone already in comes back even when the class is full.
      const back = joined.find((j) => j !== null)!;
      const index = joined.indexOf(back);
      expect(await storage.participants.upsert(record.id, `token-hash-${index}`, T0, 4)).toEqual({ id: back.id, isNew: false });
    });

    it('keeps the highest cue shown, and lists running and paused classes only', async () => {
      const { record } = await instructorWithClass();
      const { record: lobby } = await instructorWithClass({ code: 'P3R4ST' });
      expect(record.maxCueIndexReached).toBe(-1);
      await storage.classes.updateRun(record.id, 0, { ...transition(record, { status: 'running', cueIndex: 2 }), maxCueIndexReached: 2 }, T0 + 1);
      const moved = (await storage.classes.get(record.id))!;
      await storage.classes.updateRun(record.id, 1, { ...transition(moved, { status: 'paused', cueIndex: 0 }), maxCueIndexReached: 2 }, T0 + 2);
      expect(await storage.classes.get(record.id)).toMatchObject({ cueIndex: 0, maxCueIndexReached: 2, status: 'paused' });
      const active = await storage.classes.listActive();
      expect(active.map((c) => c.id)).toEqual([record.id]);
      expect(active.map((c) => c.id)).not.toContain(lobby.id);
    });
  });

  describe('alerts', () => {
    it('raises an alert once, one open alert per participant, and tells a repeat whether it was seen', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const b = (await join(record.id, 'token-hash-b', T0)).id;
      const first = randomUUID();
      expect(await storage.alerts.raise({ alertId: first, classId: record.id, participantId: a, createdAt: T0 + 1 })).toEqual({ status: 'raised' });
      expect(await storage.alerts.raise({ alertId: first, classId: record.id, participantId: a, createdAt: T0 + 2 })).toEqual({ status: 'duplicate', isSeen: false });
      expect(await storage.alerts.raise({ alertId: randomUUID(), classId: record.id, participantId: a, createdAt: T0 + 3 })).toEqual({ status: 'already_open' });
      const second = randomUUID();
      expect(await storage.alerts.raise({ alertId: second, classId: record.id, participantId: b, createdAt: T0 + 4 })).toEqual({ status: 'raised' });
      expect(await storage.alerts.listOpen(record.id)).toEqual([
        { alertId: first, createdAt: T0 + 1 },
        { alertId: second, createdAt: T0 + 4 },
      ]);

      expect(await storage.alerts.acknowledge(record.id, first, T0 + 10)).toBe(true);
      expect(await storage.alerts.acknowledge(record.id, first, T0 + 11)).toBe(false);
      expect(await storage.alerts.acknowledge(randomUUID(), second, T0 + 11)).toBe(false); // another class's id
      expect(await storage.alerts.raise({ alertId: first, classId: record.id, participantId: a, createdAt: T0 + 12 })).toEqual({ status: 'duplicate', isSeen: true });
      // Seen, so a new one may be raised.
      expect(await storage.alerts.raise({ alertId: randomUUID(), classId: record.id, participantId: a, createdAt: T0 + 13 })).toEqual({ status: 'raised' });
      expect(await storage.alerts.listOpen(record.id)).toHaveLength(2);
    });

    it('lets one of several simultaneous alerts of a participant through', async () => {
      const { record } = await instructorWithClass();
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const results = await Promise.all(
        Array.from({ length: 6 }, () => storage.alerts.raise({ alertId: randomUUID(), classId: record.id, participantId: a, createdAt: T0 })),
      );
      expect(results.filter((r) => r.status === 'raised')).toHaveLength(1);
      expect(await storage.alerts.listOpen(record.id)).toHaveLength(1);
    });

    it('acknowledges all open alerts of a class at once and names them', async () => {
      const { record } = await instructorWithClass();
      const { record: other } = await instructorWithClass({ code: 'P3R4ST' });
      const ids = [];
      for (const t of ['a', 'b', 'c']) {
        const id = randomUUID();
        await storage.alerts.raise({ alertId: id, classId: record.id, participantId: (await join(record.id, t, T0)).id, createdAt: T0 });
        ids.push(id);
      }
      const elsewhere = randomUUID();
      await storage.alerts.raise({ alertId: elsewhere, classId: other.id, participantId: (await join(other.id, 'a', T0)).id, createdAt: T0 });
      expect((await storage.alerts.acknowledgeAll(record.id, T0 + 5)).sort()).toEqual(ids.sort());
      expect(await storage.alerts.listOpen(record.id)).toEqual([]);
      expect(await storage.alerts.acknowledgeAll(record.id, T0 + 6)).toEqual([]);
      expect(await storage.alerts.listOpen(other.id)).toEqual([{ alertId: elsewhere, createdAt: T0 }]);
    });
  });

  // After class (issue 6).
  describe('after class', () => {
    /** A class that ran cue 0, moved to cue 1 and ended at T0 + 30. */
    async function endedClass(overrides: Partial<NewClass> = {}) {
      const made = await instructorWithClass(overrides);
      let record = made.record;
      for (const [change, at] of [
        [{ status: 'running', cueIndex: 0 }, T0 + 10],
        [{ status: 'running', cueIndex: 1 }, T0 + 20],
      ] as const) {
        expect(await storage.classes.updateRun(record.id, record.revision, transition(record, change), at)).toBe(true);
        record = (await storage.classes.get(record.id))!;
      }
      const ending = { ...transition(record, { status: 'ended', cueIndex: 1 }), feedbackClosesAt: T0 + 1_000 };
      expect(await storage.classes.updateRun(record.id, record.revision, ending, T0 + 30)).toBe(true);
      return { ...made, record: (await storage.classes.get(record.id))! };
    }

    it('records when a class ended and its feedback window, and keeps the transition log in order', async () => {
      const { record: open } = await instructorWithClass({ code: 'P3R4ST' });
      expect(open).toMatchObject({ endedAt: null, feedbackClosesAt: null });
      const { record } = await endedClass();
      expect(record).toMatchObject({ status: 'ended', endedAt: T0 + 30, feedbackClosesAt: T0 + 1_000 });
      expect(await storage.classes.listTransitions(record.id)).toEqual([
        { revision: 1, status: 'running', cueIndex: 0, at: T0 + 10 },
        { revision: 2, status: 'running', cueIndex: 1, at: T0 + 20 },
        { revision: 3, status: 'ended', cueIndex: 1, at: T0 + 30 },
      ]);
      expect(await storage.classes.listTransitions(randomUUID())).toEqual([]);
    });

    it('keeps one feedback answer per participant: a second one replaces the first', async () => {
      const { record } = await endedClass();
      const { record: other } = await endedClass({ code: 'P3R4ST' });
      const a = (await join(record.id, 'token-hash-a', T0)).id;
      const b = (await join(record.id, 'token-hash-b', T0)).id;
      const elsewhere = (await join(other.id, 'token-hash-a', T0)).id;
      await storage.feedback.upsert(record.id, a, { feeling: 'same', rating: 2, comment: 'první' });
      await storage.feedback.upsert(record.id, a, { feeling: 'better', rating: 5, comment: null });
      await Promise.all([1, 2, 3].map(() => storage.feedback.upsert(record.id, b, { feeling: 'worse', rating: 1, comment: 'Koleno, "ostře"' })));
      await storage.feedback.upsert(other.id, elsewhere, { feeling: 'same', rating: 3, comment: null });

      const answers = await storage.feedback.list(record.id);
      expect(answers.sort((x, y) => x.rating - y.rating)).toEqual([
        { feeling: 'worse', rating: 1, comment: 'Koleno, "ostře"' },
        { feeling: 'better', rating: 5, comment: null },
      ]);
      expect(await storage.feedback.list(other.id)).toHaveLength(1);
    });

    /** Three participants' flags on cues 0 and 1 of the class, with regions and strengths. */
    async function flagged(classId: string, createdAt: number) {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (t) => (await join(classId, `token-hash-${t}`, T0)).id));
      for (const tap of [
        flag(classId, a!, 0, 'tension', { region: 'neck', strength: 3, createdAt }),
        flag(classId, a!, 0, 'tension', { region: 'neck', strength: 3, createdAt }),
        flag(classId, b!, 0, 'tension', { createdAt }),
        flag(classId, c!, 0, 'relief', { region: 'shoulder-left', strength: 1, createdAt }),
        flag(classId, c!, 1, 'relief', { createdAt }),
      ]) {
        expect(await insertStatus(tap, 20)).toBe('stored');
      }
    }

    const expectedFigures = {
      cues: [
        { cueIndex: 0, tension: 3, relief: 1, participants: 3 },
        { cueIndex: 1, tension: 0, relief: 1, participants: 1 },
      ],
      groups: [
        { cueIndex: 0, kind: 'relief', region: 'shoulder-left', strength: 1, flags: 1 },
        { cueIndex: 0, kind: 'tension', region: null, strength: null, flags: 1 },
        { cueIndex: 0, kind: 'tension', region: 'neck', strength: 3, flags: 2 },
        { cueIndex: 1, kind: 'relief', region: null, strength: null, flags: 1 },
      ],
    };

    it('adds a class’s flags up per cue, and grouped by kind, region and strength', async () => {
      const { record } = await endedClass();
      expect(await storage.flags.figures(record.id)).toEqual({ cues: [], groups: [] });
      await flagged(record.id, T0 + 15);
      expect(await storage.flags.figures(record.id)).toEqual(expectedFigures);
    });

    it('archives old flags: the figures stay the same, the raw flags go, and late flags do not change them', async () => {
      const { record: old } = await endedClass();
      const { record: recent } = await endedClass({ code: 'P3R4ST' });
      await flagged(old.id, T0 + 15);
      await flagged(recent.id, T0 + 5_000);
      expect(await storage.archive.listClassesWithFlagsBefore(T0 + 1_000)).toEqual([old.id]);
      expect((await storage.archive.listClassesWithFlagsBefore(T0 + 10_000)).sort()).toEqual([old.id, recent.id].sort());
      const tallies = await storage.flags.tallyOfClasses([old.id, recent.id]);

      const liveTally = await storage.flags.tally(old.id);
      expect(await storage.archive.archiveFlags(old.id, T0 + 2_000)).toBe(5);
      // The raw flags are gone; the live tally (aggregates) stays what it was.
      expect(await storage.flags.tally(old.id)).toEqual(liveTally);
      expect(await storage.archive.listClassesWithFlagsBefore(T0 + 1_000)).toEqual([]);
      expect(await storage.flags.figures(old.id)).toEqual(expectedFigures);
      expect(await storage.flags.figures(recent.id)).toEqual(expectedFigures);
      const sortTallies = (list: typeof tallies) => [...list].sort((x, y) => x.classId.localeCompare(y.classId) || x.cueIndex - y.cueIndex);
      expect(sortTallies(await storage.flags.tallyOfClasses([old.id, recent.id]))).toEqual(sortTallies(tallies));
      // The regions (what the insights name) stay too, for both classes alike.
      const regions = (classId: string): Awaited<ReturnType<Storage['flags']['regionsOfClasses']>> => [
        { classId, cueIndex: 0, region: 'neck', tension: 2, relief: 0 },
        { classId, cueIndex: 0, region: 'shoulder-left', tension: 0, relief: 1 },
      ];
      const byClass = (list: Awaited<ReturnType<Storage['flags']['regionsOfClasses']>>) => [...list].sort((x, y) => x.classId.localeCompare(y.classId));
      expect(byClass(await storage.flags.regionsOfClasses([old.id, recent.id]))).toEqual(byClass([...regions(old.id), ...regions(recent.id)]));
      expect(await storage.flags.regionsOfClasses([])).toEqual([]);

      // A flag that arrives after the archive is deleted by the next run, never counted.
      const late = (await join(old.id, 'token-hash-late', T0)).id;
      await storage.flags.insert(flag(old.id, late, 2, 'tension', { createdAt: T0 + 20 }), 20);
      expect(await storage.archive.archiveFlags(old.id, T0 + 3_000)).toBe(1);
      expect(await storage.flags.figures(old.id)).toEqual(expectedFigures);
      expect(await storage.archive.archiveFlags(randomUUID(), T0)).toBe(0);
      expect(await storage.flags.tallyOfClasses([])).toEqual([]);
    });

    it('counts distinct participants per cue and kind (insights), from the raw flags only', async () => {
      const { record: old } = await endedClass();
      const { record: recent } = await endedClass({ code: 'P3R4ST' });
      await flagged(old.id, T0 + 15);
      await flagged(recent.id, T0 + 5_000);
      const sorted = (list: Awaited<ReturnType<Storage['flags']['flaggersOfClasses']>>) =>
        [...list].sort((x, y) => x.classId.localeCompare(y.classId) || x.cueIndex - y.cueIndex || x.kind.localeCompare(y.kind));
      // One participant's two tension taps on cue 1 are one participant.
      const counts = (classId: string): Awaited<ReturnType<Storage['flags']['flaggersOfClasses']>> => [
        { classId, cueIndex: 0, kind: 'relief', participants: 1 },
        { classId, cueIndex: 0, kind: 'tension', participants: 2 },
        { classId, cueIndex: 1, kind: 'relief', participants: 1 },
      ];
      expect(sorted(await storage.flags.flaggersOfClasses([old.id, recent.id]))).toEqual(sorted([...counts(old.id), ...counts(recent.id)]));
      await storage.archive.archiveFlags(old.id, T0 + 2_000);
      expect(sorted(await storage.flags.flaggersOfClasses([old.id, recent.id]))).toEqual(counts(recent.id));
      expect(await storage.flags.flaggersOfClasses([])).toEqual([]);
    });

    it('pages through an instructor’s started classes, newest first, with participants and feedback', async () => {
      const { instructor, sequence, record: first } = await endedClass({ createdAt: T0 });
      const a = (await join(first.id, 'token-hash-a', T0)).id;
      const b = (await join(first.id, 'token-hash-b', T0)).id;
      await storage.feedback.upsert(first.id, a, { feeling: 'better', rating: 5, comment: null });
      await storage.feedback.upsert(first.id, b, { feeling: 'same', rating: 2, comment: null });
      const later = [];
      for (const [i, code] of ['P3R4ST', 'H9J8KL', 'M4N5PQ'].entries()) {
        const created = await storage.classes.create(newClass(instructor.id, sequence.id, { code, createdAt: T0 + 100 + i }));
        await storage.classes.updateRun(created.id, 0, transition(created, { status: 'running', cueIndex: 0 }), T0 + 200);
        later.push(created.id);
      }
      await storage.classes.create(newClass(instructor.id, sequence.id, { code: 'R2S3TV', createdAt: T0 + 999 })); // still in the lobby
      await endedClass({ code: 'W2X3YZ' }); // another instructor's

      const page1 = await storage.classes.listHistory(instructor.id, { limit: 3, offset: 0 });
      expect(page1.total).toBe(4);
      expect(page1.items.map((o) => o.record.id)).toEqual([...later].reverse());
      const page2 = await storage.classes.listHistory(instructor.id, { limit: 3, offset: 3 });
      expect(page2.items).toEqual([{ record: first, participants: 2, feedbackAnswers: 2, feedbackRatingSum: 7 }]);
      expect(page1.items[0]).toMatchObject({ participants: 0, feedbackAnswers: 0, feedbackRatingSum: 0 });

      const ofSequence = await storage.classes.listOfSequence(instructor.id, sequence.id, 2);
      expect(ofSequence.map((o) => o.record.id)).toEqual(later.slice(1));
      expect(await storage.classes.listOfSequence(instructor.id, randomUUID(), 10)).toEqual([]);
    });

    it('keeps each instructor’s summary threshold, 3 until changed', async () => {
      const { instructor } = await instructorWithClass();
      expect(await storage.accounts.getSummarySettings(instructor.id)).toEqual({ summaryThreshold: 3 });
      await storage.accounts.updateSummarySettings(instructor.id, { summaryThreshold: 5 });
      expect(await storage.accounts.getSummarySettings(instructor.id)).toEqual({ summaryThreshold: 5 });
      expect(await storage.accounts.getSummarySettings(randomUUID())).toBeNull();
    });

    it('knows which cues each class showed, and its flags per cue, kind and second until they are archived', async () => {
      const { record } = await endedClass();
      const other = await endedClass({ code: 'Q7R8ST' });
      expect((await storage.classes.reachedCuesOf([record.id, other.record.id])).sort((a, b) => a.classId.localeCompare(b.classId) || a.cueIndex - b.cueIndex)).toEqual(
        [record.id, other.record.id].sort().flatMap((classId) => [{ classId, cueIndex: 0 }, { classId, cueIndex: 1 }]),
      );
      expect(await storage.classes.reachedCuesOf([])).toEqual([]);
      const a = (await join(record.id, 'token-a', T0)).id;
      const b = (await join(record.id, 'token-b', T0)).id;
      await storage.flags.insert(flag(record.id, a, 0, 'tension', { createdAt: T0 + 11_000 }), 20);
      await storage.flags.insert(flag(record.id, b, 0, 'tension', { createdAt: T0 + 11_500 }), 20);
      await storage.flags.insert(flag(record.id, b, 1, 'relief', { createdAt: T0 + 21_000 }), 20);
      const seconds = (await storage.flags.secondsByCue(record.id))!.sort((x, y) => x.cueIndex - y.cueIndex);
      expect(seconds).toEqual([
        { cueIndex: 0, kind: 'tension', second: Math.floor((T0 + 11_000) / 1000), flags: 2 },
        { cueIndex: 1, kind: 'relief', second: Math.floor((T0 + 21_000) / 1000), flags: 1 },
      ]);
      await storage.archive.archiveFlags(record.id, T0 + 100_000);
      expect(await storage.flags.secondsByCue(record.id)).toBeNull();
      expect(await storage.flags.secondsByCue(randomUUID())).toBeNull();
    });

    it('finds a participant by token without adding one', async () => {
      const { record } = await instructorWithClass();
      expect(await storage.participants.findId(record.id, 'token-x')).toBeNull();
      const joined = await join(record.id, 'token-x', T0);
      expect(await storage.participants.findId(record.id, 'token-x')).toBe(joined.id);
      expect(await storage.participants.count(record.id)).toBe(1);
    });
  });

  describe('clinic', () => {
    it('makes the first account the lead, keeps an active lead whatever is changed, and ends a deactivated account’s sessions', async () => {
      const lead = (await storage.accounts.create(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      const other = (await storage.accounts.create(account('ana@clinic.test', T0 + 1), [], { onlyIfFirst: false }))!;
      expect([lead.role, other.role]).toEqual(['lead', 'instructor']);
      expect(await storage.clinic.setRole(lead.id, 'instructor')).toBe('last_lead');
      expect(await storage.clinic.setActive(lead.id, false)).toBe('last_lead');
      expect(await storage.clinic.setRole(randomUUID(), 'lead')).toBe('not_found');
      await storage.sessions.create({ idHash: 'ana-session', instructorId: other.id, expiresAt: T0 + 1e9 });
      expect(await storage.clinic.setActive(other.id, false)).toBe('ok');
      expect(await storage.sessions.find('ana-session', T0)).toBeNull();
      expect((await storage.accounts.findById(other.id))!.isActive).toBe(false);
      expect(await storage.clinic.setActive(other.id, true)).toBe('ok');
      expect(await storage.clinic.setRole(other.id, 'lead')).toBe('ok');
      expect(await storage.clinic.setRole(lead.id, 'instructor')).toBe('ok');
      await storage.clinic.recordSignIn(other.id, T0 + 5);
      expect((await storage.clinic.listAccounts()).map((a) => [a.email, a.role, a.isActive, a.lastSignInAt])).toEqual([
        ['lead@clinic.test', 'instructor', true, null],
        ['ana@clinic.test', 'lead', true, T0 + 5],
      ]);
      await storage.sessions.create({ idHash: 'lead-session', instructorId: lead.id, expiresAt: T0 + 1e9 });
      expect(await storage.clinic.resetPassword(lead.id, 'new-hash')).toBe(true);
      expect(await storage.sessions.find('lead-session', T0)).toBeNull();
      expect(await storage.accounts.findById(lead.id)).toMatchObject({ passwordHash: 'new-hash', mustChangePassword: true });
      expect(await storage.clinic.resetPassword(randomUUID(), 'x')).toBe(false);
      expect(await storage.clinic.getThreshold()).toBe(3);
      await storage.clinic.setThreshold(6);
      expect(await storage.clinic.getThreshold()).toBe(6);
    });

    it('holds the library apart from own sequences: seeded once from unchanged copies, copied, edited with a version, retired', async () => {
      const lead = (await storage.accounts.create(account('lead@clinic.test'), starter, { onlyIfFirst: true }))!;
      const [copy] = await storage.sequences.list(lead.id);
      const classOfCopy = await storage.classes.create(newClass(lead.id, copy!.id));
      await storage.clinic.seedLibrary(lead.id, starter, T0);
      await storage.clinic.seedLibrary(lead.id, starter, T0);
      const library = await storage.clinic.listLibrary();
      expect(library.map((s) => [s.title, s.isLibrary, s.version])).toEqual(starter.map((s) => [s.title, true, 1]));
      expect(await storage.sequences.list(lead.id)).toEqual([]);
      expect((await storage.classes.get(classOfCopy.id))!.sequenceId).toBe(library[0]!.id);
      expect(await storage.sequences.get(library[0]!.id, lead.id)).toBeNull();

      const mine = await storage.clinic.copyToOwn(lead.id, library[0]!, T0 + 1);
      expect(await storage.sequences.list(lead.id)).toEqual([expect.objectContaining({ id: mine.id, title: library[0]!.title })]);
      expect(await storage.clinic.findSequence(mine.id)).toMatchObject({ isLibrary: false, sourceId: library[0]!.id, version: 1 });
      const edited = await storage.clinic.updateLibrarySequence(library[0]!.id, { ...starter[0]!, title: 'Edited' }, T0 + 2);
      expect(edited).toMatchObject({ title: 'Edited', version: 2 });
      expect(await storage.clinic.updateLibrarySequence(mine.id, starter[0]!, T0 + 2)).toBeNull();
      const shared = await storage.clinic.createLibrarySequence(lead.id, starter[0]!, mine.id, T0 + 3);
      expect(await storage.clinic.retireLibrarySequence(shared.id, T0 + 4)).toBe(true);
      expect(await storage.clinic.retireLibrarySequence(shared.id, T0 + 5)).toBe(false);
      expect((await storage.clinic.listLibrary()).map((s) => s.id)).not.toContain(shared.id);
      expect(await storage.clinic.findSequence(shared.id)).toMatchObject({ retiredAt: T0 + 4 });
    });

    it('reads every instructor’s started classes with the instructor, a sequence’s family, and their feedback', async () => {
      const { instructor, record } = await instructorWithClass();
      const started = transition(record, { status: 'running', cueIndex: 0 });
      expect(await storage.classes.updateRun(record.id, record.revision, started, T0 + 10)).toBe(true);
      const participant = (await join(record.id, 'token-f', T0)).id;
      await storage.feedback.upsert(record.id, participant, { feeling: 'better', rating: 4, comment: null });
      const page = await storage.clinic.listClasses({}, { limit: 10, offset: 0 });
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({ instructorEmail: instructor.email, participants: 1, feedbackAnswers: 1, feedbackRatingSum: 4 });
      expect((await storage.clinic.listClasses({ instructorId: randomUUID() }, { limit: 10, offset: 0 })).total).toBe(0);
      expect((await storage.clinic.listClasses({ from: T0 + 1e9 }, { limit: 10, offset: 0 })).total).toBe(0);
      expect(await storage.clinic.feedbackOfClasses([record.id])).toEqual([{ classId: record.id, feeling: 'better', rating: 4 }]);
      expect(await storage.clinic.feedbackOfClasses([])).toEqual([]);
      expect((await storage.clinic.listSequenceFamilyClasses(record.sequenceId!, {}, 10)).map((o) => o.record.id)).toEqual([record.id]);
      // The sequence a class counts towards: its own, or the library sequence its own was copied from.
      expect(page.items[0]!.family).toEqual({ sequenceId: record.sequenceId, title: starter[0]!.title, language: 'cs' });
      const library = await storage.clinic.createLibrarySequence(instructor.id, starter[1]!, null, T0);
      const copy = await storage.clinic.copyToOwn(instructor.id, library, T0 + 1);
      const ofCopy = await storage.classes.create(newClass(instructor.id, copy.id, { code: 'K7M2QY', createdAt: T0 + 2 }));
      expect(await storage.classes.updateRun(ofCopy.id, 0, transition(ofCopy, { status: 'running', cueIndex: 0 }), T0 + 20)).toBe(true);
      await storage.sequences.delete(record.sequenceId!, instructor.id);
      const families = (await storage.clinic.listClasses({}, { limit: 10, offset: 0 })).items.map((o) => [o.record.id, o.family]);
      expect(families).toEqual([
        [ofCopy.id, { sequenceId: library.id, title: 'Shoulders', language: 'en' }],
        [record.id, null],
      ]);
    });
  });
});
