/**
 * The insights' part of the Storage interface over Kysely (spread into the one Storage object): how many
 * distinct participants flagged each cue with each kind. The same query serves SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';
import type { FlagKind } from '../../shared/schemas/flag.js';
import type { Database } from './database.js';
import type { Storage } from './storage.js';

export function createInsightsStorage(db: Kysely<Database>): Pick<Storage, 'countFlaggersOfClasses'> {
  return {
    async countFlaggersOfClasses(classIds) {
      if (classIds.length === 0) return [];
      const rows = await db
        .selectFrom('flags')
        .select((eb) => ['class_id', 'cue_index', 'kind', eb.fn.count<number>('participant_id').distinct().as('participants')])
        .where('class_id', 'in', classIds)
        .groupBy(['class_id', 'cue_index', 'kind'])
        .execute();
      return rows.map((r) => ({ classId: r.class_id, cueIndex: Number(r.cue_index), kind: r.kind as FlagKind, participants: Number(r.participants) }));
    },
  };
}
