/**
 * Flags over Kysely, and the live tallies written with them. Every change to a flag (insert, detail, undo) adds
 * itself to `cue_tally_shards`, `region_tallies` and `participant_cue_flags` in the same transaction, with atomic
 * increments, so a tally is a read of a few rows, exact across processes and after a crash (a transaction
 * either happened whole or not at all). A new flag's transaction, the hot path, is written as steps
 * (transaction-steps.ts) that SQLite runs at once, without Kysely's layers around each statement.
 */
import { sql, type Kysely } from 'kysely';
import type { RegionId } from '../../shared/regions.js';
import type { CueTally, FlagKind, RegionTally } from '../../shared/schemas/flag.js';
import type { TallyChange } from '../domain/live-tally.js';
import type { FlagFigures, FlagGroup } from '../domain/summary.js';
import type { Database } from './database.js';
import { compiledOnce } from './compiled-once.js';
import type { KyselyContext } from './kysely-context.js';
import type { FlagStorage, NewFlag } from './storage.js';
import { rowsOf, runSteps, type Steps } from './transaction-steps.js';

/** Thrown inside a flag transaction to roll it back with this outcome. */
class Refused extends Error {
  constructor(readonly outcome: 'duplicate' | 'capped') {
    super(outcome);
  }
}

type ClassTally = CueTally & { classId: string };

/**
 * Rows a cue's tally is kept in: a participant's flags always go to the same one, so flags of different
 * participants rarely wait for each other's row lock (PostgreSQL holds it until the commit).
 */
const CUE_TALLY_SHARDS = 8;

function shardOf(participantId: string): number {
  let hash = 0;
  for (let i = 0; i < participantId.length; i++) hash = (hash * 31 + participantId.charCodeAt(i)) | 0;
  return Math.abs(hash) % CUE_TALLY_SHARDS;
}

/** The cues' tallies, each the sum of its shards; cues with nothing standing are left out. */
function summedCueTallies(db: Kysely<Database>) {
  return db
    .selectFrom('cue_tally_shards')
    .select((eb) => [
      'class_id',
      'cue_index',
      eb.fn.sum<number>('tension').as('tension'),
      eb.fn.sum<number>('relief').as('relief'),
      eb.fn.sum<number>('participants').as('participants'),
    ])
    .groupBy(['class_id', 'cue_index'])
    .having((eb) => eb.or([eb(eb.fn.sum('tension'), '>', 0), eb(eb.fn.sum('relief'), '>', 0)]));
}

/** How many times a detail is retried when another change to the same flag got in between. */
const DETAIL_ATTEMPTS = 20;

