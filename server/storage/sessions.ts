/** Signed-in sessions over Kysely, kept by the hash of their secret. */
import type { KyselyContext } from './kysely-context.js';
import type { SessionStorage } from './storage.js';

export function kyselySessions({ db }: KyselyContext): SessionStorage {
  return {
    async create(session) {
      await db
        .insertInto('sessions')
        .values({ id_hash: session.idHash, instructor_id: session.instructorId, expires_at: session.expiresAt })
        .execute();
    },

    async find(idHash, now) {
      const row = await db
        .selectFrom('sessions')
        .select('instructor_id')
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row?.instructor_id ?? null;
    },

    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
  };
}
