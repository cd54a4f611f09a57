/**
 * The Storage interface over Kysely. The same queries serve SQLite and PostgreSQL; the engine-specific part
 * (opening the connection) lives in `open-storage.ts`.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { RegionId } from '../../shared/regions.js';
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { FlagKind, RegionTally } from '../../shared/schemas/flag.js';
import type { Cue, Language, Sequence } from '../../shared/schemas/sequence.js';
import type { Database } from './database.js';
import type { ClassRecord, Storage } from './storage.js';

export function createKyselyStorage(db: Kysely<Database>, isUniqueViolation: (error: unknown) => boolean): Storage {
  return {
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

    async createInstructor(account, starterSequences, { onlyIfFirst }) {
      return db.transaction().execute(async (trx) => {
        if (onlyIfFirst) {
          const existing = await trx.selectFrom('instructors').select('id').limit(1).executeTakeFirst();
          if (existing) return null;
        }
        await trx
          .insertInto('instructors')
          .values({ id: account.id, email: account.email, password_hash: account.passwordHash, created_at: account.createdAt })
          .execute();
        if (starterSequences.length > 0) {
          await trx
            .insertInto('sequences')
            .values(
              starterSequences.map((sequence, i) => ({
                id: randomUUID(),
                instructor_id: account.id,
                title: sequence.title,
                language: sequence.language,
                cues_json: JSON.stringify(sequence.cues),
                // Distinct times keep the starter library in its written order.
                created_at: account.createdAt + i,
                updated_at: account.createdAt + i,
              })),
            )
            .execute();
        }
        return { id: account.id, email: account.email, passwordHash: account.passwordHash };
      });
    },

    async findInstructorByEmail(email) {
      const row = await db.selectFrom('instructors').selectAll().where('email', '=', email).executeTakeFirst();
      return row ? { id: row.id, email: row.email, passwordHash: row.password_hash } : null;
    },

    async findInstructorById(id) {
      const row = await db.selectFrom('instructors').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? { id: row.id, email: row.email, passwordHash: row.password_hash } : null;
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
        .orderBy('created_at')
        .execute();
      return rows.map(toSequence);
    },

    async getSequence(id, instructorId) {
      const row = await db
        .selectFrom('sequences')
        .selectAll()
        .where('id', '=', id)
        .where('instructor_id', '=', instructorId)
        .executeTakeFirst();
      return row ? toSequence(row) : null;
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
      return { ...c, status: 'lobby', cueIndex: -1, revision: 0, cueEndsAt: null, pausedRemainingMs: null, isAutoAdvance: false };
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

function toSequence(row: Selectable<Database['sequences']>): Sequence {
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
  };
}
