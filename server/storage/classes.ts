/** Classes over Kysely: run state (conditional on the revision), the transition log, history lists. */
import { sql, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { ClassStatus } from '../../shared/schemas/class.js';
import { compiledOnce } from './compiled-once.js';
import type { Database } from './database.js';
import { toClass, type KyselyContext } from './kysely-context.js';
import type { ClassOverview, ClassStorage } from './storage.js';

/** The class a join code opens: one that has not ended, else the newest that has. */
function byCode<O>(query: SelectQueryBuilder<Database, 'classes', O>, code: string) {
  return query
    .where('code', '=', code)
    .orderBy(sql`case when status = 'ended' then 1 else 0 end`)
    .orderBy('created_at', 'desc')
    .limit(1);
}

export function kyselyClasses({ db }: KyselyContext): ClassStorage {
  // Read for every command.
  const getClass = compiledOnce((v: { id: string }) => db.selectFrom('classes').selectAll().where('id', '=', v.id));
  // Read for every flag and every tally: a few numbers, not the cues' JSON (measuring its length was most of the read).
  const getRun = compiledOnce((v: { id: string }) => db.selectFrom('classes').select(['id', 'status', 'cue_index', 'revision', 'max_cue_index']).where('id', '=', v.id));

  // Read for every phone's (re)connection: the class the code opens, without its cues.
  const entryByCode = compiledOnce((v: { code: string }) => byCode(db.selectFrom('classes').select(['id', 'status', 'feedback_closes_at']), v.code));

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
          .as('participant_total'),
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

  return {
    async create(c) {
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
          sequence_version: c.sequenceVersion ?? null,
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
      return {
        ...c,
        status: 'lobby',
        cueIndex: -1,
        revision: 0,
        cueEndsAt: null,
        pausedRemainingMs: null,
        isAutoAdvance: false,
        endedAt: null,
        feedbackClosesAt: null,
        maxCueIndexReached: -1,
        sequenceVersion: c.sequenceVersion ?? null,
      };
    },

    async get(id) {
      const [row] = (await getClass(db, { id })).rows;
      return row ? toClass(row) : null;
    },

    async getRun(id) {
      const [row] = (await getRun(db, { id })).rows;
      if (!row) return null;
      return {
        id: row.id,
        status: row.status as ClassStatus,
        cueIndex: Number(row.cue_index),
        revision: Number(row.revision),
        maxCueIndexReached: Number(row.max_cue_index),
      };
    },

    async findByCode(code) {
      const row = await byCode(db.selectFrom('classes').selectAll(), code).executeTakeFirst();
      return row ? toClass(row) : null;
    },

    async findEntryByCode(code) {
      const [row] = (await entryByCode(db, { code })).rows;
      if (!row) return null;
      return { id: row.id, status: row.status as ClassStatus, feedbackClosesAt: row.feedback_closes_at === null ? null : Number(row.feedback_closes_at) };
    },

    async isCodeInUse(code) {
      const row = await db.selectFrom('classes').select('id').where('code', '=', code).where('status', '<>', 'ended').executeTakeFirst();
      return row !== undefined;
    },

    async list(instructorId) {
      const rows = await db.selectFrom('classes').selectAll().where('instructor_id', '=', instructorId).orderBy('created_at', 'desc').execute();
      return rows.map(toClass);
    },

    async updateRun(id, expectedRevision, update, now) {
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
            max_cue_index: update.maxCueIndexReached,
            updated_at: now,
            // The class cannot leave `ended`, so this is written once: when the transition log says it ended.
            ...(update.status === 'ended' ? { ended_at: now } : {}),
            ...(update.feedbackClosesAt !== undefined ? { feedback_closes_at: update.feedbackClosesAt } : {}),
            ...(update.added ? { cues_json: JSON.stringify(update.added.cues) } : {}),
          })
          .where('id', '=', id)
          .where('revision', '=', expectedRevision)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        if (update.added) await shiftCues(trx, id, update.added.insertedAt);
        await trx
          .insertInto('class_transitions')
          .values({ class_id: id, revision: update.revision, status: update.status, cue_index: update.cueIndex, at: now })
          .execute();
        return true;
      });
    },

    async keepCue(change) {
      return db.transaction().execute(async (trx) => {
        const kept = await trx
          .updateTable('classes')
          .set({ cues_json: JSON.stringify(change.classCues) })
          .where('id', '=', change.classId)
          .where('cues_json', '=', JSON.stringify(change.expectedClassCues))
          .executeTakeFirst();
        if (Number(kept.numUpdatedRows) !== 1) return null;
        const updated = await trx
          .updateTable('sequences')
          .set((eb) => ({ cues_json: JSON.stringify(change.sequenceCues), updated_at: change.now, version: eb('version', '+', 1) }))
          .where('id', '=', change.sequenceId)
          .where('instructor_id', '=', change.instructorId)
          .where('is_library', '=', 0)
          .where('version', '=', change.expectedVersion)
          .executeTakeFirst();
        // Throwing rolls the class's mark back with it.
        if (Number(updated.numUpdatedRows) !== 1) throw new StaleKeep();
        return change.expectedVersion + 1;
      }).catch((error: unknown) => {
        if (error instanceof StaleKeep) return null;
        throw error;
      });
    },

    async listActive() {
      const rows = await db.selectFrom('classes').selectAll().where('status', 'in', ['running', 'paused']).execute();
      return rows.map(toClass);
    },

    async listTransitions(classId) {
      const rows = await db.selectFrom('class_transitions').selectAll().where('class_id', '=', classId).orderBy('revision').execute();
      return rows.map((r) => ({ revision: Number(r.revision), status: r.status as ClassStatus, cueIndex: Number(r.cue_index), at: Number(r.at) }));
    },

    async listHistory(instructorId, { limit, offset }) {
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

    async reachedCuesOf(classIds) {
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

    async listOfSequence(instructorId, sequenceId, limit) {
      const rows = await overviews(instructorId)
        .where('classes.sequence_id', '=', sequenceId)
        .orderBy('classes.created_at', 'desc')
        .orderBy('classes.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toOverview).reverse();
    },
  };
}

/** The tables that store something per cue index of a class. */
const CUE_INDEXED_TABLES = [
  'flags',
  'class_transitions',
  'cue_tally_shards',
  'region_tallies',
  'participant_cue_flags',
  'cue_aggregates',
  'flag_aggregates',
] as const;

/**
 * Moves everything the class stores for cues from `insertedAt` on one place down, as its cues moved. In two
 * steps through negative indexes, so no row ever takes the place of one not yet moved (the tallies' primary
 * keys hold the cue index, and PostgreSQL checks them row by row). The lobby's -1 in the transition log is
 * never touched: the first step makes -2 and below.
 */
async function shiftCues(trx: Transaction<Database>, classId: string, insertedAt: number): Promise<void> {
  for (const table of CUE_INDEXED_TABLES) {
    await trx
      .updateTable(table)
      .set({ cue_index: sql<number>`-cue_index - 2` })
      .where('class_id', '=', classId)
      .where('cue_index', '>=', insertedAt)
      .execute();
    await trx
      .updateTable(table)
      .set({ cue_index: sql<number>`-cue_index - 1` })
      .where('class_id', '=', classId)
      .where('cue_index', '<=', -2)
      .execute();
  }
}

/** The sequence moved on while a cue was being kept: the transaction is rolled back. */
class StaleKeep extends Error {}

function toOverview(
  row: Selectable<Database['classes']> & { participant_total: number | null; feedback_answers: number | null; feedback_rating_sum: number | null },
): ClassOverview {
  return {
    record: toClass(row),
    participants: Number(row.participant_total ?? 0),
    feedbackAnswers: Number(row.feedback_answers ?? 0),
    feedbackRatingSum: Number(row.feedback_rating_sum ?? 0),
  };
}
