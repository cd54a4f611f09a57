/** The class's use cases: load → domain rule → conditional write → broadcast. No Socket.IO or Express here. */
import { createHash, getRandomValues, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { makeJoinCode } from '../../shared/join-code.js';
import type { ClassCommand, InstructorClassState, PublicClassState } from '../../shared/schemas/class.js';
import type { FlagSubmit } from '../../shared/schemas/flag.js';
import { applyCommand, canFlag, type Actor } from '../domain/class-rules.js';
import type { ClassRecord, Storage } from '../storage/storage.js';
import type { Broadcaster } from './broadcaster.js';

/** Enough tries that a collision among open classes (1 in ~10⁶ per try at 1,000 open classes) never fails. */
const CODE_ATTEMPTS = 10;

export function createClassService(deps: { storage: Storage; broadcaster: Broadcaster }) {
  const { storage, broadcaster } = deps;

  async function ownClass(classId: string, instructorId: string): Promise<ClassRecord> {
    const record = await storage.getClass(classId);
    // Another instructor's class answers exactly like a missing one.
    if (!record || record.instructorId !== instructorId) throw new AppError('class/not_found', 'No such class.');
    return record;
  }

  async function freeJoinCode(): Promise<string> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = makeJoinCode((n) => getRandomValues(new Uint8Array(n)));
      if (!(await storage.isCodeInUse(code))) return code;
    }
    throw new Error('No free join code found');
  }

  return {
    /** Opens a class from one of the instructor's sequences: a snapshot of its cues and a fresh join code. */
    async openClass(instructorId: string, sequenceId: string, now: number): Promise<ClassRecord> {
      const sequence = await storage.getSequence(sequenceId, instructorId);
      if (!sequence) throw new AppError('sequence/not_found', 'No such sequence.');
      return storage.createClass({
        id: randomUUID(),
        instructorId,
        sequenceId,
        code: await freeJoinCode(),
        title: sequence.title,
        language: sequence.language,
        cues: sequence.cues,
        createdAt: now,
      });
    },

    ownClass,

    async listClasses(instructorId: string): Promise<ClassRecord[]> {
      return storage.listClasses(instructorId);
    },

    /** Applies an instructor's command; a stale or illegal one is refused and changes nothing. */
    async command(classId: string, command: ClassCommand, actor: Actor, now: number): Promise<ClassRecord> {
      const record = await storage.getClass(classId);
      if (!record) throw new AppError('class/not_found', 'No such class.');
      const result = applyCommand(runState(record), command, actor, record.instructorId);
      if (!result.ok) throw new AppError(result.code, result.message);
      const isWritten = await storage.updateClassRun(record.id, record.revision, result.state, now);
      if (!isWritten) throw new AppError('class/stale_revision', 'The class changed meanwhile; try again.');
      const updated = { ...record, ...result.state };
      broadcaster.classChanged(updated);
      return updated;
    },

    /** Finds the class behind a join code and makes the phone's token a participant of it. */
    async joinClass(code: string, token: string, now: number): Promise<{ record: ClassRecord; participantId: string }> {
      const record = await storage.findClassByCode(code);
      if (!record) throw new AppError('class/not_found', 'No class has this code.');
      const { id, isNew } = await storage.upsertParticipant(record.id, participantTokenHash(record.id, token), now);
      if (isNew) broadcaster.presenceChanged(record.id);
      return { record, participantId: id };
    },

    /** Stores a participant's flag once; a repeated delivery of the same flag id is acknowledged, not counted. */
    async submitFlag(classId: string, participantId: string, flag: FlagSubmit, now: number): Promise<{ duplicate: boolean }> {
      const record = await storage.getClass(classId);
      if (!record) throw new AppError('class/not_found', 'No such class.');
      if (!canFlag(runState(record), flag.cueIndex)) throw new AppError('flag/invalid_cue', 'This class has no such cue running.');
      const isNew = await storage.insertFlag({ ...flag, classId, participantId, createdAt: now });
      if (isNew) broadcaster.flagsChanged(classId);
      return { duplicate: !isNew };
    },
  };
}

export type ClassService = ReturnType<typeof createClassService>;

function runState(record: ClassRecord) {
  return { status: record.status, cueIndex: record.cueIndex, cueCount: record.cues.length, revision: record.revision };
}

/**
 * The stored form of a phone's token: hashed with the class id, so the same phone in two classes leaves two
 * unrelated values and nothing links them.
 */
export function participantTokenHash(classId: string, token: string): string {
  return createHash('sha256').update(`${classId}:${token}`).digest('base64url');
}

/** What a phone may see: no private notes, no counts. */
export function publicState(record: ClassRecord): PublicClassState {
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
  };
}

export function instructorState(record: ClassRecord): InstructorClassState {
  return { ...publicState(record), classId: record.id, cues: record.cues };
}
