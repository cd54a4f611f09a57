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
    const instructor = (await storage.createInstructor(account(`${randomUUID()}@clinic.test`), starter, { onlyIfFirst: false }))!;
    const [sequence] = await storage.listSequences(instructor.id);
    const record = await storage.createClass(newClass(instructor.id, sequence!.id, overrides));
    return { instructor, sequence: sequence!, record };
  }

  function newClass(instructorId: string, sequenceId: string, overrides: Partial<NewClass> = {}): NewClass {
    return { id: randomUUID(), instructorId, sequenceId, code: 'K7M2QX', title: 'Ramena', language: 'cs', cues, createdAt: T0, ...overrides };
  }

  /** The transition to `status`/`cueIndex` from `record`, whatever other run fields the record carries. */
  function transition(record: ClassRecord, change: Pick<ClassRunUpdate, 'status' | 'cueIndex'>): ClassRunUpdate {
    return { ...record, ...change, revision: record.revision + 1 };
  }

  function flag(classId: string, participantId: string, cueIndex: number, kind: NewFlag['kind'], extra: Partial<NewFlag> = {}): NewFlag {
    return { flagId: randomUUID(), classId, participantId, cueIndex, kind, createdAt: T0 + 1000, ...extra };
  }

  it('answers the health check', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  describe('instructors', () => {
    it('creates the first instructor with the starter library, in its order, and refuses a second first-run sign-up', async () => {
      expect(await storage.countInstructors()).toBe(0);
      const first = await storage.createInstructor(account('lead@clinic.test'), starter, { onlyIfFirst: true });
      expect(first).toMatchObject({ email: 'lead@clinic.test', passwordHash: 'scrypt$lead@clinic.test' });

      expect(await storage.createInstructor(account('late@clinic.test'), starter, { onlyIfFirst: true })).toBeNull();
      expect(await storage.findInstructorByEmail('late@clinic.test')).toBeNull();
      expect(await storage.countInstructors()).toBe(1);

      const sequences = await storage.listSequences(first!.id);
      expect(sequences.map((s) => s.title)).toEqual(['Ramena', 'Shoulders']);
      expect(sequences[0]).toMatchObject({ language: 'cs', cues, createdAt: T0, updatedAt: T0 });
    });

    it('lets only one of two simultaneous first-run sign-ups in', async () => {
      const results = await Promise.all(
        ['a@clinic.test', 'b@clinic.test', 'c@clinic.test'].map((email) => storage.createInstructor(account(email), starter, { onlyIfFirst: true })),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await storage.countInstructors()).toBe(1);
    });

    it('adds further instructors when not first-run only, and finds them by e-mail and id', async () => {
      const first = (await storage.createInstructor(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      const second = (await storage.createInstructor(account('second@clinic.test'), [], { onlyIfFirst: false }))!;
      expect(await storage.countInstructors()).toBe(2);
      expect(await storage.findInstructorByEmail('second@clinic.test')).toEqual(second);
      expect(await storage.findInstructorById(first.id)).toEqual(first);
      expect(await storage.findInstructorById(randomUUID())).toBeNull();
      expect(await storage.listSequences(second.id)).toEqual([]);
    });

    it('refuses a second instructor with the same e-mail and keeps none of it', async () => {
      await storage.createInstructor(account('lead@clinic.test'), [], { onlyIfFirst: false });
      const duplicate = account('lead@clinic.test');
      expect(await storage.createInstructor(duplicate, starter, { onlyIfFirst: false })).toBeNull();
      expect(await storage.countInstructors()).toBe(1);
      expect(await storage.listSequences(duplicate.id)).toEqual([]);
    });
  });

  describe('passwords', () => {
    it('marks an account made with a one-time password, and replacing it signs out the other sessions', async () => {
      const lead = (await storage.createInstructor(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      expect(lead.mustChangePassword).toBe(false);
      const added = (await storage.createInstructor(account('new@clinic.test'), [], { onlyIfFirst: false, mustChangePassword: true }))!;
      expect(await storage.findInstructorByEmail('new@clinic.test')).toMatchObject({ id: added.id, mustChangePassword: true });
      for (const idHash of ['kept', 'other-1', 'other-2']) await storage.createSession({ idHash, instructorId: added.id, expiresAt: T0 + 60_000 });
      await storage.createSession({ idHash: 'lead', instructorId: lead.id, expiresAt: T0 + 60_000 });

      await storage.updatePassword(added.id, 'scrypt$new', { mustChangePassword: false, keepSessionIdHash: 'kept' });
      expect(await storage.findInstructorById(added.id)).toMatchObject({ passwordHash: 'scrypt$new', mustChangePassword: false });
      expect(await storage.findSession('kept', T0)).toBe(added.id);
      expect(await storage.findSession('other-1', T0)).toBeNull();
      expect(await storage.findSession('other-2', T0)).toBeNull();
      expect(await storage.findSession('lead', T0)).toBe(lead.id);
    });
  });

  describe('sessions', () => {
    it('finds a session until it expires, and not after it is deleted', async () => {
      const instructor = (await storage.createInstructor(account('lead@clinic.test'), [], { onlyIfFirst: true }))!;
      await storage.createSession({ idHash: 'hash-1', instructorId: instructor.id, expiresAt: T0 + 60_000 });

      expect(await storage.findSession('hash-1', T0)).toBe(instructor.id);
      expect(await storage.findSession('hash-1', T0 + 59_999)).toBe(instructor.id);
      expect(await storage.findSession('hash-1', T0 + 60_000)).toBeNull();
      expect(await storage.findSession('hash-unknown', T0)).toBeNull();

      await storage.deleteSession('hash-1');
      expect(await storage.findSession('hash-1', T0)).toBeNull();
    });
  });

  describe('sequences', () => {
    it("shows an instructor their own sequences only", async () => {
      const { instructor, sequence } = await instructorWithClass();
      const other = (await storage.createInstructor(account('other@clinic.test'), starter.slice(1), { onlyIfFirst: false }))!;

      expect(await storage.getSequence(sequence.id, instructor.id)).toEqual(sequence);
      expect(await storage.getSequence(sequence.id, other.id)).toBeNull();
      expect((await storage.listSequences(other.id)).map((s) => s.title)).toEqual(['Shoulders']);
      expect(typeof sequence.createdAt).toBe('number');
    });

    it('creates, replaces whole and deletes a sequence, for its owner only; its classes keep their snapshot', async () => {
      const { instructor, sequence, record } = await instructorWithClass();
      const other = (await storage.createInstructor(account('other@clinic.test'), [], { onlyIfFirst: false }))!;
      const input: SequenceInput = { title: 'Čelist', language: 'cs', cues: [cues[1]!, cues[0]!] };

      const created = await storage.createSequence(instructor.id, input, T0 + 5);
      expect(created).toEqual({ id: created.id, ...input, createdAt: T0 + 5, updatedAt: T0 + 5 });
      expect(await storage.getSequence(created.id, instructor.id)).toEqual(created);
      expect((await storage.listSequences(instructor.id)).at(-1)).toEqual(created);

      const replaced = { title: 'Jaw', language: 'en' as const, cues: [cues[2]!] };
      expect(await storage.updateSequence(sequence.id, other.id, replaced, T0 + 6)).toBeNull();
      expect(await storage.updateSequence(sequence.id, instructor.id, replaced, T0 + 6)).toEqual({
        id: sequence.id,
        ...replaced,
        createdAt: sequence.createdAt,
        updatedAt: T0 + 6,
      });
      expect((await storage.getClass(record.id))?.cues).toEqual(cues);

      expect(await storage.deleteSequence(sequence.id, other.id)).toBe(false);
      expect(await storage.deleteSequence(sequence.id, instructor.id)).toBe(true);
      expect(await storage.deleteSequence(sequence.id, instructor.id)).toBe(false);
      expect(await storage.getSequence(sequence.id, instructor.id)).toBeNull();
      expect(await storage.getClass(record.id)).toMatchObject({ sequenceId: sequence.id, cues });
    });
  });

  describe('classes', () => {
    it('creates a class in the lobby and reads it back whole, times as numbers', async () => {
      const { instructor, sequence, record } = await instructorWithClass();
      expect(record).toMatchObject({ status: 'lobby', cueIndex: -1, revision: 0 });

      const read = await storage.getClass(record.id);
      expect(read).toEqual(record);
      expect(read).toMatchObject({ instructorId: instructor.id, sequenceId: sequence.id, code: 'K7M2QX', cues, createdAt: T0 });
      expect(await storage.getClass(randomUUID())).toBeNull();
    });

    it('finds a class by code, preferring one that has not ended over a newer ended one', async () => {
      const { instructor, sequence, record: newer } = await instructorWithClass({ createdAt: T0 + 30 });
      await storage.updateClassRun(newer.id, 0, transition(newer, { status: 'ended', cueIndex: -1 }), T0 + 40);
      // Once a class has ended its code may be drawn again.
      const open = await storage.createClass(newClass(instructor.id, sequence.id, { createdAt: T0 }));
      expect(await storage.findClassByCode('K7M2QX')).toMatchObject({ id: open.id, status: 'lobby' });

      await storage.updateClassRun(open.id, 0, transition(open, { status: 'ended', cueIndex: -1 }), T0 + 50);
      expect(await storage.findClassByCode('K7M2QX')).toMatchObject({ id: newer.id, status: 'ended' });
      expect(await storage.findClassByCode('ZZZZZZ')).toBeNull();
    });

    it('knows which codes open classes use, and refuses a second open class with one', async () => {
      const { instructor, sequence, record } = await instructorWithClass();
      expect(await storage.isCodeInUse('K7M2QX')).toBe(true);
      expect(await storage.isCodeInUse('P3R4ST')).toBe(false);
      await expect(storage.createClass(newClass(instructor.id, sequence.id))).rejects.toThrow();

      await storage.updateClassRun(record.id, 0, transition(record, { status: 'ended', cueIndex: -1 }), T0 + 1);
      expect(await storage.isCodeInUse('K7M2QX')).toBe(false);
    });

    it("lists an instructor's own classes, newest first", async () => {
      const { instructor, sequence, record: older } = await instructorWithClass({ createdAt: T0 });
      const newer = await storage.createClass(newClass(instructor.id, sequence.id, { code: 'P3R4ST', createdAt: T0 + 1 }));
      await instructorWithClass({ code: 'H9J8KL' });
      expect((await storage.listClasses(instructor.id)).map((c) => c.id)).toEqual([newer.id, older.id]);
    });

    it('writes a transition made against the current revision and refuses a stale one', async () => {
      const { record } = await instructorWithClass();
      const started = transition(record, { status: 'running', cueIndex: 0 });
      expect(await storage.updateClassRun(record.id, 0, started, T0 + 1)).toBe(true);
      expect(await storage.getClass(record.id)).toMatchObject({ status: 'running', cueIndex: 0, revision: 1 });

      // A second tablet still at revision 0 taps Next: refused, nothing written.
      expect(await storage.updateClassRun(record.id, 0, transition(record, { status: 'running', cueIndex: 1 }), T0 + 2)).toBe(false);
      expect(await storage.getClass(record.id)).toMatchObject({ status: 'running', cueIndex: 0, revision: 1 });
      expect(await storage.updateClassRun(randomUUID(), 0, started, T0 + 3)).toBe(false);
    });

    it('lets exactly one of several simultaneous transitions from the same revision through', async () => {
      const { record } = await instructorWithClass();
      const results = await Promise.all(
        [0, 1, 2, 3].map((cueIndex) => storage.updateClassRun(record.id, 0, transition(record, { status: 'running', cueIndex }), T0 + 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await storage.getClass(record.id)).toMatchObject({ cueIndex: winner, revision: 1 });
    });
  });

  describe('participants', () => {
    it('adds a participant once per token: a reload finds the same one', async () => {
      const { record } = await instructorWithClass();
      const first = await storage.upsertParticipant(record.id, 'token-hash-a', T0);
      expect(first.isNew).toBe(true);
      expect(await storage.upsertParticipant(record.id, 'token-hash-a', T0 + 5)).toEqual({ id: first.id, isNew: false });

      const second = await storage.upsertParticipant(record.id, 'token-hash-b', T0 + 6);
      expect(second).toMatchObject({ isNew: true });
      expect(second.id).not.toBe(first.id);
      expect(await storage.countParticipants(record.id)).toBe(2);
    });

    it('keeps one participant when the same phone joins over several connections at once', async () => {
      const { record } = await instructorWithClass();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => storage.upsertParticipant(record.id, 'token-hash-a', T0)));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.isNew)).toHaveLength(1);
      expect(await storage.countParticipants(record.id)).toBe(1);
    });

    it('counts participants per class', async () => {
      const { record } = await instructorWithClass();
      const { record: other } = await instructorWithClass({ code: 'P3R4ST' });
      await storage.upsertParticipant(record.id, 'token-hash-a', T0);
      await storage.upsertParticipant(other.id, 'token-hash-a', T0);
      await storage.upsertParticipant(other.id, 'token-hash-b', T0);
      expect(await storage.countParticipants(record.id)).toBe(1);
      expect(await storage.countParticipants(other.id)).toBe(2);
      expect(await storage.countParticipants(randomUUID())).toBe(0);
    });
  });

  describe('flags', () => {
    it('stores a flag once: a repeated delivery of its id is refused', async () => {
      const { record } = await instructorWithClass();
      const { id: participantId } = await storage.upsertParticipant(record.id, 'token-hash-a', T0);
      const tap = flag(record.id, participantId, 0, 'tension', { region: 'neck', strength: 2 });

      expect(await storage.insertFlag(tap)).toBe(true);
      expect(await storage.insertFlag(tap)).toBe(false);
      expect(await storage.insertFlag({ ...tap, kind: 'relief' })).toBe(false);
      expect(await storage.tallyFlags(record.id)).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]);
    });

    it('keeps one flag when the same delivery arrives over several connections at once', async () => {
      const { record } = await instructorWithClass();
      const { id: participantId } = await storage.upsertParticipant(record.id, 'token-hash-a', T0);
      const tap = flag(record.id, participantId, 0, 'relief');
      const results = await Promise.all([1, 2, 3, 4].map(() => storage.insertFlag(tap)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await storage.tallyFlags(record.id)).toEqual([{ cueIndex: 0, tension: 0, relief: 1, participants: 1 }]);
    });

    it('tallies per cue: tension, relief and how many participants they come from, as numbers', async () => {
      const { record } = await instructorWithClass();
      const { record: other } = await instructorWithClass({ code: 'P3R4ST' });
      const a = (await storage.upsertParticipant(record.id, 'token-hash-a', T0)).id;
      const b = (await storage.upsertParticipant(record.id, 'token-hash-b', T0)).id;
      const elsewhere = (await storage.upsertParticipant(other.id, 'token-hash-a', T0)).id;
      expect(await storage.tallyFlags(record.id)).toEqual([]);

      for (const tap of [
        flag(record.id, a, 0, 'tension'),
        flag(record.id, a, 0, 'tension', { region: 'neck' }),
        flag(record.id, b, 0, 'relief', { strength: 3 }),
        flag(record.id, b, 2, 'relief'),
        flag(other.id, elsewhere, 0, 'tension'),
      ]) {
        expect(await storage.insertFlag(tap)).toBe(true);
      }

      expect(await storage.tallyFlags(record.id)).toEqual([
        { cueIndex: 0, tension: 2, relief: 1, participants: 2 },
        { cueIndex: 2, tension: 0, relief: 1, participants: 1 },
      ]);
      expect(await storage.tallyFlags(other.id)).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]);
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
        expect(await storage.updateClassRun(record.id, record.revision, transition(record, change), at)).toBe(true);
        record = (await storage.getClass(record.id))!;
      }
      const ending = { ...transition(record, { status: 'ended', cueIndex: 1 }), feedbackClosesAt: T0 + 1_000 };
      expect(await storage.updateClassRun(record.id, record.revision, ending, T0 + 30)).toBe(true);
      return { ...made, record: (await storage.getClass(record.id))! };
    }

    it('records when a class ended and its feedback window, and keeps the transition log in order', async () => {
      const { record: open } = await instructorWithClass({ code: 'P3R4ST' });
      expect(open).toMatchObject({ endedAt: null, feedbackClosesAt: null });
      const { record } = await endedClass();
      expect(record).toMatchObject({ status: 'ended', endedAt: T0 + 30, feedbackClosesAt: T0 + 1_000 });
      expect(await storage.listTransitions(record.id)).toEqual([
        { revision: 1, status: 'running', cueIndex: 0, at: T0 + 10 },
        { revision: 2, status: 'running', cueIndex: 1, at: T0 + 20 },
        { revision: 3, status: 'ended', cueIndex: 1, at: T0 + 30 },
      ]);
      expect(await storage.listTransitions(randomUUID())).toEqual([]);
    });

    it('keeps one feedback answer per participant: a second one replaces the first', async () => {
      const { record } = await endedClass();
      const { record: other } = await endedClass({ code: 'P3R4ST' });
      const a = (await storage.upsertParticipant(record.id, 'token-hash-a', T0)).id;
      const b = (await storage.upsertParticipant(record.id, 'token-hash-b', T0)).id;
      const elsewhere = (await storage.upsertParticipant(other.id, 'token-hash-a', T0)).id;
      await storage.upsertFeedback(record.id, a, { feeling: 'same', rating: 2, comment: 'první' });
      await storage.upsertFeedback(record.id, a, { feeling: 'better', rating: 5, comment: null });
      await Promise.all([1, 2, 3].map(() => storage.upsertFeedback(record.id, b, { feeling: 'worse', rating: 1, comment: 'Koleno, "ostře"' })));
      await storage.upsertFeedback(other.id, elsewhere, { feeling: 'same', rating: 3, comment: null });

      const answers = await storage.listFeedback(record.id);
      expect(answers.sort((x, y) => x.rating - y.rating)).toEqual([
        { feeling: 'worse', rating: 1, comment: 'Koleno, "ostře"' },
        { feeling: 'better', rating: 5, comment: null },
      ]);
      expect(await storage.listFeedback(other.id)).toHaveLength(1);
    });

    /** Three participants' flags on cues 0 and 1 of the class, with regions and strengths. */
    async function flagged(classId: string, createdAt: number) {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (t) => (await storage.upsertParticipant(classId, `token-hash-${t}`, T0)).id));
      for (const tap of [
        flag(classId, a!, 0, 'tension', { region: 'neck', strength: 3, createdAt }),
        flag(classId, a!, 0, 'tension', { region: 'neck', strength: 3, createdAt }),
        flag(classId, b!, 0, 'tension', { createdAt }),
        flag(classId, c!, 0, 'relief', { region: 'shoulder-left', strength: 1, createdAt }),
        flag(classId, c!, 1, 'relief', { createdAt }),
      ]) {
        await storage.insertFlag(tap);
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
      expect(await storage.flagFigures(record.id)).toEqual({ cues: [], groups: [] });
      await flagged(record.id, T0 + 15);
      expect(await storage.flagFigures(record.id)).toEqual(expectedFigures);
    });

    it('archives old flags: the figures stay the same, the raw flags go, and late flags do not change them', async () => {
      const { record: old } = await endedClass();
      const { record: recent } = await endedClass({ code: 'P3R4ST' });
      await flagged(old.id, T0 + 15);
      await flagged(recent.id, T0 + 5_000);
      expect(await storage.listClassesWithFlagsBefore(T0 + 1_000)).toEqual([old.id]);
      expect((await storage.listClassesWithFlagsBefore(T0 + 10_000)).sort()).toEqual([old.id, recent.id].sort());
      const tallies = await storage.tallyFlagsOfClasses([old.id, recent.id]);

      expect(await storage.archiveFlags(old.id, T0 + 2_000)).toBe(5);
      expect(await storage.tallyFlags(old.id)).toEqual([]);
      expect(await storage.listClassesWithFlagsBefore(T0 + 1_000)).toEqual([]);
      expect(await storage.flagFigures(old.id)).toEqual(expectedFigures);
      expect(await storage.flagFigures(recent.id)).toEqual(expectedFigures);
      const sortTallies = (list: typeof tallies) => [...list].sort((x, y) => x.classId.localeCompare(y.classId) || x.cueIndex - y.cueIndex);
      expect(sortTallies(await storage.tallyFlagsOfClasses([old.id, recent.id]))).toEqual(sortTallies(tallies));

      // A flag that arrives after the archive is deleted by the next run, never counted.
      const late = (await storage.upsertParticipant(old.id, 'token-hash-late', T0)).id;
      await storage.insertFlag(flag(old.id, late, 2, 'tension', { createdAt: T0 + 20 }));
      expect(await storage.archiveFlags(old.id, T0 + 3_000)).toBe(1);
      expect(await storage.flagFigures(old.id)).toEqual(expectedFigures);
      expect(await storage.archiveFlags(randomUUID(), T0)).toBe(0);
      expect(await storage.tallyFlagsOfClasses([])).toEqual([]);
    });

    it('counts distinct participants per cue and kind (insights), from the raw flags only', async () => {
      const { record: old } = await endedClass();
      const { record: recent } = await endedClass({ code: 'P3R4ST' });
      await flagged(old.id, T0 + 15);
      await flagged(recent.id, T0 + 5_000);
      const sorted = (list: Awaited<ReturnType<Storage['countFlaggersOfClasses']>>) =>
        [...list].sort((x, y) => x.classId.localeCompare(y.classId) || x.cueIndex - y.cueIndex || x.kind.localeCompare(y.kind));
      // One participant's two tension taps on cue 1 are one participant.
      const counts = (classId: string): Awaited<ReturnType<Storage['countFlaggersOfClasses']>> => [
        { classId, cueIndex: 0, kind: 'relief', participants: 1 },
        { classId, cueIndex: 0, kind: 'tension', participants: 2 },
        { classId, cueIndex: 1, kind: 'relief', participants: 1 },
      ];
      expect(sorted(await storage.countFlaggersOfClasses([old.id, recent.id]))).toEqual(sorted([...counts(old.id), ...counts(recent.id)]));
      await storage.archiveFlags(old.id, T0 + 2_000);
      expect(sorted(await storage.countFlaggersOfClasses([old.id, recent.id]))).toEqual(counts(recent.id));
      expect(await storage.countFlaggersOfClasses([])).toEqual([]);
    });

    it('pages through an instructor’s started classes, newest first, with participants and feedback', async () => {
      const { instructor, sequence, record: first } = await endedClass({ createdAt: T0 });
      const a = (await storage.upsertParticipant(first.id, 'token-hash-a', T0)).id;
      const b = (await storage.upsertParticipant(first.id, 'token-hash-b', T0)).id;
      await storage.upsertFeedback(first.id, a, { feeling: 'better', rating: 5, comment: null });
      await storage.upsertFeedback(first.id, b, { feeling: 'same', rating: 2, comment: null });
      const later = [];
      for (const [i, code] of ['P3R4ST', 'H9J8KL', 'M4N5PQ'].entries()) {
        const created = await storage.createClass(newClass(instructor.id, sequence.id, { code, createdAt: T0 + 100 + i }));
        await storage.updateClassRun(created.id, 0, transition(created, { status: 'running', cueIndex: 0 }), T0 + 200);
        later.push(created.id);
      }
      await storage.createClass(newClass(instructor.id, sequence.id, { code: 'R2S3TV', createdAt: T0 + 999 })); // still in the lobby
      await endedClass({ code: 'W2X3YZ' }); // another instructor's

      const page1 = await storage.listClassHistory(instructor.id, { limit: 3, offset: 0 });
      expect(page1.total).toBe(4);
      expect(page1.items.map((o) => o.record.id)).toEqual([...later].reverse());
      const page2 = await storage.listClassHistory(instructor.id, { limit: 3, offset: 3 });
      expect(page2.items).toEqual([{ record: first, participants: 2, feedbackAnswers: 2, feedbackRatingSum: 7 }]);
      expect(page1.items[0]).toMatchObject({ participants: 0, feedbackAnswers: 0, feedbackRatingSum: 0 });

      const ofSequence = await storage.listSequenceClasses(instructor.id, sequence.id, 2);
      expect(ofSequence.map((o) => o.record.id)).toEqual(later.slice(1));
      expect(await storage.listSequenceClasses(instructor.id, randomUUID(), 10)).toEqual([]);
    });

    it('keeps each instructor’s summary threshold, 3 until changed', async () => {
      const { instructor } = await instructorWithClass();
      expect(await storage.getSummarySettings(instructor.id)).toEqual({ summaryThreshold: 3 });
      await storage.updateSummarySettings(instructor.id, { summaryThreshold: 5 });
      expect(await storage.getSummarySettings(instructor.id)).toEqual({ summaryThreshold: 5 });
      expect(await storage.getSummarySettings(randomUUID())).toBeNull();
    });
  });
});
