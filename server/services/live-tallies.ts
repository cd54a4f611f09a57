/**
 * Where the tablet's live tally, and the run state a flag is checked against, come from. A process that alone
 * serves its classes (no Redis) holds both in memory for each class that has not ended: the tally seeded once
 * from the stored aggregates and changed by what each committed flag write reports, the run state as each
 * committed transition leaves it; a tally update and a flag's check read nothing. Processes sharing classes
 * (Redis) read storage every time, since another process may have changed it.
 */
import type { LiveTally } from '../../shared/schemas/flag.js';
import { TREND_WINDOW_MS } from '../domain/flag-rules.js';
import { applyChange, liveTallyOf, pictureOf, type TallyChange, type TallyPicture } from '../domain/live-tally.js';
import type { ClassRecord, ClassRun, Storage } from '../storage/storage.js';

export interface LiveTallies {
  /** The class's run state as last committed; null when there is no such class. */
  runOf(classId: string): Promise<ClassRun | null>;
  /** Runs a write of one of the class's flags, and counts the change it reports (null: it changed nothing). */
  write<T>(classId: string, run: () => Promise<T>, changeOf: (result: T) => TallyChange | null): Promise<T>;
  /** The class moved to another cue, paused, ended, or got a cue added (which renumbers the cues after it). */
  classChanged(record: ClassRecord, change: { isCueAdded: boolean }): void;
  /** The tally to send now; null once the class has ended or is gone. */
  tallyOf(classId: string): Promise<LiveTally | null>;
}

/** Every tally read from storage: a few aggregate rows, exact whichever process wrote them. */
export function storedTallies(storage: Storage, now: () => number): LiveTallies {
  return {
    runOf: (classId) => storage.classes.getRun(classId),
    write: (_classId, run) => run(),
    classChanged: () => {},
    async tallyOf(classId) {
      const run = await storage.classes.getRun(classId);
      if (!run || run.status === 'ended') return null;
      const at = now();
      const [cues, regions, recent] = await Promise.all([
        storage.flags.tally(classId),
        storage.flags.tallyRegions(classId, run.cueIndex),
        storage.flags.perSecond(classId, at - TREND_WINDOW_MS),
      ]);
      return { cues, cueIndex: run.cueIndex, regions, recent, serverNow: at };
    },
  };
}

/**
 * Tallies held in memory for the classes this process alone serves: one entry per class that has not ended
 * (dropped when it ends), each bounded by its cues, their regions and the trend's seconds. A write is counted
 * exactly once: either the seed read it (the seed waits for the class's writes under way) or its change is
 * applied to the held tally (a write waits for the seed).
 */
export function heldTallies(storage: Storage, now: () => number): LiveTallies {
  const held = new Map<string, { picture: TallyPicture; run: ClassRun }>();
  /** Seeds being read, each resolving to whether the class is held (false: it has ended or is gone). */
  const seeding = new Map<string, Promise<boolean>>();
  /** What happened to a class while its seed was being read: ended (hold nothing) or a cue added (read again). */
  const whileSeeding = new Map<string, 'ended' | 'cue-added'>();
  /** Writes under way per class, and who waits for them to finish. */
  const writing = new Map<string, { count: number; finished: (() => void)[] }>();

  function writesFinished(classId: string): Promise<void> {
    const entry = writing.get(classId);
    return entry ? new Promise((resolve) => entry.finished.push(resolve)) : Promise.resolve();
  }

  async function seed(classId: string): Promise<boolean> {
    for (;;) {
      // Writes that began before the tally was dropped (a cue was added) are in the stored aggregates once done.
      await writesFinished(classId);
      const run = await storage.classes.getRun(classId);
      // An ended class holds nothing: its writes (a late undo) change only storage.
      if (!run || run.status === 'ended') return false;
      const [cues, regions, recent] = await Promise.all([
        storage.flags.tally(classId),
        storage.flags.regionsOfClasses([classId]),
        storage.flags.perSecond(classId, now() - TREND_WINDOW_MS),
      ]);
      const meanwhile = whileSeeding.get(classId);
      whileSeeding.delete(classId);
      if (meanwhile === 'ended') return false;
      if (meanwhile === 'cue-added') continue;
      held.set(classId, { picture: pictureOf({ cues, regions, recent }), run });
      return true;
    }
  }

  /** Undefined when the class is held; else its seed. */
  function ready(classId: string): Promise<boolean> | undefined {
    if (held.has(classId)) return undefined;
    let pending = seeding.get(classId);
    if (!pending) {
      pending = seed(classId).finally(() => {
        seeding.delete(classId);
        whileSeeding.delete(classId);
      });
      seeding.set(classId, pending);
    }
    return pending;
  }

  return {
    async runOf(classId) {
      for (let pending = ready(classId); pending; pending = ready(classId)) {
        // Not held: ended, or no such class.
        if (!(await pending)) return storage.classes.getRun(classId);
      }
      return { ...held.get(classId)!.run };
    },
    async write(classId, run, changeOf) {
      for (let pending = ready(classId); pending; pending = ready(classId)) {
        if (!(await pending)) return run();
      }
      // Held, and under way from this moment (no await since the check): a seed after a drop waits for it.
      const entry = writing.get(classId) ?? { count: 0, finished: [] };
      entry.count++;
      writing.set(classId, entry);
      try {
        const result = await run();
        const change = changeOf(result);
        const tally = held.get(classId);
        if (change && tally) applyChange(tally.picture, change);
        return result;
      } finally {
        if (--entry.count === 0) {
          writing.delete(classId);
          for (const resolve of entry.finished) resolve();
        }
      }
    },
    classChanged(record, { isCueAdded }) {
      // Ended: nothing more to hold. A cue added: storage renumbered the cues after it, so read them again.
      if (record.status === 'ended' || isCueAdded) {
        held.delete(record.id);
        if (seeding.has(record.id)) whileSeeding.set(record.id, record.status === 'ended' ? 'ended' : 'cue-added');
        return;
      }
      const tally = held.get(record.id);
      if (tally) tally.run = { id: record.id, status: record.status, cueIndex: record.cueIndex, revision: record.revision, maxCueIndexReached: record.maxCueIndexReached };
    },
    async tallyOf(classId) {
      for (;;) {
        const tally = held.get(classId);
        if (tally) return liveTallyOf(tally.picture, tally.run.cueIndex, now());
        if (!(await ready(classId))) return null;
      }
    },
  };
}
