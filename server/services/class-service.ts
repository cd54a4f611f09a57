/** The class's use cases: load → domain rule → conditional write → broadcast. No Socket.IO or Express here. */
import { createHash, getRandomValues, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { makeJoinCode } from '../../shared/join-code.js';
import type { ClassCommand, InstructorClassState, PublicClassState } from '../../shared/schemas/class.js';
import type { FeedbackSubmit } from '../../shared/schemas/feedback.js';
import type { FlagDetail, FlagSubmit } from '../../shared/schemas/flag.js';
import { applyCommand, canFlag, type Actor, type ClassRunState, type TimerCommand } from '../domain/class-rules.js';
import { DEFAULT_FEEDBACK_WINDOW_MS, feedbackClosesAt, isFeedbackOpen } from '../domain/feedback-rules.js';
import { undoableSince } from '../domain/flag-rules.js';
import { canUseSequence } from '../domain/clinic-rules.js';
import type { ClassRecord, Storage } from '../storage/storage.js';
import type { Broadcaster } from './broadcaster.js';
import { createClassTimers } from './class-timers.js';

/** How often a process looks for running classes whose timers it should hold (see startTimers). */
const TIMER_SWEEP_MS = 5_000;

/** Enough tries that a collision among open classes (1 in ~10⁶ per try at 1,000 open classes) never fails. */
const CODE_ATTEMPTS = 10;

export interface ClassServiceDeps {
  storage: Storage;
  broadcaster: Broadcaster;
  now?: () => number;
  /** How long after the end phones may send feedback. */
  feedbackWindowMs?: number;
  /** Where a timer that failed for another reason than a lost race (storage unreachable) is reported. */
  onTimerError?: (error: unknown) => void;
}

export function createClassService(deps: ClassServiceDeps) {
  const { storage, broadcaster } = deps;
  const now = deps.now ?? Date.now;
  const feedbackWindowMs = deps.feedbackWindowMs ?? DEFAULT_FEEDBACK_WINDOW_MS;
  const onTimerError = deps.onTimerError ?? (() => {});
  let sweepTimer: NodeJS.Timeout | undefined;
  const timers = createClassTimers((classId, revision) => {
    runCommand(classId, { type: 'timer', revision }, { kind: 'timer' }).catch((error: unknown) => {
      // A refusal means another process advanced first, or the instructor did: nothing left to do.
      if (!(error instanceof AppError)) onTimerError(error);
    });
  });

  async function ownClass(classId: string, instructorId: string): Promise<ClassRecord> {
    const record = await storage.getClass(classId);
    // Another instructor's class answers exactly like a missing one.
    if (!record || record.instructorId !== instructorId) throw new AppError('class/not_found', 'No such class.');
    return record;
  }

  async function existingClass(classId: string): Promise<ClassRecord> {
    const record = await storage.getClass(classId);
    if (!record) throw new AppError('class/not_found', 'No such class.');
    return record;
  }

  async function freeJoinCode(): Promise<string> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = makeJoinCode((n) => getRandomValues(new Uint8Array(n)));
      if (!(await storage.isCodeInUse(code))) return code;
    }
    throw new Error('No free join code found');
  }

  async function runCommand(classId: string, command: ClassCommand | TimerCommand, actor: Actor): Promise<ClassRecord> {
    const record = await existingClass(classId);
    const at = now();
    const context = { ownerId: record.instructorId, cueDurationsMs: cueDurationsMs(record), now: at };
    const result = applyCommand(runState(record), command, actor, context);
    if (!result.ok) throw new AppError(result.code, result.message);
    // Ending fixes the feedback window, so every process and every reconnecting phone agrees on it.
    const ending = result.state.status === 'ended' ? { endedAt: at, feedbackClosesAt: feedbackClosesAt(at, feedbackWindowMs) } : {};
    const isWritten = await storage.updateClassRun(record.id, record.revision, { ...result.state, ...ending }, at);
    if (!isWritten) throw new AppError('class/stale_revision', 'The class changed meanwhile; try again.');
    const updated = { ...record, ...result.state, ...ending };
    timers.schedule(updated.id, result.state, at);
    broadcaster.classChanged(updated);
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
      return storage.createClass({
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

    async listClasses(instructorId: string): Promise<ClassRecord[]> {
      return storage.listClasses(instructorId);
    },

    /** Applies an instructor's command; a stale or illegal one is refused and changes nothing. */
    async command(classId: string, command: ClassCommand, actor: Actor): Promise<ClassRecord> {
      return runCommand(classId, command, actor);
    },

    /**
     * Arms the timers of every running class from storage, now and then every `sweepMs`: a restarted server
     * resumes auto-advance, and when several processes share classes, the survivors take over the timers of
     * one that died. Several processes arming one class is safe: the timer's command is conditional on the
     * revision, so the cue advances once.
     */
    async startTimers(sweepMs = TIMER_SWEEP_MS): Promise<void> {
      const sweep = async () => {
        for (const record of await storage.listActiveClasses()) timers.schedule(record.id, runState(record), now());
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
    async joinClass(code: string, token: string): Promise<{ record: ClassRecord; participantId: string }> {
      const record = await storage.findClassByCode(code);
      if (!record) throw new AppError('class/not_found', 'No class has this code.');
      const { id, isNew } = await storage.upsertParticipant(record.id, participantTokenHash(record.id, token), now());
      if (isNew) broadcaster.presenceChanged(record.id);
      return { record, participantId: id };
    },

    /** Stores a participant's flag once; a repeated delivery of the same flag id is acknowledged, not counted. */
    async submitFlag(classId: string, participantId: string, flag: FlagSubmit): Promise<{ duplicate: boolean }> {
      const record = await existingClass(classId);
      if (!canFlag(runState(record), flag.cueIndex)) throw new AppError('flag/invalid_cue', 'This class has no such cue running.');
      const isNew = await storage.insertFlag({ ...flag, classId, participantId, createdAt: now() });
      if (isNew) broadcaster.flagsChanged(classId);
      return { duplicate: !isNew };
    },

    /** Adds where and how strong to the participant's own flag. */
    async detailFlag(classId: string, participantId: string, detail: FlagDetail): Promise<{ isUpdated: boolean }> {
      const isUpdated = await storage.updateFlagDetail(detail.flagId, participantId, detail);
      if (isUpdated) broadcaster.flagsChanged(classId);
      return { isUpdated };
    },

    /** Takes back the participant's own recent flag. */
    async undoFlag(classId: string, participantId: string, flagId: string): Promise<{ isUndone: boolean }> {
      const isUndone = await storage.deleteFlag(flagId, participantId, undoableSince(now()));
      if (isUndone) broadcaster.flagsChanged(classId);
      return { isUndone };
    },

    /** Stores a participant's feedback after the class, replacing their earlier answer; only while the window is open. */
    async submitFeedback(classId: string, participantId: string, feedback: FeedbackSubmit): Promise<Record<string, never>> {
      const record = await existingClass(classId);
      if (!isFeedbackOpen(record, now())) throw new AppError('feedback/closed', 'This class is not taking feedback.');
      await storage.upsertFeedback(classId, participantId, { feeling: feedback.feeling, rating: feedback.rating, comment: feedback.comment || null });
      return {};
    },

    /** Stores an anonymous safety alert once and shows it on the tablet at once. */
    async raiseAlert(classId: string, alertId: string): Promise<{ duplicate: boolean }> {
      const isNew = await storage.insertAlert({ alertId, classId, createdAt: now() });
      if (isNew) broadcaster.alertsChanged(classId);
      return { duplicate: !isNew };
    },

    async acknowledgeAlert(classId: string, alertId: string): Promise<{ isAcknowledged: boolean }> {
      const isAcknowledged = await storage.acknowledgeAlert(classId, alertId, now());
      if (isAcknowledged) broadcaster.alertsChanged(classId);
      return { isAcknowledged };
    },
  };
}

export type ClassService = ReturnType<typeof createClassService>;

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

/** What a phone may see: no private notes, no counts. `serverNow` lets it show countdowns by the server's clock. */
export function publicState(record: ClassRecord, serverNow: number): PublicClassState {
  const cue = record.cues[record.cueIndex];
  return {
    code: record.code,
    title: record.title,
    language: record.language,
    status: record.status,
    cueIndex: record.cueIndex,
    cueCount: record.cues.length,
    cue: cue ? { text: cue.text, regions: cue.regions, durationSeconds: cue.durationSeconds } : null,
    revision: record.revision,
    cueEndsAt: record.cueEndsAt,
    pausedRemainingMs: record.pausedRemainingMs,
    isAutoAdvance: record.isAutoAdvance,
    feedbackClosesAt: record.feedbackClosesAt,
    serverNow,
  };
}

export function instructorState(record: ClassRecord, serverNow: number): InstructorClassState {
  return { ...publicState(record, serverNow), classId: record.id, cues: record.cues };
}