export function kyselyFlags({ db, isUniqueViolation, transactNow }: KyselyContext): FlagStorage {
  const insertFlag = compiledOnce((v: { id: string; classId: string; cueIndex: number; participantId: string; kind: FlagKind; region: string | null; strength: number | null; createdAt: number }) =>
    db.insertInto('flags').values({
      id: v.id,
      class_id: v.classId,
      cue_index: v.cueIndex,
      participant_id: v.participantId,
      kind: v.kind,
      region: v.region,
      strength: v.strength,
      created_at: v.createdAt,
    }),
  );
  /**
   * Counts the flag for its participant and cue, unless the participant reached the cap or the flag's id was
   * undone before (its tombstone): then no row comes back. After the flag's insert, so an undo of this id that
   * was committing meanwhile is visible by now (each PostgreSQL statement sees what committed before it began).
   */
  const countFlag = compiledOnce((v: { classId: string; cueIndex: number; participantId: string; flagId: string; max: number }) =>
    db
      .insertInto('participant_cue_flags')
      .columns(['class_id', 'cue_index', 'participant_id', 'flags', 'sent'])
      .expression(
        db
          // Typed casts: PostgreSQL cannot infer a parameter's type from an insert's select list.
          .selectNoFrom([
            sql<string>`cast(${v.classId} as text)`.as('class_id'),
            sql<number>`cast(${v.cueIndex} as integer)`.as('cue_index'),
            sql<string>`cast(${v.participantId} as text)`.as('participant_id'),
            sql<number>`1`.as('flags'),
            sql<number>`1`.as('sent'),
          ])
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom('flag_tombstones').select('id').where('id', '=', v.flagId)))),
      )
      .onConflict((oc) =>
        oc
          .columns(['class_id', 'cue_index', 'participant_id'])
          .doUpdateSet({ flags: sql`participant_cue_flags.flags + 1`, sent: sql`participant_cue_flags.sent + 1` })
          .where('participant_cue_flags.sent', '<', v.max),
      )
      .returning('flags'),
  );
  const findTombstone = compiledOnce((v: { id: string }) => db.selectFrom('flag_tombstones').select('id').where('id', '=', v.id));

  const addToCue = compiledOnce((v: { classId: string; cueIndex: number; shard: number; tension: number; relief: number; participants: number }) =>
    db
      .insertInto('cue_tally_shards')
      .values({ class_id: v.classId, cue_index: v.cueIndex, shard: v.shard, tension: v.tension, relief: v.relief, participants: v.participants })
      .onConflict((oc) =>
        oc.columns(['class_id', 'cue_index', 'shard']).doUpdateSet({
          tension: sql`cue_tally_shards.tension + excluded.tension`,
          relief: sql`cue_tally_shards.relief + excluded.relief`,
          participants: sql`cue_tally_shards.participants + excluded.participants`,
        }),
      ),
  );
  const addToRegionRow = compiledOnce((v: { classId: string; cueIndex: number; region: string; tension: number; relief: number }) =>
    db
      .insertInto('region_tallies')
      .values({ class_id: v.classId, cue_index: v.cueIndex, region: v.region, tension: v.tension, relief: v.relief })
      .onConflict((oc) =>
        oc.columns(['class_id', 'cue_index', 'region']).doUpdateSet({
          tension: sql`region_tallies.tension + excluded.tension`,
          relief: sql`region_tallies.relief + excluded.relief`,
        }),
      ),
  );

  // The live tally's reads, each a few rows, for every tally update.
  const cueTallies = compiledOnce((v: { classId: string }) => summedCueTallies(db).where('class_id', '=', v.classId).orderBy('cue_index'));
  const regionTallies = compiledOnce((v: { classId: string; cueIndex: number }) =>
    db
      .selectFrom('region_tallies')
      .select(['region', 'tension', 'relief'])
      .where('class_id', '=', v.classId)
      .where('cue_index', '=', v.cueIndex)
      .where((eb) => eb.or([eb('tension', '>', 0), eb('relief', '>', 0)])),
  );
  // A range read on (class_id, created_at): bounded by the 30-s window, not by the class's history. Whole
  // seconds by integer division (times are positive whole milliseconds on both engines): no floor() per row.
  const flagSeconds = compiledOnce((v: { classId: string; since: number }) =>
    db
      .selectFrom('flags')
      .select((eb) => [
        sql<number>`created_at / 1000`.as('second'),
        eb.fn.sum<number>(sql`case when kind = 'tension' then 1 else 0 end`).as('tension'),
        eb.fn.sum<number>(sql`case when kind = 'relief' then 1 else 0 end`).as('relief'),
      ])
      .where('class_id', '=', v.classId)
      .where('created_at', '>=', v.since)
      .groupBy(sql`created_at / 1000`)
      .orderBy(sql`created_at / 1000`),
  );

  /** Adds `delta` flags of this kind (and `participantsDelta` participants) to the cue's and the region's tallies. */
  function* addToTallies(
    classId: string,
    cueIndex: number,
    participantId: string,
    kind: FlagKind,
    region: string | null,
    delta: number,
    participantsDelta: number,
  ): Steps<void> {
    const tension = kind === 'tension' ? delta : 0;
    const relief = kind === 'relief' ? delta : 0;
    yield* rowsOf(addToCue.bind({ classId, cueIndex, shard: shardOf(participantId), tension, relief, participants: participantsDelta }));
    if (region !== null) yield* addToRegion(classId, cueIndex, kind, region, delta);
  }

  function* addToRegion(classId: string, cueIndex: number, kind: FlagKind, region: string, delta: number): Steps<void> {
    yield* rowsOf(addToRegionRow.bind({ classId, cueIndex, region, tension: kind === 'tension' ? delta : 0, relief: kind === 'relief' ? delta : 0 }));
  }

  /** A new flag's transaction: stored, counted for its participant and cue, added to the tallies; or refused. */
  function* insertSteps(flag: NewFlag, maxPerParticipantCue: number): Steps<TallyChange> {
    const { classId, cueIndex, participantId, flagId } = flag;
    const region: RegionId | null = flag.region ?? null;
    yield* rowsOf(insertFlag.bind({ id: flagId, classId, cueIndex, participantId, kind: flag.kind, region, strength: flag.strength ?? null, createdAt: flag.createdAt }));
    const [counted] = yield* rowsOf(countFlag.bind({ classId, cueIndex, participantId, flagId, max: maxPerParticipantCue }));
    // Not counted: the cap, or a re-delivery of an undone flag (rare: one more read tells which).
    if (!counted) {
      const tombstones = yield* rowsOf(findTombstone.bind({ id: flagId }));
      throw new Refused(tombstones.length > 0 ? 'duplicate' : 'capped');
    }
    const isFirstOfParticipant = Number(counted.flags) === 1;
    yield* addToTallies(classId, cueIndex, participantId, flag.kind, region, 1, isFirstOfParticipant ? 1 : 0);
    return { type: 'counted', cueIndex, kind: flag.kind, region, createdAt: flag.createdAt, isFirstOfParticipant };
  }

  return {
    async insert(flag, maxPerParticipantCue) {
      try {
        // At once on SQLite when its connection is free; otherwise (PostgreSQL, or SQLite busy) through Kysely.
        const atOnce = transactNow?.(() => insertSteps(flag, maxPerParticipantCue));
        const change = atOnce?.done ? atOnce.value : await db.transaction().execute((trx) => runSteps(insertSteps(flag, maxPerParticipantCue), trx));
        return { status: 'stored', change };
      } catch (error) {
        if (error instanceof Refused) return { status: error.outcome };
        if (isUniqueViolation(error)) return { status: 'duplicate' };
        throw error;
      }
    },

    async updateDetail(flagId, participantId, detail) {
      const region = detail.region ?? null;
      const strength = detail.strength ?? null;
      // Compare-and-set on the flag's current detail, so two details racing on several processes both land in
      // the region tallies exactly once each (the loser re-reads and moves the flag from where the winner put it).
      for (let attempt = 0; attempt < DETAIL_ATTEMPTS; attempt++) {
        const outcome = await db.transaction().execute(async (trx): Promise<TallyChange | 'missing' | 'raced'> => {
          const row = await trx
            .selectFrom('flags')
            .select(['class_id', 'cue_index', 'kind', 'region', 'strength'])
            .where('id', '=', flagId)
            .where('participant_id', '=', participantId)
            .executeTakeFirst();
          if (!row) return 'missing';
          const result = await trx
            .updateTable('flags')
            .set({ region, strength })
            .where('id', '=', flagId)
            .where('region', row.region === null ? 'is' : '=', row.region)
            .where('strength', row.strength === null ? 'is' : '=', row.strength)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) return 'raced';
          const kind = row.kind as FlagKind;
          const cueIndex = Number(row.cue_index);
          const from = row.region as RegionId | null;
          if (from !== region) {
            if (from !== null) await runSteps(addToRegion(row.class_id, cueIndex, kind, from, -1), trx);
            if (region !== null) await runSteps(addToRegion(row.class_id, cueIndex, kind, region, 1), trx);
          }
          return { type: 'moved', cueIndex, kind, from, to: region };
        });
        if (outcome === 'missing') return null;
        if (outcome !== 'raced') return outcome;
      }
      throw new Error('flag detail kept losing to concurrent changes');
    },

    async undo(flagId, participantId, storedSince) {
      return db.transaction().execute(async (trx): Promise<TallyChange | null> => {
        const deleted = await trx
          .deleteFrom('flags')
          .where('id', '=', flagId)
          .where('participant_id', '=', participantId)
          .where('created_at', '>=', storedSince)
          .returning(['class_id', 'cue_index', 'kind', 'region', 'created_at'])
          .executeTakeFirst();
        if (!deleted) return null;
        const cueIndex = Number(deleted.cue_index);
        await trx.insertInto('flag_tombstones').values({ id: flagId, class_id: deleted.class_id }).onConflict((oc) => oc.doNothing()).execute();
        const counted = await trx
          .updateTable('participant_cue_flags')
          .set({ flags: sql`flags - 1` })
          .where('class_id', '=', deleted.class_id)
          .where('cue_index', '=', cueIndex)
          .where('participant_id', '=', participantId)
          .returning('flags')
          .executeTakeFirst();
        const wasLastOfParticipant = counted !== undefined && Number(counted.flags) === 0;
        const kind = deleted.kind as FlagKind;
        const region = deleted.region as RegionId | null;
        await runSteps(addToTallies(deleted.class_id, cueIndex, participantId, kind, region, -1, wasLastOfParticipant ? -1 : 0), trx);
        return { type: 'undone', cueIndex, kind, region, createdAt: Number(deleted.created_at), wasLastOfParticipant };
      });
    },

    async tally(classId) {
      const { rows } = await cueTallies(db, { classId });
      return rows.map((r) => ({ cueIndex: Number(r.cue_index), tension: Number(r.tension), relief: Number(r.relief), participants: Number(r.participants) }));
    },

    async tallyRegions(classId, cueIndex) {
      const { rows } = await regionTallies(db, { classId, cueIndex });
      const tally: RegionTally = {};
      for (const row of rows) tally[row.region as RegionId] = { tension: Number(row.tension), relief: Number(row.relief) };
      return tally;
    },

    async perSecond(classId, since) {
      const { rows } = await flagSeconds(db, { classId, since });
      return rows.map((r) => ({ second: Number(r.second), tension: Number(r.tension), relief: Number(r.relief) }));
    },

    async figures(classId) {
      const row = await db.selectFrom('classes').select('flags_archived_at').where('id', '=', classId).executeTakeFirst();
      return row && row.flags_archived_at !== null ? archivedFigures(db, classId) : rawFigures(db, classId);
    },

    async secondsByCue(classId) {
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

    async flaggersOfClasses(classIds) {
      if (classIds.length === 0) return [];
      const rows = await db
        .selectFrom('flags')
        .select((eb) => ['class_id', 'cue_index', 'kind', eb.fn.count<number>('participant_id').distinct().as('participants')])
        .where('class_id', 'in', classIds)
        .groupBy(['class_id', 'cue_index', 'kind'])
        .execute();
      return rows.map((r) => ({ classId: r.class_id, cueIndex: Number(r.cue_index), kind: r.kind as FlagKind, participants: Number(r.participants) }));
    },

    async regionsOfClasses(classIds) {
      if (classIds.length === 0) return [];
      const rows = await db
        .selectFrom('region_tallies')
        .selectAll()
        .where('class_id', 'in', classIds)
        .where((eb) => eb.or([eb('tension', '>', 0), eb('relief', '>', 0)]))
        .orderBy('class_id')
        .orderBy('cue_index')
        .orderBy('region')
        .execute();
      return rows.map((r) => ({
        classId: r.class_id,
        cueIndex: Number(r.cue_index),
        region: r.region as RegionId,
        tension: Number(r.tension),
        relief: Number(r.relief),
      }));
    },

    async tallyOfClasses(classIds) {
      // The live tallies stay when retention deletes the raw flags, so archived and running classes read alike.
      if (classIds.length === 0) return [];
      const rows = await summedCueTallies(db).where('class_id', 'in', classIds).orderBy('class_id').orderBy('cue_index').execute();
      return rows.map(toClassTally);
    },
  };
}

