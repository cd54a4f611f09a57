import type { Generated } from 'kysely';

/** The tables as Kysely sees them: snake_case here, camelCase everywhere else. Times are epoch milliseconds. */


export interface Database {
  instructors: {
    id: string;
    email: string;
    password_hash: string;
    created_at: number;
    /** 0 or 1: 1 while the account still has the one-time password another instructor gave it. */
    must_change_password: number;
    /** The K below which this instructor's summaries withhold breakdowns. */
    summary_threshold: Generated<number>;
    /** 'lead' (manages accounts, reads every class) or 'instructor'. */
    role: Generated<string>;
    /** 0 or 1: a deactivated account cannot sign in; its classes, sequences and summaries stay. */
    is_active: Generated<number>;
    last_sign_in_at: number | null;
  };
  /** One row (id 1): the clinic's K, where new accounts' K starts and the floor of the lead's views across instructors. */
  clinic_settings: { id: number; summary_threshold: number };
  sessions: { id_hash: string; instructor_id: string; expires_at: number };
  sequences: {
    id: string;
    instructor_id: string;
    title: string;
    language: string;
    /** The cues as JSON: a sequence is read and written whole. */
    cues_json: string;
    created_at: number;
    updated_at: number;
    /** 0 or 1: a sequence of the clinic's shared library rather than of `instructor_id`'s own. */
    is_library: Generated<number>;
    /** The sequence this one was copied or shared from. */
    source_id: Generated<string | null>;
    /** 1, then one more with every edit. */
    version: Generated<number>;
    /** A retired or withdrawn library sequence: gone from the library, kept for its classes' trends. */
    retired_at: Generated<number | null>;
  };
  classes: {
    id: string;
    instructor_id: string;
    sequence_id: string | null;
    code: string;
    title: string;
    language: string;
    /** The snapshot of the sequence's cues the class runs: editing the sequence does not change it. */
    cues_json: string;
    status: string;
    cue_index: number;
    revision: number;
    created_at: number;
    updated_at: number;
    cue_ends_at: number | null;
    paused_remaining_ms: number | null;
    /** 0 or 1: SQLite has no boolean. */
    is_auto_advance: number;
    ended_at: number | null;
    /** Until when phones may send feedback, fixed when the class ends. */
    feedback_closes_at: number | null;
    /** Set once retention moved the class's flags into `cue_aggregates` and `flag_aggregates`. */
    flags_archived_at: number | null;
    /** The highest cue index shown so far: flags for later cues are refused. */
    max_cue_index: Generated<number>;
    /** Participants joined, kept with the join so the cap is an O(1) check. */
    participant_count: Generated<number>;
    /** The version of the sequence the class's snapshot was taken from. */
    sequence_version: Generated<number | null>;
  };
  class_transitions: { class_id: string; revision: number; status: string; cue_index: number; at: number };
  /** At most one open alert per participant (a partial UNIQUE index); null participant on alerts from before. */
  alerts: { id: string; class_id: string; created_at: number; acknowledged_at: number | null; participant_id: string | null };
  participants: {
    id: string;
    class_id: string;
    /** SHA-256 of the phone's random per-class token: nothing else about a participant is stored. */
    token_hash: string;
    joined_at: number;
  };
  flags: {
    /** Made on the phone, so a retried delivery is refused by the primary key. */
    id: string;
    class_id: string;
    cue_index: number;
    participant_id: string;
    kind: string;
    region: string | null;
    strength: number | null;
    created_at: number;
  };
  /** One answer per participant of a class; no time is kept. */
  feedback: { class_id: string; participant_id: string; feeling: string; rating: number; comment: string | null };
  /** Per cue of an archived class: what `tallyFlags` counted before its raw flags were deleted. */
  cue_aggregates: { class_id: string; cue_index: number; tension: number; relief: number; participants: number };
  /**
   * The live tally per cue, written with every flag and undo, in a few rows per cue (`shard`, by participant) so
   * that flags of different participants do not wait for one row's lock: a tally adds up a few rows.
   */
  cue_tally_shards: { class_id: string; cue_index: number; shard: number; tension: number; relief: number; participants: number };
  /** The live tally per cue and region (flags with a region only). */
  region_tallies: { class_id: string; cue_index: number; region: string; tension: number; relief: number };
  /** Per participant and cue: flags standing now (distinct participants) and flags ever sent (the cap). */
  participant_cue_flags: { class_id: string; cue_index: number; participant_id: string; flags: number; sent: number };
  /** Ids of undone flags: a re-delivery stays undone. */
  flag_tombstones: { id: string; class_id: string };
  /** An archived class's flags counted by cue, kind, region and strength. */
  flag_aggregates: { class_id: string; cue_index: number; kind: string; region: string | null; strength: number | null; flags: number };
}
