/** Anonymous participants over Kysely: a random token's hash per class, nothing else. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { compiledOnce } from './compiled-once.js';
import type { KyselyContext } from './kysely-context.js';
import type { ParticipantStorage } from './storage.js';

/** Thrown inside the join transaction to roll it back when the class is full. */
class ClassFull extends Error {}

export function kyselyParticipants({ db, isUniqueViolation }: KyselyContext): ParticipantStorage {
  // Read for every phone's (re)connection.
  const findQuery = compiledOnce((v: { classId: string; tokenHash: string }) =>
    db.selectFrom('participants').select('id').where('class_id', '=', v.classId).where('token_hash', '=', v.tokenHash),
  );

  async function find(classId: string, tokenHash: string): Promise<string | undefined> {
    const [row] = (await findQuery(db, { classId, tokenHash })).rows;
    return row?.id;
  }

  return {
    async upsert(classId, tokenHash, now, maxParticipants) {
      const existing = await find(classId, tokenHash);
      if (existing) return { id: existing, isNew: false };
      const id = randomUUID();
      try {
        await db.transaction().execute(async (trx) => {
          // The count on the class row is the cap's lock: a conditional increment, also across processes.
          const counted = await trx
            .updateTable('classes')
            .set({ participant_count: sql`participant_count + 1` })
            .where('id', '=', classId)
            .where('participant_count', '<', maxParticipants)
            .executeTakeFirst();
          if (Number(counted.numUpdatedRows) !== 1) throw new ClassFull();
          await trx.insertInto('participants').values({ id, class_id: classId, token_hash: tokenHash, joined_at: now }).execute();
        });
        return { id, isNew: true };
      } catch (error) {
        if (error instanceof ClassFull) return null;
        // Two connections of one phone raced; the other one inserted it (and this count was rolled back).
        if (!isUniqueViolation(error)) throw error;
        const raced = await find(classId, tokenHash);
        if (!raced) throw error;
        return { id: raced, isNew: false };
      }
    },

    async count(classId) {
      const row = await db.selectFrom('classes').select('participant_count').where('id', '=', classId).executeTakeFirst();
      return Number(row?.participant_count ?? 0);
    },

    async findId(classId, tokenHash) {
      return (await find(classId, tokenHash)) ?? null;
    },
  };
}