function toClassTally(r: { class_id: string; cue_index: number; tension: number; relief: number; participants: number }): ClassTally {
  return { classId: r.class_id, cueIndex: Number(r.cue_index), tension: Number(r.tension), relief: Number(r.relief), participants: Number(r.participants) };
}

function withoutClassId({ cueIndex, tension, relief, participants }: ClassTally): CueTally {
  return { cueIndex, tension, relief, participants };
}

/** Per cue the live tallies, and the raw flags grouped by cue, kind, region and strength. */
export async function rawFigures(db: Kysely<Database>, classId: string): Promise<FlagFigures> {
  const [cues, rows] = await Promise.all([
    summedCueTallies(db).where('class_id', '=', classId).orderBy('cue_index').execute(),
    db
      .selectFrom('flags')
      .select((eb) => ['cue_index', 'kind', 'region', 'strength', eb.fn.countAll<number>().as('flags')])
      .where('class_id', '=', classId)
      .groupBy(['cue_index', 'kind', 'region', 'strength'])
      .execute(),
  ]);
  return { cues: cues.map(toClassTally).map(withoutClassId), groups: sortGroups(rows.map(toGroup)) };
}

async function archivedFigures(db: Kysely<Database>, classId: string): Promise<FlagFigures> {
  const [cues, rows] = await Promise.all([
    db.selectFrom('cue_aggregates').selectAll().where('class_id', '=', classId).orderBy('cue_index').execute(),
    db.selectFrom('flag_aggregates').select(['cue_index', 'kind', 'region', 'strength', 'flags']).where('class_id', '=', classId).execute(),
  ]);
  return { cues: cues.map(toClassTally).map(withoutClassId), groups: sortGroups(rows.map(toGroup)) };
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
