/**
 * What every noun's Kysely implementation is handed: the database and the engine's way of recognising its
 * errors. `isUniqueViolation`: a UNIQUE constraint refused a row. `isSerializationFailure`: a serializable
 * transaction lost to a concurrent one (PostgreSQL; SQLite's single connection never interleaves transactions).
 */
import type { Kysely, Selectable } from 'kysely';
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { Cue, Language } from '../../shared/schemas/sequence.js';
import type { Database } from './database.js';
import type { TransactNow } from './sqlite-transact-now.js';
import type { ClassRecord } from './storage.js';

export interface KyselyContext {
  db: Kysely<Database>;
  isUniqueViolation: (error: unknown) => boolean;
  isSerializationFailure: (error: unknown) => boolean;
  /** SQLite only: runs a hot transaction's steps at once, without Kysely (sqlite-transact-now.ts). */
  transactNow?: TransactNow;
}

/** A stored class row as the rest of the server sees it. */
export function toClass(row: Selectable<Database['classes']>): ClassRecord {
  return {
    id: row.id,
    instructorId: row.instructor_id,
    sequenceId: row.sequence_id,
    code: row.code,
    title: row.title,
    language: row.language as Language,
    cues: JSON.parse(row.cues_json) as Cue[],
    status: row.status as ClassStatus,
    cueIndex: Number(row.cue_index),
    revision: Number(row.revision),
    cueEndsAt: row.cue_ends_at === null ? null : Number(row.cue_ends_at),
    pausedRemainingMs: row.paused_remaining_ms === null ? null : Number(row.paused_remaining_ms),
    isAutoAdvance: Number(row.is_auto_advance) === 1,
    createdAt: Number(row.created_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    feedbackClosesAt: row.feedback_closes_at === null ? null : Number(row.feedback_closes_at),
    maxCueIndexReached: Number(row.max_cue_index),
    sequenceVersion: row.sequence_version === null ? null : Number(row.sequence_version),
  };
}
