/** The tables as Kysely sees them: snake_case here, camelCase everywhere else. Times are epoch milliseconds. */


export interface Database {
  instructors: { id: string; email: string; password_hash: string; created_at: number };
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
  };
  class_transitions: { class_id: string; revision: number; status: string; cue_index: number; at: number };
  alerts: { id: string; class_id: string; created_at: number; acknowledged_at: number | null };
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
}
