/**
 * The schema's history, applied on start. Written once for both engines: ids are text (random UUIDs),
 * times bigint milliseconds, so no column differs by dialect.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Every migration by name, in order; exported so a test can build an installation as an older release left it. */
export const migrations: Record<string, Migration> = {
  '001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('instructors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('instructor_id', 'text', (c) => c.notNull().references('instructors.id').onDelete('cascade'))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sequences')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instructor_id', 'text', (c) => c.notNull().references('instructors.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('cues_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sequences_by_instructor').on('sequences').column('instructor_id').execute();
      await db.schema
        .createTable('classes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instructor_id', 'text', (c) => c.notNull().references('instructors.id'))
        // No foreign key: deleting a sequence keeps its past classes.
        .addColumn('sequence_id', 'text')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('cues_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('classes_by_instructor').on('classes').columns(['instructor_id', 'created_at']).execute();
      // A join code is unique among classes that have not ended; ended classes may share one.
      await db.schema
        .createIndex('classes_open_code')
        .on('classes')
        .column('code')
        .unique()
        .where(sql.ref('status'), '<>', 'ended')
        .execute();
      await db.schema.createIndex('classes_by_code').on('classes').columns(['code', 'created_at']).execute();
      await db.schema
        .createTable('participants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('participants_class_token', ['class_id', 'token_hash'])
        .execute();
      await db.schema
        .createTable('flags')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .addColumn('strength', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flags_by_class_cue').on('flags').columns(['class_id', 'cue_index']).execute();
    },
  },
  '002-live-class': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('classes').addColumn('cue_ends_at', 'bigint').execute();
      await db.schema.alterTable('classes').addColumn('paused_remaining_ms', 'bigint').execute();
      await db.schema
        .alterTable('classes')
        .addColumn('is_auto_advance', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Every accepted transition, appended with the class's update: the summary's timeline reads it.
      await db.schema
        .createTable('class_transitions')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('class_transitions_pk', ['class_id', 'revision'])
        .execute();
      // Safety alerts: anonymous (no participant), the id made on the phone so a retry stores one.
      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('acknowledged_at', 'bigint')
        .execute();
      await db.schema.createIndex('alerts_by_class').on('alerts').column('class_id').execute();
      await db.schema.createIndex('flags_by_class_time').on('flags').columns(['class_id', 'created_at']).execute();
    },
  },
  '003-instructor-accounts': {
    async up(db: Kysely<unknown>) {
      // Accounts made by another instructor start with a one-time password that must be replaced.
      await db.schema
        .alterTable('instructors')
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('sessions_by_instructor').on('sessions').column('instructor_id').execute();
    },
  },
  '004-after-class': {
    async up(db: Kysely<unknown>) {
      // When the class ended, until when its phones may send feedback, and when its raw flags were archived
      // into the aggregates below (after which the summary reads only those).
      await db.schema.alterTable('classes').addColumn('ended_at', 'bigint').execute();
      await db.schema.alterTable('classes').addColumn('feedback_closes_at', 'bigint').execute();
      await db.schema.alterTable('classes').addColumn('flags_archived_at', 'bigint').execute();
      await db.schema.createIndex('classes_by_sequence').on('classes').columns(['instructor_id', 'sequence_id', 'created_at']).execute();
      // The K below which summaries withhold breakdowns that could single a participant out.
      await db.schema
        .alterTable('instructors')
        .addColumn('summary_threshold', 'integer', (c) => c.notNull().defaultTo(3))
        .execute();
      // One answer per participant: a second send replaces the first. No time is kept, so comments cannot be
      // ordered or dated.
      await db.schema
        .createTable('feedback')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
        .addColumn('feeling', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addPrimaryKeyConstraint('feedback_pk', ['class_id', 'participant_id'])
        .execute();
      // What a class's raw flags add up to, kept when retention deletes the flags: per cue the counts and
      // participants, and the flags by kind, region and strength.
      await db.schema
        .createTable('cue_aggregates')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('tension', 'integer', (c) => c.notNull())
        .addColumn('relief', 'integer', (c) => c.notNull())
        .addColumn('participants', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cue_aggregates_pk', ['class_id', 'cue_index'])
        .execute();
      await db.schema
        .createTable('flag_aggregates')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .addColumn('strength', 'integer')
        .addColumn('flags', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flag_aggregates_by_class').on('flag_aggregates').column('class_id').execute();
      // The daily retention job looks for old flags across all classes.
      await db.schema.createIndex('flags_by_time').on('flags').column('created_at').execute();
    },
  },
  '005-live-aggregates': {
    async up(db: Kysely<unknown>) {
      // The live tally as rows written with each flag, its detail and its undo (same transaction), so a tally
      // is a read of a few rows whatever the class's history. Per cue: counts and distinct participants.
      await db.schema
        .createTable('cue_tallies')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('tension', 'integer', (c) => c.notNull())
        .addColumn('relief', 'integer', (c) => c.notNull())
        .addColumn('participants', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cue_tallies_pk', ['class_id', 'cue_index'])
        .execute();
      // Per cue and region (flags with a region only): the heat map.
      await db.schema
        .createTable('region_tallies')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('tension', 'integer', (c) => c.notNull())
        .addColumn('relief', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('region_tallies_pk', ['class_id', 'cue_index', 'region'])
        .execute();
      // Per participant and cue: their flags standing now (for the distinct participants) and every flag they
      // ever sent there (the cap of flags per participant per cue, which undo does not refill).
      await db.schema
        .createTable('participant_cue_flags')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
        .addColumn('flags', 'integer', (c) => c.notNull())
        .addColumn('sent', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('participant_cue_flags_pk', ['class_id', 'cue_index', 'participant_id'])
        .execute();
      // An undone flag's id: a re-delivery of it stays undone (acknowledged as a duplicate, never stored again).
      await db.schema
        .createTable('flag_tombstones')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .execute();
      await db.schema.createIndex('flag_tombstones_by_class').on('flag_tombstones').column('class_id').execute();
      // The highest cue shown so far (flags for later cues are refused) and the participants joined (the cap).
      await db.schema.alterTable('classes').addColumn('max_cue_index', 'integer', (c) => c.notNull().defaultTo(-1)).execute();
      await db.schema.alterTable('classes').addColumn('participant_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      // Alerts carry their participant (an anonymous per-class id) so each has at most one open alert.
      await db.schema.alterTable('alerts').addColumn('participant_id', 'text').execute();
      await db.schema
        .createIndex('alerts_one_open_per_participant')
        .on('alerts')
        .columns(['class_id', 'participant_id'])
        .unique()
        .where(sql.ref('acknowledged_at'), 'is', null)
        .execute();

      // Backfill from what is stored: raw flags where they are kept, the archive's aggregates where not.
      await sql`update classes set
        max_cue_index = coalesce((select max(t.cue_index) from class_transitions t where t.class_id = classes.id), cue_index),
        participant_count = (select count(*) from participants p where p.class_id = classes.id)`.execute(db);
      await sql`insert into participant_cue_flags (class_id, cue_index, participant_id, flags, sent)
        select class_id, cue_index, participant_id, count(*), count(*) from flags group by class_id, cue_index, participant_id`.execute(db);
      await sql`insert into cue_tallies (class_id, cue_index, tension, relief, participants)
        select class_id, cue_index,
          sum(case when kind = 'tension' then 1 else 0 end), sum(case when kind = 'relief' then 1 else 0 end),
          count(distinct participant_id)
        from flags group by class_id, cue_index`.execute(db);
      await sql`insert into cue_tallies (class_id, cue_index, tension, relief, participants)
        select a.class_id, a.cue_index, a.tension, a.relief, a.participants from cue_aggregates a
        where not exists (select 1 from cue_tallies t where t.class_id = a.class_id and t.cue_index = a.cue_index)`.execute(db);
      await sql`insert into region_tallies (class_id, cue_index, region, tension, relief)
        select class_id, cue_index, region,
          sum(case when kind = 'tension' then 1 else 0 end), sum(case when kind = 'relief' then 1 else 0 end)
        from flags where region is not null group by class_id, cue_index, region`.execute(db);
      await sql`insert into region_tallies (class_id, cue_index, region, tension, relief)
        select a.class_id, a.cue_index, a.region,
          sum(case when a.kind = 'tension' then a.flags else 0 end), sum(case when a.kind = 'relief' then a.flags else 0 end)
        from flag_aggregates a
        where a.region is not null
          and not exists (select 1 from region_tallies t where t.class_id = a.class_id and t.cue_index = a.cue_index and t.region = a.region)
        group by a.class_id, a.cue_index, a.region`.execute(db);
    },
  },
  '006-clinic': {
    async up(db: Kysely<unknown>) {
      // Roles: the clinic lead manages accounts and reads every class; instructors their own. The oldest
      // account of an existing installation becomes the lead (there is always at least one active lead).
      await db.schema.alterTable('instructors').addColumn('role', 'text', (c) => c.notNull().defaultTo('instructor')).execute();
      await db.schema.alterTable('instructors').addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('instructors').addColumn('last_sign_in_at', 'bigint').execute();
      await sql`update instructors set role = 'lead' where id = (select id from instructors order by created_at, id limit 1)`.execute(db);
      // The clinic's shared library lives in the same table: `is_library` rows belong to the clinic (their
      // `instructor_id` is who put them there); `source_id` is the sequence a copy or a share was taken from.
      // `version` counts the edits, so a class can say which version it ran.
      await db.schema.alterTable('sequences').addColumn('is_library', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('sequences').addColumn('source_id', 'text').execute();
      await db.schema.alterTable('sequences').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('sequences').addColumn('retired_at', 'bigint').execute();
      await db.schema.createIndex('sequences_library').on('sequences').columns(['is_library', 'created_at']).execute();
      await db.schema.alterTable('classes').addColumn('sequence_version', 'integer').execute();
      await db.schema.createIndex('classes_by_time').on('classes').column('created_at').execute();
      // The clinic's own settings: one row. Its K is where new accounts' K starts and the floor of the lead's views.
      await db.schema
        .createTable('clinic_settings')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('summary_threshold', 'integer', (c) => c.notNull())
        .execute();
      await sql`insert into clinic_settings (id, summary_threshold) values (1, 3)`.execute(db);
    },
  },
  '007-flags-index-trim': {
    async up(db: Kysely<unknown>) {
      // Every read of a class's flags filters on class_id alone, which flags_by_class_time serves as well; one
      // index less is one page less written (to the WAL on SQLite) for every flag.
      await db.schema.dropIndex('flags_by_class_cue').execute();
    },
  },
  '008-flags-index-covering': {
    async up(db: Kysely<unknown>) {
      // The live tally's 30-s trend counts a class's recent flags by kind: with the kind in the index it is read
      // from the index alone, not from the flag rows it points at (the costliest read of a tally).
      await db.schema.dropIndex('flags_by_class_time').execute();
      await db.schema.createIndex('flags_by_class_time').on('flags').columns(['class_id', 'created_at', 'kind']).execute();
      // Retention finds old flags class by class through the index above (a daily job over the classes), so
      // this index, a page written for every flag, goes.
      await db.schema.dropIndex('flags_by_time').execute();
    },
  },
  '009-cue-tally-shards': {
    async up(db: Kysely<unknown>) {
      // Every flag of a cue updated the cue's one tally row and held its lock until its commit, two round trips
      // later: on PostgreSQL a class's flags went one at a time (1,000 in a second: acks after ≈ 200 ms). The
      // cue's tally is now a few rows, a participant's always the same one, that a read adds up.
      await db.schema
        .createTable('cue_tally_shards')
        .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id').onDelete('cascade'))
        .addColumn('cue_index', 'integer', (c) => c.notNull())
        .addColumn('shard', 'integer', (c) => c.notNull())
        .addColumn('tension', 'integer', (c) => c.notNull())
        .addColumn('relief', 'integer', (c) => c.notNull())
        .addColumn('participants', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cue_tally_shards_pk', ['class_id', 'cue_index', 'shard'])
        .execute();
      await sql`insert into cue_tally_shards (class_id, cue_index, shard, tension, relief, participants)
        select class_id, cue_index, 0, tension, relief, participants from cue_tallies`.execute(db);
      await db.schema.dropTable('cue_tallies').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the database up to the newest schema; throws with the failing migration's error. On PostgreSQL pass
 * the schema the tables live in: Kysely looks for its bookkeeping tables in every schema otherwise, and would
 * take another schema's for ours.
 */
export async function migrateToLatest(db: Kysely<unknown>, options: { migrationTableSchema?: string } = {}): Promise<void> {
  const { error } = await new Migrator({ db, provider, migrationTableSchema: options.migrationTableSchema }).migrateToLatest();
  if (error) throw error;
}

/** Brings the database to the named migration and no further: how the migration tests build an older schema. */
export async function migrateTo(db: Kysely<unknown>, target: string, options: { migrationTableSchema?: string } = {}): Promise<void> {
  const { error } = await new Migrator({ db, provider, migrationTableSchema: options.migrationTableSchema }).migrateTo(target);
  if (error) throw error;
}
