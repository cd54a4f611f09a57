/** Post-class feedback over Kysely: one answer per participant of a class, no time kept. */
import type { Feeling } from '../../shared/feedback.js';
import type { KyselyContext } from './kysely-context.js';
import type { FeedbackStorage } from './storage.js';

export function kyselyFeedback({ db }: KyselyContext): FeedbackStorage {
  return {
    async upsert(classId, participantId, answer) {
      const values = { feeling: answer.feeling, rating: answer.rating, comment: answer.comment };
      await db
        .insertInto('feedback')
        .values({ class_id: classId, participant_id: participantId, ...values })
        .onConflict((oc) => oc.columns(['class_id', 'participant_id']).doUpdateSet(values))
        .execute();
    },

    async list(classId) {
      const rows = await db.selectFrom('feedback').select(['feeling', 'rating', 'comment']).where('class_id', '=', classId).execute();
      return rows.map((r) => ({ feeling: r.feeling as Feeling, rating: Number(r.rating), comment: r.comment }));
    },
  };
}
