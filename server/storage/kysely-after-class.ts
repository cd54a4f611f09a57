/**
 * The after-class part of the Storage interface over Kysely (feedback, summaries, history, trends, retention),
 * kept beside `kysely-storage.ts`, which spreads it into the one Storage object. The same queries serve SQLite
 * and PostgreSQL.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Feeling } from '../../shared/feedback.js';
import type { RegionId } from '../../shared/regions.js';
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { CueTally, FlagKind } from '../../shared/schemas/flag.js';
import type { Database } from './database.js';
import type { FlagFigures, FlagGroup } from '../domain/summary.js';
import type { ClassOverview, ClassRecord, Storage } from './storage.js';

type AfterClassStorage = Pick<
  Storage,
  | 'listTransitions'
  | 'upsertFeedback'
  | 'listFeedback'
  | 'flagFigures'
  | 'tallyFlagsOfClasses'
  | 'flagSecondsByCue'
  | 'reachedCuesOfClasses'
  | 'listClassHistory'
  | 'listSequenceClasses'
  | 'getSummarySettings'
  | 'updateSummarySettings'
  | 'listClassesWithFlagsBefore'
  | 'archiveFlags'
>;

type ClassTally = CueTally & { classId: string };

export function createAfterClassStorage(db: Kysely<Database>, toClass: (row: Selectable<Database['classes']>) => ClassRecord): AfterClassStorage {
  /** A class's overview rows: the class and, per class, joined participants and feedback answers. */
  function overviews(instructorId: string) {
    return db
      .selectFrom('classes')
      .selectAll('classes')
      .select((eb) => [
        eb
          .selectFrom('participants')
          .select((sub) => sub.fn.countAll<number>().as('n'))
          .whereRef('participants.class_id', '=', 'classes.id')
          .as('participant_count'),
        eb
          .selectFrom('feedback')
          .select((sub) => sub.fn.countAll<number>().as('n'))
          .whereRef('feedback.class_id', '=', 'classes.id')
          .as('feedback_answers'),
        eb
          .selectFrom('feedback')
          .select((sub) => sub.fn.sum<number>('rating').as('s'))
          .whereRef('feedback.class_id', '=', 'classes.id')
          .as('feedback_rating_sum'),
      ])
      .where('classes.instructor_id', '=', instructorId)
      .where('classes.status', '<>', 'lobby');
  }

  function toOverview(
    row: Selectable<Database['classes']> & { participant_count: number | null; feedback_answers: number | null; feedback_rating_sum: number | null },
  ): ClassOverview {
    return {
      record: toClass(row),
      participants: Number(row.participant_count ?? 0),
      feedbackAnswers: Number(row.feedback_answers ?? 0),
      feedbackRatingSum: Number(row.feedback_rating_sum ?? 0),
    };
  }

  return {
    async listTransitions(classId) {
      const rows = await db.selectFrom('class_transitions').selectAll().where('class_id', '=', classId).orderBy('revision').execute();
      return rows.map((r) => ({ revision: Number(r.revision), status: r.status as ClassStatus, cueIndex: Number(r.cue_index), at: Number(r.at) }));
    },

    async upsertFeedback(classId, participantId, answer) {
      const values = { feeling: answer.feeling, rating: answer.rating, comment: answer.comment };
      await db
        .insertInto('feedback')
        .values({ class_id: classId, participant_id: participantId, ...values })
        .onConflict((oc) => oc.columns(['class_id', 'participant_id']).doUpdateSet(values))
        .execute();
    },

    async listFeedback(classId) {
      const rows = await db.selectFrom('feedback').select(['feeling', 'rating', 'comment']).where('class_id', '=', classId).execute();
      return rows.map((r) => ({ feeling: r.feeling as Feeling, rating: Number(r.rating), comment: r.comment }));
    },

    async flagFigures(classId) {
      const row = await db.selectFrom('classes').select('flags_archived_at').where('id', '=', classId).executeTakeFirst();
      return row && row.flags_archived_at !== null ? archivedFigures(db, classId) : rawFigures(db, classId);
    },

    async flagSecondsByCue(classId) {
      const row = await db.selectFrom('classes').select('flags_archived_at').where('id', '=', classId).executeTakeFirst();
      if (!row || row.flags_archived_at !== null) return null;
      const second = sql<number>`floor(created_at / 1000)`;
      const rows = await db
        .selectFrom('flags')
        .select((eb) => ['cue_index', 'kind', second.as('second'), eb.fn.countAll<number>().as('n')])
        .where('class_id', '=', classId)
        .groupBy(['cue_index', 'kind', second])
        .execute();
      return rows.map((r) => ({ cueIndex: Number(r.cue_index), kind: r.kind as FlagKind, second: Number(r.second), flags: Number(r.n) }));
    },

    async reachedCuesOfClasses(classIds) {
      if (classIds.length === 0) return [];
      const rows = await db
        .selectFrom('class_transitions')
        .select(['class_id', 'cue_index'])
        .distinct()
        .where('class_id', 'in', classIds)
        .where('status', 'in', ['running', 'paused'])
        .execute();
      return rows.map((r) => ({ classId: r.class_id, cueIndex: Number(r.cue_index) }));
    },

    async tallyFlagsOfClasses(classIds) {
      if (classIds.length === 0) return [];
      const archived = await db
        .selectFrom('classes')
        .select('id')
        .where('id', 'in', classIds)
        .where('flags_archived_at', 'is not', null)
        .execute();
      const archivedIds = archived.map((r) => r.id);
      const rawIds = classIds.filter((id) => !archivedIds.includes(id));
      const [raw, kept] = await Promise.all([rawTallies(db, rawIds), archivedTallies(db, archivedIds)]);
      return [...raw, ...kept];
    },

    async listClassHistory(instructorId, { limit, offset }) {
      const [rows, count] = await Promise.all([
        overviews(instructorId).orderBy('classes.created_at', 'desc').orderBy('classes.id', 'desc').limit(limit).offset(offset).execute(),
        db
          .selectFrom('classes')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('instructor_id', '=', instructorId)
          .where('status', '<>', 'lobby')
          .executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toOverview), total: Number(count.n) };
    },

    async listSequenceClasses(instructorId, sequenceId, limit) {
      const rows = await overviews(instructorId)
        .where('classes.sequence_id', '=', sequenceId)
        .orderBy('classes.created_at', 'desc')
        .orderBy('classes.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toOverview).reverse();
    },

    async getSummarySettings(instructorId) {
      const row = await db.selectFrom('instructors').select('summary_threshold').where('id', '=', instructorId).executeTakeFirst();
      return row ? { summaryThreshold: Number(row.summary_threshold) } : null;
    },

    async updateSummarySettings(instructorId, settings) {
      await db.updateTable('instructors').set({ summary_threshold: settings.summaryThreshold }).where('id', '=', instructorId).execute();
    },

    async listClassesWithFlagsBefore(before) {
      const rows = await db.selectFrom('flags').select('class_id').distinct().where('created_at', '<', before).execute();
      return rows.map((r) => r.class_id);
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
                  figures.groups.map((g) => ({
                    class_id: classId,
                    cue_index: g.cueIndex,
                    kind: g.kind,
                    region: g.region,
                    strength: g.strength,
                    flags: g.flags,
                  })),
                )
                .execute();
            }
            await trx.updateTable('classes').set({ flags_archived_at: now }).where('id', '=', classId).execute();
          }
          const deleted = await trx.deleteFrom('flags').where('class_id', '=', classId).executeTakeFirst();
          return Number(deleted.numDeletedRows);
        });
    },
  };
}

