/** Safety alerts over Kysely: the id made on the phone, at most one open alert per participant (a partial UNIQUE index). */
import type { KyselyContext } from './kysely-context.js';
import type { AlertRaiseResult, AlertStorage } from './storage.js';

export function kyselyAlerts({ db, isUniqueViolation }: KyselyContext): AlertStorage {
  async function byId(alertId: string): Promise<AlertRaiseResult | null> {
    const row = await db.selectFrom('alerts').select('acknowledged_at').where('id', '=', alertId).executeTakeFirst();
    return row ? { status: 'duplicate', isSeen: row.acknowledged_at !== null } : null;
  }

  return {
    async raise(alert) {
      const existing = await byId(alert.alertId);
      if (existing) return existing;
      try {
        await db
          .insertInto('alerts')
          .values({ id: alert.alertId, class_id: alert.classId, participant_id: alert.participantId, created_at: alert.createdAt, acknowledged_at: null })
          .execute();
        return { status: 'raised' };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Either the same id raced in on another connection, or this participant already has an open alert.
        return (await byId(alert.alertId)) ?? { status: 'already_open' };
      }
    },

    async acknowledge(classId, alertId, now) {
      const result = await db
        .updateTable('alerts')
        .set({ acknowledged_at: now })
        .where('id', '=', alertId)
        .where('class_id', '=', classId)
        .where('acknowledged_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async acknowledgeAll(classId, now) {
      const rows = await db
        .updateTable('alerts')
        .set({ acknowledged_at: now })
        .where('class_id', '=', classId)
        .where('acknowledged_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async listOpen(classId) {
      const rows = await db
        .selectFrom('alerts')
        .select(['id', 'created_at'])
        .where('class_id', '=', classId)
        .where('acknowledged_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ alertId: r.id, createdAt: Number(r.created_at) }));
    },
  };
}
