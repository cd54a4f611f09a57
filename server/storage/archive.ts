/** Retention over Kysely: a class's raw flags become aggregates, then are deleted with what is kept per participant. */
import type { KyselyContext } from './kysely-context.js';
import { rawFigures } from './flags.js';
import type { ArchiveStorage } from './storage.js';

export function kyselyArchive({ db }: KyselyContext): ArchiveStorage {
  return {
    async listClassesWithFlagsBefore(before) {
      // Class by class on (class_id, created_at): no index on the flags' time alone is kept for a daily job.
      const rows = await db
        .selectFrom('classes')
        .select('id')
        .where(({ exists, selectFrom }) =>
          exists(selectFrom('flags').select('flags.id').whereRef('flags.class_id', '=', 'classes.id').where('flags.created_at', '<', before)),
        )
        .execute();
      return rows.map((r) => r.id);
    },

    async archiveFlags(classId, now) {
      // Repeatable read on PostgreSQL: the aggregates and the delete see the same flags, so a flag that arrives
      // meanwhile is neither counted nor deleted. SQLite runs the transaction alone anyway.
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const row = await trx.selectFrom('classes').select('flags_archived_at').where('id', '=', classId).executeTakeFirst();
          if (!row) return 0;
          // Flags that arrive after a class was archived were never in its summary: they are only deleted.
          if (row.flags_archived_at === null) {
            const figures = await rawFigures(trx, classId);
            if (figures.cues.length > 0) {
              await trx
                .insertInto('cue_aggregates')
                .values(figures.cues.map((c) => ({ class_id: classId, cue_index: c.cueIndex, tension: c.tension, relief: c.relief, participants: c.participants })))
                .execute();
            }
            if (figures.groups.length > 0) {
              await trx
                .insertInto('flag_aggregates')
                .values(
                  figures.groups.map((g) => ({ class_id: classId, cue_index: g.cueIndex, kind: g.kind, region: g.region, strength: g.strength, flags: g.flags })),
                )
                .execute();
            }
            await trx.updateTable('classes').set({ flags_archived_at: now }).where('id', '=', classId).execute();
          }
          // What ties counts to one participant goes with the raw flags; the per-cue and per-region tallies stay.
          await trx.deleteFrom('participant_cue_flags').where('class_id', '=', classId).execute();
          await trx.deleteFrom('flag_tombstones').where('class_id', '=', classId).execute();
          const deleted = await trx.deleteFrom('flags').where('class_id', '=', classId).executeTakeFirst();
          return Number(deleted.numDeletedRows);
        });
    },
  };
}
