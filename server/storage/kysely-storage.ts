/**
 * The Storage interface over Kysely. The same queries serve SQLite and PostgreSQL; the engine-specific part
 * (opening the connection, recognising its errors) lives in `open-sqlite.ts` and `open-postgres.ts`.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { RegionId } from '../../shared/regions.js';
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { FlagKind, RegionTally } from '../../shared/schemas/flag.js';
import type { Cue, Language, Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import type { Database } from './database.js';
import { createAfterClassStorage } from './kysely-after-class.js';
import { createClinicStorage } from './kysely-clinic.js';
import type { ClassRecord, InstructorRecord, Storage } from './storage.js';

/**
 * `isUniqueViolation` and `isSerializationFailure` recognise the engine's errors: a UNIQUE constraint refused a
 * row; a serializable transaction lost to a concurrent one (PostgreSQL; SQLite's single connection never
 * interleaves transactions).
 */
export function createKyselyStorage(
  db: Kysely<Database>,
  isUniqueViolation: (error: unknown) => boolean,
  isSerializationFailure: (error: unknown) => boolean,
): Storage {
  return {
    ...createAfterClassStorage(db, toClass),
    clinic: createClinicStorage(db, toClass),

    async ping() {
      await sql`select 1`.execute(db);
    },

    async close() {
      await db.destroy();
    },

    async countInstructors() {
      const row = await db.selectFrom('instructors').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async createInstructor(account, starterSequences, { onlyIfFirst, mustChangePassword = false }) {
      // Serializable, so two first-run sign-ups on two processes cannot both see no instructor and both insert.
      const transaction = onlyIfFirst ? db.transaction().setIsolationLevel('serializable') : db.transaction();
      try {
        return await transaction.execute(async (trx) => {
          if (onlyIfFirst) {
            const existing = await trx.selectFrom('instructors').select('id').limit(1).executeTakeFirst();
            if (existing) return null;
          }
          await trx
            .insertInto('instructors')
            .values({
              id: account.id,
              email: account.email,
              password_hash: account.passwordHash,
              created_at: account.createdAt,
              must_change_password: mustChangePassword ? 1 : 0,
              // The first account is the clinic lead.
              role: onlyIfFirst ? 'lead' : 'instructor',
            })
            .execute();
          if (starterSequences.length > 0) {
            await trx
              .insertInto('sequences')
              // Distinct times keep the starter library in its written order.
              .values(starterSequences.map((sequence, i) => sequenceRow(account.id, sequence, account.createdAt + i)))
              .execute();
          }
          return {
            id: account.id,
            email: account.email,
            passwordHash: account.passwordHash,
            mustChangePassword,
            role: onlyIfFirst ? 'lead' : 'instructor',
            isActive: true,
          };
        });
      } catch (error) {
        // The e-mail is taken (UNIQUE): nothing was written.
        if (isUniqueViolation(error)) return null;
        // A concurrent first-run sign-up committed first: this one is no longer first.
        if (onlyIfFirst && isSerializationFailure(error)) return null;
        throw error;
      }
    },

    async findInstructorByEmail(email) {
      const row = await db.selectFrom('instructors').selectAll().where('email', '=', email).executeTakeFirst();
      return row ? toInstructor(row) : null;
    },

    async findInstructorById(id) {
      const row = await db.selectFrom('instructors').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toInstructor(row) : null;
    },

    async updatePassword(instructorId, passwordHash, { mustChangePassword, keepSessionIdHash }) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('instructors')
          .set({ password_hash: passwordHash, must_change_password: mustChangePassword ? 1 : 0 })
          .where('id', '=', instructorId)
          .execute();
        await trx
          .deleteFrom('sessions')
          .where('instructor_id', '=', instructorId)
          .where('id_hash', '<>', keepSessionIdHash)
          .execute();
      });
    },

    async createSession(session) {
      await db
        .insertInto('sessions')
        .values({ id_hash: session.idHash, instructor_id: session.instructorId, expires_at: session.expiresAt })
        .execute();
    },

    async findSession(idHash, now) {
      const row = await db
        .selectFrom('sessions')
        .select('instructor_id')
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row?.instructor_id ?? null;
    },

    async deleteSession(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },

    async listSequences(instructorId) {
      const rows = await db
        .selectFrom('sequences')
        .selectAll()
        .where('instructor_id', '=', instructorId)
        .where('is_library', '=', 0)
        .orderBy('created_at')
        .execute();
      return rows.map(toSequence);
    },

    getSequence: findSequence,

    async createSequence(instructorId, input, now) {
      const row = sequenceRow(instructorId, input, now);
      await db.insertInto('sequences').values(row).execute();
      return toSequence(row);
    },

    async updateSequence(id, instructorId, input, now) {
      const result = await db
        .updateTable('sequences')
        .set((eb) => ({
          title: input.title,
          language: input.language,
          cues_json: JSON.stringify(input.cues),
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('instructor_id', '=', instructorId)
        .where('is_library', '=', 0)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return null;
      return findSequence(id, instructorId);
    },

    async deleteSequence(id, instructorId) {
      const result = await db
        .deleteFrom('sequences')
        .where('id', '=', id)
        .where('instructor_id', '=', instructorId)
        .where('is_library', '=', 0)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async createClass(c) {
      await db
        .insertInto('classes')
        .values({
          id: c.id,
          instructor_id: c.instructorId,
          sequence_id: c.sequenceId,
          code: c.code,
          title: c.title,
          language: c.language,
          cues_json: JSON.stringify(c.cues),
          sequence_version: c.sequenceVersion ?? null,
          status: 'lobby',
          cue_index: -1,
          revision: 0,
          created_at: c.createdAt,
          updated_at: c.createdAt,
          cue_ends_at: null,
          paused_remaining_ms: null,
          is_auto_advance: 0,
        })
        .execute();
      return {
        ...c,
        status: 'lobby',
        cueIndex: -1,
        revision: 0,
        cueEndsAt: null,
        pausedRemainingMs: null,
        isAutoAdvance: false,
        endedAt: null,
        feedbackClosesAt: null,
      };
    },

    async getClass(id) {
      const row = await db.selectFrom('classes').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toClass(row) : null;
    },

    async findClassByCode(code) {
      const row = await db
        .selectFrom('classes')
        .selectAll()
        .where('code', '=', code)
        .orderBy(sql`case when status = 'ended' then 1 else 0 end`)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toClass(row) : null;
    },

    async isCodeInUse(code) {
      const row = await db
        .selectFrom('classes')
        .select('id')
        .where('code', '=', code)
        .where('status', '<>', 'ended')
        .executeTakeFirst();
      return row !== undefined;
    },

    async listClasses(instructorId) {
      const rows = await db
        .selectFrom('classes')
        .selectAll()
        .where('instructor_id', '=', instructorId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toClass);
    },

    async updateClassRun(id, expectedRevision, update, now) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('classes')
          .set({
            status: update.status,
            cue_index: update.cueIndex,
            revision: update.revision,
            cue_ends_at: update.cueEndsAt,
            paused_remaining_ms: update.pausedRemainingMs,
            is_auto_advance: update.isAutoAdvance ? 1 : 0,
            updated_at: now,
            // The class cannot leave `ended`, so this is written once: when the transition log says it ended.
            ...(update.status === 'ended' ? { ended_at: now } : {}),
            ...(update.feedbackClosesAt !== undefined ? { feedback_closes_at: update.feedbackClosesAt } : {}),
          })
          .where('id', '=', id)
          .where('revision', '=', expectedRevision)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto('class_transitions')
          .values({ class_id: id, revision: update.revision, status: update.status, cue_index: update.cueIndex, at: now })
          .execute();
        return true;
      });
    },

    async listActiveClasses() {
      const rows = await db.selectFrom('classes').selectAll().where('status', 'in', ['running', 'paused']).execute();
      return rows.map(toClass);
    },

    async upsertParticipant(classId, tokenHash, now) {
      const existing = await findParticipant(classId, tokenHash);
      if (existing) return { id: existing, isNew: false };
      const id = randomUUID();
      try {
        await db.insertInto('participants').values({ id, class_id: classId, token_hash: tokenHash, joined_at: now }).execute();
        return { id, isNew: true };
      } catch (error) {
        // Two connections of one phone raced; the other one inserted it.
        if (!isUniqueViolation(error)) throw error;
        const raced = await findParticipant(classId, tokenHash);
        if (!raced) throw error;
        return { id: raced, isNew: false };
      }
    },

    async countParticipants(classId) {
      const row = await db
        .selectFrom('participants')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('class_id', '=', classId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertFlag(flag) {
      try {
        await db
          .insertInto('flags')
          .values({
            id: flag.flagId,
            class_id: flag.classId,
            cue_index: flag.cueIndex,
            participant_id: flag.participantId,
            kind: flag.kind,
            region: flag.region ?? null,
            strength: flag.strength ?? null,
            created_at: flag.createdAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async updateFlagDetail(flagId, participantId, detail) {
      const result = await db
        .updateTable('flags')
        .set({ region: detail.region ?? null, strength: detail.strength ?? null })
        .where('id', '=', flagId)
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async deleteFlag(flagId, participantId, storedSince) {
      const result = await db
        .deleteFrom('flags')
        .where('id', '=', flagId)
        .where('participant_id', '=', participantId)
        .where('created_at', '>=', storedSince)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async tallyRegions(classId, cueIndex) {
      const rows = await db
        .selectFrom('flags')
        .select((eb) => ['region', 'kind', eb.fn.countAll<number>().as('n')])
        .where('class_id', '=', classId)
        .where('cue_index', '=', cueIndex)
        .where('region', 'is not', null)
        .groupBy(['region', 'kind'])
        .execute();
      const tally: RegionTally = {};
      for (const row of rows) {
        const region = (tally[row.region as RegionId] ??= { tension: 0, relief: 0 });
        region[row.kind as FlagKind] += Number(row.n);
      }
      return tally;
    },

    async flagsPerSecond(classId, since) {
      const rows = await db
        .selectFrom('flags')
        .select((eb) => [
          sql<number>`floor(created_at / 1000)`.as('second'),
          eb.fn.sum<number>(sql`case when kind = 'tension' then 1 else 0 end`).as('tension'),
          eb.fn.sum<number>(sql`case when kind = 'relief' then 1 else 0 end`).as('relief'),
        ])
        .where('class_id', '=', classId)
        .where('created_at', '>=', since)
        .groupBy(sql`floor(created_at / 1000)`)
        .orderBy(sql`floor(created_at / 1000)`)
        .execute();
      return rows.map((r) => ({ second: Number(r.second), tension: Number(r.tension), relief: Number(r.relief) }));
    },

    async insertAlert(alert) {
      try {
        await db.insertInto('alerts').values({ id: alert.alertId, class_id: alert.classId, created_at: alert.createdAt, acknowledged_at: null }).execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async acknowledgeAlert(classId, alertId, now) {
      const result = await db
        .updateTable('alerts')
        .set({ acknowledged_at: now })
        .where('id', '=', alertId)
        .where('class_id', '=', classId)
        .where('acknowledged_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async openAlerts(classId) {
      const rows = await db
        .selectFrom('alerts')
        .select(['id', 'created_at'])
        .where('class_id', '=', classId)
        .where('acknowledged_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({ alertId: r.id, createdAt: Number(r.created_at) }));
    },

    async tallyFlags(classId) {
      const rows = await db
        .selectFrom('flags')
        .select((eb) => [
          'cue_index',
          eb.fn.sum<number>(sql`case when kind = 'tension' then 1 else 0 end`).as('tension'),
          eb.fn.sum<number>(sql`case when kind = 'relief' then 1 else 0 end`).as('relief'),
          eb.fn.count<number>('participant_id').distinct().as('participants'),
        ])
        .where('class_id', '=', classId)
        .groupBy('cue_index')
        .orderBy('cue_index')
        .execute();
      return rows.map((r) => ({
        cueIndex: Number(r.cue_index),
        tension: Number(r.tension),
        relief: Number(r.relief),
        participants: Number(r.participants),
      }));
    },
  };

  async function findSequence(id: string, instructorId: string): Promise<Sequence | null> {
    const row = await db
      .selectFrom('sequences')
      .selectAll()
      .where('id', '=', id)
      .where('instructor_id', '=', instructorId)
      .where('is_library', '=', 0)
      .executeTakeFirst();
    return row ? toSequence(row) : null;
  }

  async function findParticipant(classId: string, tokenHash: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('participants')
      .select('id')
      .where('class_id', '=', classId)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row?.id;
  }
}

function toInstructor(row: Selectable<Database['instructors']>): InstructorRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    mustChangePassword: Number(row.must_change_password) === 1,
    role: row.role === 'lead' ? 'lead' : 'instructor',
    isActive: Number(row.is_active) === 1,
  };
}

/** A new sequence row; the cues are stored whole, in their order. */
function sequenceRow(instructorId: string, input: SequenceInput, createdAt: number): Insertable<Database['sequences']> {
  return {
    id: randomUUID(),
    instructor_id: instructorId,
    title: input.title,
    language: input.language,
    cues_json: JSON.stringify(input.cues),
    created_at: createdAt,
    updated_at: createdAt,
  };
}

function toSequence(row: Pick<Selectable<Database['sequences']>, 'id' | 'title' | 'language' | 'cues_json' | 'created_at' | 'updated_at'>): Sequence {
  return {
    id: row.id,
    title: row.title,
    language: row.language as Language,
    cues: JSON.parse(row.cues_json) as Cue[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toClass(row: Selectable<Database['classes']>): ClassRecord {
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
  };
}