/** Per cue, tension, relief and distinct participants of these classes' raw flags. */
async function rawTallies(db: Kysely<Database>, classIds: string[]): Promise<ClassTally[]> {
  if (classIds.length === 0) return [];
  const rows = await db
    .selectFrom('flags')
    .select((eb) => [
      'class_id',
      'cue_index',
      eb.fn.sum<number>(sql`case when kind = 'tension' then 1 else 0 end`).as('tension'),
      eb.fn.sum<number>(sql`case when kind = 'relief' then 1 else 0 end`).as('relief'),
      eb.fn.count<number>('participant_id').distinct().as('participants'),
    ])
    .where('class_id', 'in', classIds)
    .groupBy(['class_id', 'cue_index'])
    .orderBy('class_id')
    .orderBy('cue_index')
    .execute();
  return rows.map((r) => ({
    classId: r.class_id,
    cueIndex: Number(r.cue_index),
    tension: Number(r.tension),
    relief: Number(r.relief),
    participants: Number(r.participants),
  }));
}

async function archivedTallies(db: Kysely<Database>, classIds: string[]): Promise<ClassTally[]> {
  if (classIds.length === 0) return [];
  const rows = await db.selectFrom('cue_aggregates').selectAll().where('class_id', 'in', classIds).orderBy('class_id').orderBy('cue_index').execute();
  return rows.map((r) => ({
    classId: r.class_id,
    cueIndex: Number(r.cue_index),
    tension: Number(r.tension),
    relief: Number(r.relief),
    participants: Number(r.participants),
  }));
}

function withoutClassId({ cueIndex, tension, relief, participants }: ClassTally): CueTally {
  return { cueIndex, tension, relief, participants };
}

async function rawFigures(db: Kysely<Database>, classId: string): Promise<FlagFigures> {
  const [cues, rows] = await Promise.all([
    rawTallies(db, [classId]),
    db
      .selectFrom('flags')
      .select((eb) => ['cue_index', 'kind', 'region', 'strength', eb.fn.countAll<number>().as('flags')])
      .where('class_id', '=', classId)
      .groupBy(['cue_index', 'kind', 'region', 'strength'])
      .execute(),
  ]);
  return { cues: cues.map(withoutClassId), groups: sortGroups(rows.map(toGroup)) };
}

async function archivedFigures(db: Kysely<Database>, classId: string): Promise<FlagFigures> {
  const [cues, rows] = await Promise.all([
    archivedTallies(db, [classId]),
    db.selectFrom('flag_aggregates').select(['cue_index', 'kind', 'region', 'strength', 'flags']).where('class_id', '=', classId).execute(),
  ]);
  return { cues: cues.map(withoutClassId), groups: sortGroups(rows.map(toGroup)) };
}

function toGroup(row: { cue_index: number; kind: string; region: string | null; strength: number | null; flags: number }): FlagGroup {
  return {
    cueIndex: Number(row.cue_index),
    kind: row.kind as FlagKind,
    region: row.region as RegionId | null,
    strength: row.strength === null ? null : Number(row.strength),
    flags: Number(row.flags),
  };
}

/** One order for both sources, whatever order each engine returns its groups in (nulls first). */
function sortGroups(groups: FlagGroup[]): FlagGroup[] {
  const key = (g: FlagGroup) => [g.cueIndex, g.kind, g.region ?? '', g.strength ?? 0] as const;
  return groups.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! < kb[i]!) return -1;
      if (ka[i]! > kb[i]!) return 1;
    }
    return 0;
  });
}
