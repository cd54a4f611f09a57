/**
 * The clinic over Kysely: accounts as the lead manages them, the shared library (library rows of the sequences
 * table), and reads across every instructor's classes. The same queries serve SQLite and PostgreSQL.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Language, SequenceInput } from '../../shared/schemas/sequence.js';
import { sequenceRow } from './accounts.js';
import type { Database } from './database.js';
import { sequenceEdit, toSequence } from './sequences.js';
import type { Role } from '../../shared/schemas/clinic.js';
import type { AccountChange, ClassRecord, ClinicClassOverview, ClinicFilter, ClinicStorage, SequenceRecord } from './storage.js';

export function createClinicStorage(db: Kysely<Database>, toClass: (row: Selectable<Database['classes']>) => ClassRecord): ClinicStorage {
  /**
   * Runs a change to accounts and refuses it, writing nothing, when afterwards no active lead would be left.
   * Serializable, so two leads demoting each other at once on two processes cannot both succeed.
   */
  async function keepingALead(instructorId: string, change: (trx: Kysely<Database>) => Promise<void>): Promise<AccountChange> {
    return db
      .transaction()
      .setIsolationLevel('serializable')
      .execute(async (trx) => {
        const exists = await trx.selectFrom('instructors').select('id').where('id', '=', instructorId).executeTakeFirst();
        if (!exists) return 'not_found';
        await change(trx);
        const leads = await trx
          .selectFrom('instructors')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'lead')
          .where('is_active', '=', 1)
          .executeTakeFirstOrThrow();
        // Throwing rolls the change back.
        if (Number(leads.n) === 0) throw new LastLead();
        return 'ok';
      })
      .catch((error: unknown) => {
        if (error instanceof LastLead) return 'last_lead' as const;
        throw error;
      });
  }

  function classOverviews(filter: ClinicFilter) {
    let query = db
      .selectFrom('classes')
      .innerJoin('instructors', 'instructors.id', 'classes.instructor_id')
      .selectAll('classes')
      .select('instructors.email as instructor_email')
      // The sequence each class counts towards (see ClinicClassOverview.family), joined rather than looked up per class.
      .leftJoin('sequences as own', 'own.id', 'classes.sequence_id')
      .leftJoin('sequences as source', (join) =>
        join.onRef('source.id', '=', 'own.source_id').on('own.is_library', '=', 0).on('source.is_library', '=', 1),
      )
      .select(['own.id as own_id', 'own.title as own_title', 'own.language as own_language'])
      .select(['source.id as source_id', 'source.title as source_title', 'source.language as source_language'])
      .select((eb) => [
        eb.selectFrom('participants').select((e) => e.fn.countAll<number>().as('n')).whereRef('participants.class_id', '=', 'classes.id').as('participants'),
        eb.selectFrom('feedback').select((e) => e.fn.countAll<number>().as('n')).whereRef('feedback.class_id', '=', 'classes.id').as('feedback_answers'),
        eb
          .selectFrom('feedback')
          .select((e) => e.fn.coalesce(e.fn.sum<number>('rating'), sql<number>`0`).as('n'))
          .whereRef('feedback.class_id', '=', 'classes.id')
          .as('feedback_rating_sum'),
      ])
      .where('classes.status', '<>', 'lobby');
    if (filter.instructorId) query = query.where('classes.instructor_id', '=', filter.instructorId);
    if (filter.from !== undefined) query = query.where('classes.created_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('classes.created_at', '<', filter.to);
    return query;
  }

  type OverviewRow = Awaited<ReturnType<ReturnType<typeof classOverviews>['execute']>>[number];
  const toOverview = (row: OverviewRow): ClinicClassOverview => ({
    record: toClass(row),
    instructorEmail: row.instructor_email,
    family: familyOf(row),
    participants: Number(row.participants ?? 0),
    feedbackAnswers: Number(row.feedback_answers ?? 0),
    feedbackRatingSum: Number(row.feedback_rating_sum ?? 0),
  });

  async function findSequence(id: string): Promise<SequenceRecord | null> {
    const row = await db.selectFrom('sequences').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSequenceRecord(row) : null;
  }

  async function insertSequence(trx: Kysely<Database>, ownerId: string, input: SequenceInput, sourceId: string | null, now: number, isLibrary: boolean) {
    const row = { ...sequenceRow(ownerId, input, now), is_library: isLibrary ? 1 : 0, source_id: sourceId };
    await trx.insertInto('sequences').values(row).execute();
    return row.id;
  }

  return {
    async listAccounts() {
      const rows = await db.selectFrom('instructors').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => ({
        id: row.id,
        email: row.email,
        role: toRole(row.role),
        isActive: Number(row.is_active) === 1,
        mustChangePassword: Number(row.must_change_password) === 1,
        createdAt: Number(row.created_at),
        lastSignInAt: row.last_sign_in_at === null ? null : Number(row.last_sign_in_at),
      }));
    },

    setRole(instructorId, role) {
      return keepingALead(instructorId, async (trx) => {
        await trx.updateTable('instructors').set({ role }).where('id', '=', instructorId).execute();
      });
    },

    setActive(instructorId, isActive) {
      return keepingALead(instructorId, async (trx) => {
        await trx.updateTable('instructors').set({ is_active: isActive ? 1 : 0 }).where('id', '=', instructorId).execute();
        if (!isActive) await trx.deleteFrom('sessions').where('instructor_id', '=', instructorId).execute();
      });
    },

    async resetPassword(instructorId, passwordHash) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('instructors')
          .set({ password_hash: passwordHash, must_change_password: 1 })
          .where('id', '=', instructorId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx.deleteFrom('sessions').where('instructor_id', '=', instructorId).execute();
        return true;
      });
    },

    async recordSignIn(instructorId, now) {
      await db.updateTable('instructors').set({ last_sign_in_at: now }).where('id', '=', instructorId).execute();
    },

    async getThreshold() {
      const row = await db.selectFrom('clinic_settings').select('summary_threshold').where('id', '=', 1).executeTakeFirst();
      return Number(row?.summary_threshold ?? 3);
    },

    async setThreshold(threshold) {
      await db.updateTable('clinic_settings').set({ summary_threshold: threshold }).where('id', '=', 1).execute();
    },

    findSequence,

    async listLibrary() {
      const rows = await db
        .selectFrom('sequences')
        .selectAll()
        .where('is_library', '=', 1)
        .where('retired_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toSequenceRecord);
    },

    async createLibrarySequence(ownerId, input, sourceId, now) {
      const id = await insertSequence(db, ownerId, input, sourceId, now, true);
      return (await findSequence(id))!;
    },

    async copyToOwn(instructorId, library, now) {
      const id = await insertSequence(db, instructorId, library, library.id, now, false);
      return (await findSequence(id))!;
    },

    async updateLibrarySequence(id, input, now) {
      const result = await db
        .updateTable('sequences')
        .set(sequenceEdit(input, now))
        .where('id', '=', id)
        .where('is_library', '=', 1)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? findSequence(id) : null;
    },

    async retireLibrarySequence(id, now) {
      const result = await db
        .updateTable('sequences')
        .set({ retired_at: now })
        .where('id', '=', id)
        .where('is_library', '=', 1)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async seedLibrary(leadId, starters, now) {
      await db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async (trx) => {
          const seeded = await trx.selectFrom('sequences').select('id').where('is_library', '=', 1).limit(1).executeTakeFirst();
          if (seeded) return;
          for (const [i, starter] of starters.entries()) {
            // Distinct times keep the library in the starter files' order.
            const libraryId = await insertSequence(trx, leadId, starter, null, now + i, true);
            const unchanged = await trx
              .selectFrom('sequences')
              .select('id')
              .where('is_library', '=', 0)
              .where('title', '=', starter.title)
              .where('language', '=', starter.language)
              .where('cues_json', '=', JSON.stringify(starter.cues))
              .execute();
            const copyIds = unchanged.map((r) => r.id);
            if (copyIds.length === 0) continue;
            await trx.updateTable('classes').set({ sequence_id: libraryId }).where('sequence_id', 'in', copyIds).execute();
            await trx.deleteFrom('sequences').where('id', 'in', copyIds).execute();
          }
        });
    },

    async listClasses(filter, { limit, offset }) {
      const [rows, count] = await Promise.all([
        classOverviews(filter).orderBy('classes.created_at', 'desc').orderBy('classes.id', 'desc').limit(limit).offset(offset).execute(),
        classOverviews(filter)
          .clearSelect()
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toOverview), total: Number(count.n) };
    },

    async feedbackOfClasses(classIds) {
      if (classIds.length === 0) return [];
      const rows = await db.selectFrom('feedback').select(['class_id', 'feeling', 'rating']).where('class_id', 'in', classIds).execute();
      return rows.map((r) => ({ classId: r.class_id, feeling: r.feeling, rating: Number(r.rating) }));
    },

    async listSequenceFamilyClasses(sequenceId, filter, limit) {
      const family = db
        .selectFrom('sequences')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', sequenceId), eb('source_id', '=', sequenceId)]));
      const rows = await classOverviews(filter)
        .where('classes.sequence_id', 'in', family)
        .orderBy('classes.created_at', 'desc')
        .orderBy('classes.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toOverview).reverse();
    },
  };
}

class LastLead extends Error {}

/** The library sequence a copy came from, else the class's own sequence; null when that is gone. */
function familyOf(row: {
  own_id: string | null;
  own_title: string | null;
  own_language: string | null;
  source_id: string | null;
  source_title: string | null;
  source_language: string | null;
}): ClinicClassOverview['family'] {
  if (row.source_id !== null) return { sequenceId: row.source_id, title: row.source_title!, language: row.source_language as Language };
  if (row.own_id !== null) return { sequenceId: row.own_id, title: row.own_title!, language: row.own_language as Language };
  return null;
}

function toRole(role: string): Role {
  return role === 'lead' ? 'lead' : 'instructor';
}

function toSequenceRecord(row: Selectable<Database['sequences']>): SequenceRecord {
  return {
    ...toSequence(row),
    ownerId: row.instructor_id,
    isLibrary: Number(row.is_library) === 1,
    sourceId: row.source_id,
    version: Number(row.version),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  };
}
