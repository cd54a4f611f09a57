/**
 * The one storage seam, grouped by noun (`storage.flags.insert(...)`). Services talk to this interface only;
 * `open-storage.ts` picks the engine, and one file per noun implements each group over Kysely. Every multi-row
 * change is one transaction inside an implementation; class transitions are conditional on the revision, so
 * the row is the lock, also across processes.
 */
import type { ClassCue, ClassStatus } from '../../shared/schemas/class.js';
import type { RegionId } from '../../shared/regions.js';
import type { Alert } from '../../shared/schemas/alert.js';
import type { SummarySettings } from '../../shared/schemas/summary.js';
import type { CueTally, FlagSecond, FlagSubmit, RegionTally } from '../../shared/schemas/flag.js';
import type { Cue, Language, Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import type { AccountView, Role } from '../../shared/schemas/clinic.js';
import type { FeedbackAnswer, FlagFigures } from '../domain/summary.js';
import type { CueFlaggers } from '../domain/insights.js';
import type { ClassTransition, CueFlagSecond } from '../domain/timeline.js';
import type { TallyChange } from '../domain/live-tally.js';

export interface InstructorRecord {
  id: string;
  email: string;
  passwordHash: string;
  /** Created by another instructor with a one-time password, not yet replaced. */
  mustChangePassword: boolean;
  role: Role;
  /** A deactivated account cannot sign in; what it made stays. */
  isActive: boolean;
}

/** A class as stored: its run state and the snapshot of the sequence it runs. */
export interface ClassRecord {
  id: string;
  instructorId: string;
  sequenceId: string | null;
  code: string;
  title: string;
  language: Language;
  /** The snapshot of the sequence's cues, with the cues added during the class in their places. */
  cues: ClassCue[];
  status: ClassStatus;
  cueIndex: number;
  revision: number;
  cueEndsAt: number | null;
  pausedRemainingMs: number | null;
  isAutoAdvance: boolean;
  createdAt: number;
  /** Set by the transition to `ended`. */
  endedAt: number | null;
  /** Until when phones may send feedback; fixed when the class ends, null before. */
  feedbackClosesAt: number | null;
  /** The highest cue index shown so far (-1 in the lobby): flags for later cues are refused. */
  maxCueIndexReached: number;
  /** The version of its sequence the cues were taken from; null for a class from before versions were kept. */
  sequenceVersion: number | null;
}

/** A class's run state and how many cues it has, without the cues themselves. */
export type ClassEntry = Pick<ClassRecord, 'id' | 'status' | 'feedbackClosesAt'>;

export type ClassRun = Pick<ClassRecord, 'id' | 'status' | 'cueIndex' | 'revision' | 'maxCueIndexReached'>;

/** The fields a transition changes. */
export interface ClassRunUpdate {
  status: ClassStatus;
  cueIndex: number;
  revision: number;
  cueEndsAt: number | null;
  pausedRemainingMs: number | null;
  isAutoAdvance: boolean;
  /** The highest cue index shown so far, this transition included. */
  maxCueIndexReached: number;
  /** Written only when given: the end transition fixes the feedback window (`endedAt` is set by storage). */
  feedbackClosesAt?: number | null;
  /**
   * A cue added during the class: the class's cues with it, and where it went. Everything stored by cue index
   * (flags, tallies, the transition log) from `insertedAt` on moves one place down with the cues, in the same
   * transaction.
   */
  added?: { cues: ClassCue[]; insertedAt: number };
}

export interface NewClass {
  id: string;
  instructorId: string;
  sequenceId: string;
  code: string;
  title: string;
  language: Language;
  cues: Cue[];
  createdAt: number;
  /** The version of the sequence the snapshot was taken from. */
  sequenceVersion?: number;
}

/** How storing a flag went: stored, already stored (or undone: its tombstone), or over the per-cue cap. */
/** How storing a flag went; a stored flag says what it changed in its class's tallies. */
export type FlagInsertResult = { status: 'stored'; change: TallyChange } | { status: 'duplicate' } | { status: 'capped' };

/** How raising an alert went; a repeated id tells whether the instructor has seen it. */
export type AlertRaiseResult = { status: 'raised' } | { status: 'duplicate'; isSeen: boolean } | { status: 'already_open' };

/** A flag as a participant sent it, with who (an anonymous participant id) and when. */
export interface NewFlag extends FlagSubmit {
  classId: string;
  participantId: string;
  createdAt: number;
}

/** A class with the counts its line in the history needs. */
export interface ClassOverview {
  record: ClassRecord;
  participants: number;
  feedbackAnswers: number;
  /** The sum of the feedback ratings (0 without answers). */
  feedbackRatingSum: number;
}

/** Instructor accounts and their settings. */
export interface AccountStorage {
  count(): Promise<number>;
  /**
   * Creates an instructor with their starter sequences in one transaction. Refuses (returns null) when the
   * e-mail is taken, and with `onlyIfFirst` when any instructor exists: first-run sign-up.
   * `mustChangePassword` marks an account made by another instructor with a one-time password.
   */
  create(
    account: { id: string; email: string; passwordHash: string; createdAt: number },
    starterSequences: SequenceInput[],
    options: { onlyIfFirst: boolean; mustChangePassword?: boolean },
  ): Promise<InstructorRecord | null>;
  findByEmail(email: string): Promise<InstructorRecord | null>;
  findById(id: string): Promise<InstructorRecord | null>;
  /**
   * Replaces an instructor's password and signs out their other sessions (all but `keepSessionIdHash`), in one
   * transaction: whoever knew the old password is out.
   */
  updatePassword(instructorId: string, passwordHash: string, options: { mustChangePassword: boolean; keepSessionIdHash: string }): Promise<void>;
  /** The instructor's summary settings; null when there is no such instructor. */
  getSummarySettings(instructorId: string): Promise<SummarySettings | null>;
  updateSummarySettings(instructorId: string, settings: SummarySettings): Promise<void>;
}

/** Signed-in sessions, kept by the hash of their secret. */
export interface SessionStorage {
  create(session: { idHash: string; instructorId: string; expiresAt: number }): Promise<void>;
  /** The instructor id of an unexpired session. */
  find(idHash: string, now: number): Promise<string | null>;
  delete(idHash: string): Promise<void>;
}

/** Cue sequences, each owned by one instructor. */
export interface SequenceStorage {
  list(instructorId: string): Promise<Sequence[]>;
  /** A sequence of this instructor's, or null (also for another instructor's). */
  get(id: string, instructorId: string): Promise<Sequence | null>;
  create(instructorId: string, input: SequenceInput, now: number): Promise<Sequence>;
  /** Replaces a sequence of this instructor's whole (title, language, the cues in order); null if not theirs. */
  update(id: string, instructorId: string, input: SequenceInput, now: number): Promise<Sequence | null>;
  /** Deletes a sequence of this instructor's; its classes keep their own snapshot. False if not theirs. */
  delete(id: string, instructorId: string): Promise<boolean>;
}

/** Classes: their run state, transition log and the lists of them. */
export interface ClassStorage {
  create(newClass: NewClass): Promise<ClassRecord>;
  get(id: string): Promise<ClassRecord | null>;
  /** The class's run state without its cues (kilobytes of JSON): what every flag and tally read. */
  getRun(id: string): Promise<ClassRun | null>;
  /** The class with this join code that has not ended, else the newest that has. */
  findByCode(code: string): Promise<ClassRecord | null>;
  /** The same class as `findByCode`, only what a phone's (re)connection checks: read for every handshake. */
  findEntryByCode(code: string): Promise<ClassEntry | null>;
  /** Whether a class that has not ended uses this code. */
  isCodeInUse(code: string): Promise<boolean>;
  list(instructorId: string): Promise<ClassRecord[]>;
  /**
   * Writes the transition, and appends it to the class's transition log, only if the class is still at
   * `expectedRevision`; false if it moved on (nothing written).
   */
  updateRun(id: string, expectedRevision: number, update: ClassRunUpdate, now: number): Promise<boolean>;
  /**
   * **Keep in the sequence**, in one transaction: the ended class's snapshot becomes `classCues` (the cue marked
   * kept) if it is still `expectedClassCues`, and the instructor's sequence gets `sequenceCues` if it is still at
   * `expectedVersion` (its version then grows by one). The new version, or null when either had changed
   * (nothing written).
   */
  keepCue(change: {
    classId: string;
    expectedClassCues: ClassCue[];
    classCues: ClassCue[];
    sequenceId: string;
    instructorId: string;
    expectedVersion: number;
    sequenceCues: Cue[];
    now: number;
  }): Promise<number | null>;
  /** Classes running or paused: the timers to re-arm after a restart. */
  listActive(): Promise<ClassRecord[]>;
  /** The class's accepted transitions, oldest first: the summary's timeline. */
  listTransitions(classId: string): Promise<ClassTransition[]>;
  /** One page of the instructor's classes that have left the lobby, newest first, and how many there are. */
  listHistory(instructorId: string, page: { limit: number; offset: number }): Promise<{ items: ClassOverview[]; total: number }>;
  /** The newest `limit` classes of the instructor's that ran this sequence and left the lobby, oldest first. */
  listOfSequence(instructorId: string, sequenceId: string, limit: number): Promise<ClassOverview[]>;
  /** Per class of these, the cues it ever showed (running or paused on them), from the transition log. */
  reachedCuesOf(classIds: string[]): Promise<{ classId: string; cueIndex: number }[]>;
}

/** The anonymous participants of classes. */
export interface ParticipantStorage {
  /**
   * Adds the participant with this token hash to the class, or finds them; returns their id. Null when they
   * are new and the class already has `maxParticipants` (nothing written). O(1): the count is kept on the class.
   */
  upsert(classId: string, tokenHash: string, now: number, maxParticipants: number): Promise<{ id: string; isNew: boolean } | null>;
  count(classId: string): Promise<number>;
  /** The id of the class's participant with this token hash, without adding one; null when there is none. */
  findId(classId: string, tokenHash: string): Promise<string | null>;
}

/** Flags and the live tallies written with them. */
export interface FlagStorage {
  /**
   * Stores a flag once, and in the same transaction adds it to its cue's tally, its region's tally and its
   * participant's count on that cue. `duplicate` when the id is stored or was undone; `capped` (nothing written)
   * when the participant already sent `maxPerParticipantCue` flags on this cue.
   */
  insert(flag: NewFlag, maxPerParticipantCue: number): Promise<FlagInsertResult>;
  /**
   * Sets a stored flag's region and strength, moving it between region tallies; only its own participant may.
   * The move (from the region it had to the one it has now, maybe the same); null when there is no such flag.
   */
  updateDetail(flagId: string, participantId: string, detail: { region?: RegionId; strength?: number }): Promise<TallyChange | null>;
  /**
   * Undoes the participant's own flag if it was stored at or after `storedSince`: deletes it, takes it off the
   * tallies and leaves a tombstone so a re-delivery stays undone; what that took off the tallies. Null otherwise.
   */
  undo(flagId: string, participantId: string, storedSince: number): Promise<TallyChange | null>;
  /** Per cue of the class with flags, tension and relief counts and how many participants they come from: a few rows. */
  tally(classId: string): Promise<CueTally[]>;
  /** One cue's flags by region: a few rows. */
  tallyRegions(classId: string, cueIndex: number): Promise<RegionTally>;
  /** The class's flags per second since `since` (epoch ms), oldest first, seconds without flags left out. */
  perSecond(classId: string, since: number): Promise<FlagSecond[]>;
  /** What the class's flags add up to: from the raw flags, or from the aggregates once retention archived them. */
  figures(classId: string): Promise<FlagFigures>;
  /** Per class and cue, the tallies of these classes, raw or archived alike. */
  tallyOfClasses(classIds: string[]): Promise<(CueTally & { classId: string })[]>;
  /**
   * For the insights: per class, cue and kind, how many distinct participants flagged it, from the raw flags
   * (a class whose raw flags retention archived has no rows).
   */
  flaggersOfClasses(classIds: string[]): Promise<(CueFlaggers & { classId: string })[]>;
  /** Per class, cue and region of these classes, the flags that named the region (kept when the raw flags go). */
  regionsOfClasses(classIds: string[]): Promise<{ classId: string; cueIndex: number; region: RegionId; tension: number; relief: number }[]>;
  /**
   * The class's flags by cue, kind and second they were stored (epoch seconds), for the timeline's figures per
   * visit of a cue; null once retention archived the class's raw flags (the times are not kept).
   */
  secondsByCue(classId: string): Promise<CueFlagSecond[] | null>;
}

/** Safety alerts ("Need to stop"). */
export interface AlertStorage {
  /** Stores an alert once; refuses a second open alert of the same participant. */
  raise(alert: { alertId: string; classId: string; participantId: string; createdAt: number }): Promise<AlertRaiseResult>;
  /** Marks an alert of this class acknowledged; false when there is no such open alert. */
  acknowledge(classId: string, alertId: string, now: number): Promise<boolean>;
  /** Marks every open alert of the class acknowledged; the ids it marked. */
  acknowledgeAll(classId: string, now: number): Promise<string[]>;
  /** The class's alerts not yet acknowledged, oldest first. */
  listOpen(classId: string): Promise<Alert[]>;
}

/** The post-class feedback. */
export interface FeedbackStorage {
  /** Stores a participant's feedback to a class, replacing their earlier answer there. */
  upsert(classId: string, participantId: string, answer: FeedbackAnswer): Promise<void>;
  /** The class's feedback answers, in no meaningful order. */
  list(classId: string): Promise<FeedbackAnswer[]>;
}

/** Retention: raw flags become aggregates. */
export interface ArchiveStorage {
  /** Classes that have raw flags stored before `before` (epoch ms): what retention has to archive. */
  listClassesWithFlagsBefore(before: number): Promise<string[]>;
  /**
   * Retention for one class, in one transaction: the first time, writes what its raw flags add up to into the
   * aggregates (so `flags.figures` answers the same afterwards) and marks it archived; then deletes its raw
   * flags and what is kept per participant (counts per cue, tombstones). Returns how many flags were deleted.
   */
  archiveFlags(classId: string, now: number): Promise<number>;

}

export interface Storage {
  /** Answers when storage can be read (the health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
  accounts: AccountStorage;
  sessions: SessionStorage;
  sequences: SequenceStorage;
  classes: ClassStorage;
  participants: ParticipantStorage;
  flags: FlagStorage;
  alerts: AlertStorage;
  feedback: FeedbackStorage;
  archive: ArchiveStorage;
  /** The clinic: accounts as the lead manages them, the shared library, and reads across every instructor. */
  clinic: ClinicStorage;
}

/** An account as the clinic lead's list shows it. */
export type AccountRecord = AccountView;

/** A sequence with what decides who may do what with it. */
export interface SequenceRecord extends Sequence {
  /** Who owns it, or for a library sequence who put it there. */
  ownerId: string;
  isLibrary: boolean;
  /** The sequence it was copied or shared from. */
  sourceId: string | null;
  version: number;
  /** A retired or withdrawn library sequence. */
  retiredAt: number | null;
}

/** A class with its instructor, for the lead's views. */
export interface ClinicClassOverview extends ClassOverview {
  instructorEmail: string;
  /**
   * The sequence the class counts towards in the lead's views: the library sequence its sequence was copied
   * from, else its own sequence; null when that sequence is gone.
   */
  family: { sequenceId: string; title: string; language: Language } | null;
}

/** A change the rule "always at least one active lead" may refuse. */
export type AccountChange = 'ok' | 'not_found' | 'last_lead';

export interface ClinicStorage {
  listAccounts(): Promise<AccountRecord[]>;
  /** Changes an account's role; refused when it would leave the clinic without an active lead. */
  setRole(instructorId: string, role: Role): Promise<AccountChange>;
  /** Deactivates (ending its sessions in the same transaction) or reactivates an account; the last active lead stays. */
  setActive(instructorId: string, isActive: boolean): Promise<AccountChange>;
  /** Gives the account a one-time password and ends its sessions; false when there is no such account. */
  resetPassword(instructorId: string, passwordHash: string): Promise<boolean>;
  recordSignIn(instructorId: string, now: number): Promise<void>;
  /** The clinic's K: where new accounts' K starts, and the floor of the lead's views across instructors. */
  getThreshold(): Promise<number>;
  setThreshold(threshold: number): Promise<void>;

  /** Any sequence by id, own or library, with its ownership. */
  findSequence(id: string): Promise<SequenceRecord | null>;
  /** The library's sequences that are not retired, oldest first. */
  listLibrary(): Promise<SequenceRecord[]>;
  createLibrarySequence(ownerId: string, input: SequenceInput, sourceId: string | null, now: number): Promise<SequenceRecord>;
  /** A copy of a library sequence among the instructor's own (same title; it remembers where it came from). */
  copyToOwn(instructorId: string, library: Sequence & { id: string }, now: number): Promise<Sequence>;
  /** Replaces a library sequence whole and counts a new version; null when it is not in the library. */
  updateLibrarySequence(id: string, input: SequenceInput, now: number): Promise<SequenceRecord | null>;
  /** Takes a sequence out of the library, keeping the row for its classes; false when it is not there. */
  retireLibrarySequence(id: string, now: number): Promise<boolean>;
  /**
   * Puts the starter library into the clinic's library once, owned by `leadId`: every account's copies of a
   * starter sequence that were never changed become that one library sequence (their classes follow it).
   * Does nothing once the library has any sequence.
   */
  seedLibrary(leadId: string, starters: SequenceInput[], now: number): Promise<void>;

  /** One page of every instructor's classes that left the lobby, newest first; optionally one instructor's, in a period. */
  listClasses(filter: ClinicFilter, page: { limit: number; offset: number }): Promise<{ items: ClinicClassOverview[]; total: number }>;
  /** The feedback answers of these classes (feeling and rating only). */
  feedbackOfClasses(classIds: string[]): Promise<{ classId: string; feeling: string; rating: number }[]>;
  /** Classes that ran a sequence or a copy of it (any instructor's), oldest first, newest `limit`. */
  listSequenceFamilyClasses(sequenceId: string, filter: ClinicFilter, limit: number): Promise<ClinicClassOverview[]>;
}

/** Which classes a lead's view covers. */
export interface ClinicFilter {
  instructorId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}
