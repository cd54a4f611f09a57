/** Instructor accounts and their summary settings over Kysely. */
import { randomUUID } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { SequenceInput } from '../../shared/schemas/sequence.js';
import type { Database } from './database.js';
import type { KyselyContext } from './kysely-context.js';
import type { AccountStorage, InstructorRecord } from './storage.js';

export function kyselyAccounts({ db, isUniqueViolation, isSerializationFailure }: KyselyContext): AccountStorage {
  return {
    async count() {
      const row = await db.selectFrom('instructors').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async create(account, starterSequences, { onlyIfFirst, mustChangePassword = false }) {
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
          const role: InstructorRecord['role'] = onlyIfFirst ? 'lead' : 'instructor';
          return { id: account.id, email: account.email, passwordHash: account.passwordHash, mustChangePassword, role, isActive: true };
        });
      } catch (error) {
        // The e-mail is taken (UNIQUE): nothing was written.
        if (isUniqueViolation(error)) return null;
        // A concurrent first-run sign-up committed first: this one is no longer first.
        if (onlyIfFirst && isSerializationFailure(error)) return null;
        throw error;
      }
    },

    async findByEmail(email) {
      const row = await db.selectFrom('instructors').selectAll().where('email', '=', email).executeTakeFirst();
      return row ? toInstructor(row) : null;
    },

    async findById(id) {
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

    async getSummarySettings(instructorId) {
      const row = await db.selectFrom('instructors').select('summary_threshold').where('id', '=', instructorId).executeTakeFirst();
      return row ? { summaryThreshold: Number(row.summary_threshold) } : null;
    },

    async updateSummarySettings(instructorId, settings) {
      await db.updateTable('instructors').set({ summary_threshold: settings.summaryThreshold }).where('id', '=', instructorId).execute();
    },
  };
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
export function sequenceRow(instructorId: string, input: SequenceInput, createdAt: number): Insertable<Database['sequences']> & Pick<Selectable<Database['sequences']>, 'id' | 'title' | 'language' | 'cues_json' | 'created_at' | 'updated_at'> {
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
