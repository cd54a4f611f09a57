/** The class's use cases: load → domain rule → conditional write → broadcast. No Socket.IO or Express here. */
import { createHash, getRandomValues, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { makeJoinCode } from '../../shared/join-code.js';
import type { ClassCommand, ClassCue, CueAdd, CueKept, InstructorClassState, PublicClassState } from '../../shared/schemas/class.js';
import { normalizeJoinCode } from '../../shared/join-code.js';
import type { FeedbackSubmit } from '../../shared/schemas/feedback.js';
import type { FlagDetail, FlagSubmit } from '../../shared/schemas/flag.js';
import { addCue, applyCommand, canFlag, cueIndexNow, reachedAfterInsert, type Actor, type ClassRunState, type TimerCommand } from '../domain/class-rules.js';
import { DEFAULT_FEEDBACK_WINDOW_MS, feedbackClosesAt, isFeedbackOpen } from '../domain/feedback-rules.js';
import { DEFAULT_MAX_PARTICIPANTS_PER_CLASS, MAX_FLAGS_PER_PARTICIPANT_CUE, undoableSince } from '../domain/flag-rules.js';
import { isCodeOpen, mayJoinAsNew } from '../domain/join-rules.js';
import { instructorState, publicState } from '../domain/projections.js';
import { canUseSequence } from '../domain/clinic-rules.js';
import { keepAddedCue } from '../domain/added-cues.js';
import type { ClassRecord, ClassRun, Storage } from '../storage/storage.js';
import { createClassTimers } from './class-timers.js';
import type { LiveView } from './live-view.js';

/** How often a process looks for running classes whose timers it should hold (see startTimers). */
const TIMER_SWEEP_MS = 5_000;

/** Tries of Keep in the sequence when the class or the sequence changed meanwhile (another cue kept at once). */
const KEEP_ATTEMPTS = 3;

/** Enough tries that a collision among open classes (1 in ~10⁶ per try at 1,000 open classes) never fails. */
const CODE_ATTEMPTS = 10;

export interface ClassServiceDeps {
  storage: Storage;
  /** Where every change is announced, after it is stored. */
  live: LiveView;
  /** The one clock (server/app.ts passes it to every service). */
  now: () => number;
  /** How long after the end phones may send feedback. */
  feedbackWindowMs?: number;
  /** How many participants one class takes. */
  maxParticipants?: number;
  /** Where a timer that failed for another reason than a lost race (storage unreachable) is reported. */
  onTimerError?: (error: unknown) => void;
}

export function createClassService(deps: ClassServiceDeps) {
  const { storage, live, now } = deps;
  const feedbackWindowMs = deps.feedbackWindowMs ?? DEFAULT_FEEDBACK_WINDOW_MS;
  const maxParticipants = deps.maxParticipants ?? DEFAULT_MAX_PARTICIPANTS_PER_CLASS;
  const onTimerError = deps.onTimerError ?? (() => {});
  let sweepTimer: NodeJS.Timeout | undefined;
  const timers = createClassTimers((classId, revision) => {
    runCommand(classId, { type: 'timer', revision }, { kind: 'timer' }).catch((error: unknown) => {
      // A refusal means another process advanced first, or the instructor did: nothing left to do.
      if (!(error instanceof AppError)) onTimerError(error);
    });
  });

  async function ownClass(classId: string, instructorId: string): Promise<ClassRecord> {
    const record = await storage.classes.get(classId);
    // Another instructor's class answers exactly like a missing one.
    if (!record || record.instructorId !== instructorId) throw new AppError('class/not_found', 'No such class.');
    return record;
  }

  /**
   * The flag's cue as the class numbers its cues now. Only a flag tapped before the class's latest change can
   * be numbered otherwise (a cue added since moved it): then the cues are read, to see what was added when.
   */
  async function cueTapped(run: ClassRun, flag: FlagSubmit): Promise<number> {
    if (flag.revision === undefined || flag.revision >= run.revision) return flag.cueIndex;
    const record = await storage.classes.get(run.id);
    return record ? cueIndexNow(record.cues, flag.cueIndex, flag.revision) : flag.cueIndex;
  }

  async function existingClass(classId: string): Promise<ClassRecord> {
    const record = await storage.classes.get(classId);
    if (!record) throw new AppError('class/not_found', 'No such class.');
    return record;
  }

  async function freeJoinCode(): Promise<string> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = makeJoinCode((n) => getRandomValues(new Uint8Array(n)));
      if (!(await storage.classes.isCodeInUse(code))) return code;
    }
    throw new Error('No free join code found');
  }

  async function runCommand(classId: string, command: ClassCommand | TimerCommand, actor: Actor): Promise<ClassRecord> {
    const record = await existingClass(classId);
    const at = now();
    const context = { ownerId: record.instructorId, cueDurationsMs: cueDurationsMs(record), now: at };
    const result = applyCommand(runState(record), command, actor, context);
    if (!result.ok) throw new AppError(result.code, result.message);
    // The highest cue shown so far: flags for cues not yet shown are refused.
    return commit(record, result.state, at, { maxCueIndexReached: Math.max(record.maxCueIndexReached, result.state.cueIndex) });
  }

  /**
   * Writes a new run state if the class is still at the revision it was made from, then re-arms its timer and
   * announces it: never announced unless stored.
   */
  async function commit(
    record: ClassRecord,
    state: ClassRunState,
    at: number,
    change: { maxCueIndexReached: number; added?: { cues: ClassCue[]; insertedAt: number } },
  ): Promise<ClassRecord> {
    // Ending fixes the feedback window, so every process and every reconnecting phone agrees on it.
    const ending = state.status === 'ended' ? { endedAt: at, feedbackClosesAt: feedbackClosesAt(at, feedbackWindowMs) } : {};
    const { maxCueIndexReached, added } = change;
    const isWritten = await storage.classes.updateRun(record.id, record.revision, { ...state, ...ending, maxCueIndexReached, added }, at);
    if (!isWritten) throw new AppError('class/stale_revision', 'The class changed meanwhile; try again.');
    const updated = { ...record, ...state, ...ending, maxCueIndexReached, ...(added ? { cues: added.cues } : {}) };
    timers.schedule(updated.id, state, at);
    live.classChanged(updated, { isCueAdded: added !== undefined });
    return updated;
  }

  return {
    /** Opens a class from one of the instructor's sequences: a snapshot of its cues and a fresh join code. */
    async openClass(instructorId: string, sequenceId: string): Promise<ClassRecord> {
      // One's own sequences and the clinic library's: the class runs on a snapshot either way.
      const sequence = await storage.clinic.findSequence(sequenceId);
      if (!sequence || !canUseSequence(sequence, { id: instructorId, role: 'instructor' })) {
        throw new AppError('sequence/not_found', 'No such sequence.');
      }
      return storage.classes.create({
        id: randomUUID(),
        instructorId,
        sequenceId,
        code: await freeJoinCode(),
        title: sequence.title,
        language: sequence.language,
        cues: sequence.cues,
        createdAt: now(),
        sequenceVersion: sequence.version,
      });
    },

    ownClass,

    /** A class as the tablet sees it now. */
    stateOf(record: ClassRecord): InstructorClassState {
      return instructorState(record, now());
    },

    async listClasses(instructorId: string): Promise<ClassRecord[]> {
      return storage.classes.list(instructorId);
    },

    /** Applies an instructor's command and answers the new state; a stale or illegal one is refused and changes nothing. */
    async command(classId: string, command: ClassCommand, actor: Actor): Promise<InstructorClassState> {
      return instructorState(await runCommand(classId, command, actor), now());
    },

    /**
     * Adds a cue during a running or paused class, right after the current one (shown now, or next). Written
     * with the class's run state, conditional on its revision, before any phone hears of it.
     */
    async addCue(classId: string, command: CueAdd, actor: Actor): Promise<InstructorClassState> {
      const record = await existingClass(classId);
      const at = now();
      const context = { ownerId: record.instructorId, cueDurationsMs: cueDurationsMs(record), cues: record.cues, now: at };
      const result = addCue(runState(record), command, actor, context);
      if (!result.ok) throw new AppError(result.code, result.message);
      const { state, cues, insertedAt } = result;
      const maxCueIndexReached = reachedAfterInsert(record.maxCueIndexReached, insertedAt, state.cueIndex);
      return instructorState(await commit(record, state, at, { maxCueIndexReached, added: { cues, insertedAt } }), now());
    },

    /**
     * **Keep in the sequence**: a cue added during an ended class of the instructor's goes into the sequence the
     * class ran, at the same place, as a new version of it. Refused for a clinic library sequence (it changes
     * only through the library) and for a sequence since deleted.
     */
    async keepAddedCue(classId: string, cueIndex: number, instructorId: string): Promise<CueKept> {
      for (let attempt = 0; attempt < KEEP_ATTEMPTS; attempt++) {
        const record = await ownClass(classId, instructorId);
        const sequence = record.sequenceId ? await storage.clinic.findSequence(record.sequenceId) : null;
        const result = keepAddedCue(record, cueIndex, sequence, instructorId);
        if (!result.ok) throw new AppError(result.code, result.message);
        const version = await storage.classes.keepCue({
          classId,
          expectedClassCues: record.cues,
          classCues: result.classCues,
          sequenceId: sequence!.id,
          instructorId,
          expectedVersion: sequence!.version,
          sequenceCues: result.sequenceCues,
          now: now(),
        });
        if (version !== null) return { sequenceId: sequence!.id, position: result.position, version };
      }
      throw new AppError('class/stale_revision', 'The class or its sequence changed meanwhile; try again.');
    },

    /** What the join page renders for a typed or scanned code: the class's public state, or null. */
    async joinPageState(rawCode: string): Promise<PublicClassState | null> {
      const code = normalizeJoinCode(rawCode);
      const found = code ? await storage.classes.findByCode(code) : null;
      // An ended class's code leads nowhere once its feedback window has closed.
      const record = found && isCodeOpen(found, now()) ? found : null;
      return record ? publicState(record, now()) : null;
    },

    /**
     * Arms the timers of every running class from storage, now and then every `sweepMs`: a restarted server
     * resumes auto-advance, and when several processes share classes, the survivors take over the timers of
     * one that died. Several processes arming one class is safe: the timer's command is conditional on the
     * revision, so the cue advances once.
     */
    async startTimers(sweepMs = TIMER_SWEEP_MS): Promise<void> {
      const sweep = async () => {
        for (const record of await storage.classes.listActive()) timers.schedule(record.id, runState(record), now());
      };
      clearInterval(sweepTimer);
      sweepTimer = setInterval(() => sweep().catch(onTimerError), sweepMs);
      await sweep();
    },

    stopTimers(): void {
      clearInterval(sweepTimer);
      timers.stop();
    },

    /** Finds the class behind a join code and makes the phone's token a participant of it. */
    async joinClass(code: string, token: string): Promise<{ classId: string; participantId: string }> {
      const entry = await storage.classes.findEntryByCode(code);
      if (!entry || !isCodeOpen(entry, now())) throw new AppError('class/not_found', 'No class has this code.');
      const tokenHash = participantTokenHash(entry.id, token);
      // After the end only the class's own participants come back (for feedback); nothing is written for others.
      if (!mayJoinAsNew(entry)) {
        const existing = await storage.participants.findId(entry.id, tokenHash);
        if (!existing) throw new AppError('class/not_found', 'This class has ended: it takes no new participants.');
        return { classId: entry.id, participantId: existing };
      }
      const joined = await storage.participants.upsert(entry.id, tokenHash, now(), maxParticipants);
      if (!joined) throw new AppError('class/full', `This class already has ${maxParticipants} participants.`);
      if (joined.isNew) live.presenceChanged(entry.id);
      return { classId: entry.id, participantId: joined.id };
    },

    /** Stores a participant's flag once; a repeated delivery of the same flag id is acknowledged, not counted. */
    async submitFlag(classId: string, participantId: string, flag: FlagSubmit): Promise<{ duplicate: boolean }> {
      // The run state only: the cues' JSON is not read for a flag.
      const run = await live.runOf(classId);
      if (!run) throw new AppError('class/not_found', 'No such class.');
      const cueIndex = await cueTapped(run, flag);
      if (!canFlag(run, cueIndex)) {
        throw new AppError('flag/invalid_cue', 'This class is not running or has not shown this cue.');
      }
      const result = await live.flagWrite(
        classId,
        () => storage.flags.insert({ ...flag, cueIndex, classId, participantId, createdAt: now() }, MAX_FLAGS_PER_PARTICIPANT_CUE),
        (inserted) => (inserted.status === 'stored' ? inserted.change : null),
      );
      if (result.status === 'capped') {
        throw new AppError('flag/limit_reached', `At most ${MAX_FLAGS_PER_PARTICIPANT_CUE} flags per participant on one cue.`);
      }
      return { duplicate: result.status === 'duplicate' };
    },

    /** Adds where and how strong to the participant's own flag. */
    async detailFlag(classId: string, participantId: string, detail: FlagDetail): Promise<{ isUpdated: boolean }> {
      const moved = await live.flagWrite(classId, () => storage.flags.updateDetail(detail.flagId, participantId, detail), (change) => change);
      return { isUpdated: moved !== null };
    },

    /** Takes back the participant's own recent flag. */
    async undoFlag(classId: string, participantId: string, flagId: string): Promise<{ isUndone: boolean }> {
      const undone = await live.flagWrite(classId, () => storage.flags.undo(flagId, participantId, undoableSince(now())), (change) => change);
      return { isUndone: undone !== null };
    },

    /** Stores a participant's feedback after the class, replacing their earlier answer; only while the window is open. */
    async submitFeedback(classId: string, participantId: string, feedback: FeedbackSubmit): Promise<Record<string, never>> {
      const record = await existingClass(classId);
      if (!isFeedbackOpen(record, now())) throw new AppError('feedback/closed', 'This class is not taking feedback.');
      await storage.feedback.upsert(classId, participantId, { feeling: feedback.feeling, rating: feedback.rating, comment: feedback.comment || null });
      return {};
    },

    /**
     * Stores an anonymous safety alert once and shows it on the tablet at once. One open alert per participant;
     * a repeated id tells the phone whether the instructor has seen it.
     */
    async raiseAlert(classId: string, participantId: string, alertId: string): Promise<{ duplicate: boolean; isSeen?: boolean }> {
      const createdAt = now();
      const result = await storage.alerts.raise({ alertId, classId, participantId, createdAt });
      if (result.status === 'already_open') throw new AppError('alert/already_open', 'Your alert is already with the instructor.');
      if (result.status === 'duplicate') return { duplicate: true, isSeen: result.isSeen };
      live.alertRaised(classId, { alertId, createdAt });
      return { duplicate: false };
    },

    async acknowledgeAlert(classId: string, alertId: string): Promise<{ isAcknowledged: boolean }> {
      const isAcknowledged = await storage.alerts.acknowledge(classId, alertId, now());
      if (isAcknowledged) live.alertsResolved(classId, [alertId]);
      return { isAcknowledged };
    },

    /** Marks every open alert of the class seen ("Acknowledge all"); how many there were. */
    async acknowledgeAllAlerts(classId: string): Promise<{ count: number }> {
      const alertIds = await storage.alerts.acknowledgeAll(classId, now());
      live.alertsResolved(classId, alertIds);
      return { count: alertIds.length };
    },
  };
}

export type ClassService = ReturnType<typeof createClassService>;
/** The stored class, as routes and handlers receive it from this service. */
export type { ClassRecord };

function runState(record: ClassRecord): ClassRunState {
  return {
    status: record.status,
    cueIndex: record.cueIndex,
    cueCount: record.cues.length,
    revision: record.revision,
    cueEndsAt: record.cueEndsAt,
    pausedRemainingMs: record.pausedRemainingMs,
    isAutoAdvance: record.isAutoAdvance,
  };
}

function cueDurationsMs(record: ClassRecord): (number | null)[] {
  return record.cues.map((cue) => (cue.durationSeconds === undefined ? null : cue.durationSeconds * 1000));
}

/**
 * The stored form of a phone's token: hashed with the class id, so the same phone in two classes leaves two
 * unrelated values and nothing links them.
 */
export function participantTokenHash(classId: string, token: string): string {
  return createHash('sha256').update(`${classId}:${token}`).digest('base64url');
}
