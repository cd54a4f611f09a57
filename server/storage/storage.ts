/**
 * The one storage seam. Services talk to this interface only; `open-storage.ts` picks the engine. Every
 * multi-row change is one transaction inside an implementation; class transitions are conditional on the
 * revision, so the row is the lock, also across processes.
 */
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { RegionId } from '../../shared/regions.js';
import type { Alert } from '../../shared/schemas/alert.js';
import type { SummarySettings } from '../../shared/schemas/summary.js';
import type { CueTally, FlagSecond, FlagSubmit, RegionTally } from '../../shared/schemas/flag.js';
import type { Cue, Language, Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import type { FeedbackAnswer, FlagFigures } from '../domain/summary.js';
import type { ClassTransition } from '../domain/timeline.js';

/** The clinic lead manages accounts and the shared library and reads every class; an instructor their own. */
export type Role = 'lead' | 'instructor';

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
  cues: Cue[];
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
}

/** The fields a transition changes. */
export interface ClassRunUpdate {
  status: ClassStatus;
  cueIndex: number;
  revision: number;
  cueEndsAt: number | null;
  pausedRemainingMs: number | null;
  isAutoAdvance: boolean;
  /** Written only when given: the end transition fixes the feedback window (`endedAt` is set by storage). */
  feedbackClosesAt?: number | null;
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

export interface Storage {
  /** The clinic: accounts as the lead manages them, the shared library, and reads across every instructor. */
  clinic: ClinicStorage;

  /** Answers when storage can be read (the health check). */
  ping(): Promise<void>;
  close(): Promise<void>;

  countInstructors(): Promise<number>;
  /**
   * Creates an instructor with their starter sequences in one transaction. Refuses (returns null) when the
   * e-mail is taken, and with `onlyIfFirst` when any instructor exists: first-run sign-up.
   * `mustChangePassword` marks an account made by another instructor with a one-time password.
   */
  createInstructor(
    account: { id: string; email: string; passwordHash: string; createdAt: number },
    starterSequences: SequenceInput[],
    options: { onlyIfFirst: boolean; mustChangePassword?: boolean },
  ): Promise<InstructorRecord | null>;
  findInstructorByEmail(email: string): Promise<InstructorRecord | null>;
  findInstructorById(id: string): Promise<InstructorRecord | null>;
  /**
   * Replaces an instructor's password and signs out their other sessions (all but `keepSessionIdHash`), in one
   * transaction: whoever knew the old password is out.
   */
  updatePassword(
    instructorId: string,
    passwordHash: string,
    options: { mustChangePassword: boolean; keepSessionIdHash: string },
  ): Promise<void>;

  createSession(session: { idHash: string; instructorId: string; expiresAt: number }): Promise<void>;
  /** The instructor id of an unexpired session. */
  findSession(idHash: string, now: number): Promise<string | null>;
  deleteSession(idHash: string): Promise<void>;

  listSequences(instructorId: string): Promise<Sequence[]>;
  /** A sequence of this instructor's, or null (also for another instructor's). */
  getSequence(id: string, instructorId: string): Promise<Sequence | null>;
  createSequence(instructorId: string, input: SequenceInput, now: number): Promise<Sequence>;
  /** Replaces a sequence of this instructor's whole (title, language, the cues in order); null if not theirs. */
  updateSequence(id: string, instructorId: string, input: SequenceInput, now: number): Promise<Sequence | null>;
  /** Deletes a sequence of this instructor's; its classes keep their own snapshot. False if not theirs. */
  deleteSequence(id: string, instructorId: string): Promise<boolean>;

  createClass(newClass: NewClass): Promise<ClassRecord>;
  getClass(id: string): Promise<ClassRecord | null>;
  /** The class with this join code that has not ended, else the newest that has. */
  findClassByCode(code: string): Promise<ClassRecord | null>;
  /** Whether a class that has not ended uses this code. */
  isCodeInUse(code: string): Promise<boolean>;
  listClasses(instructorId: string): Promise<ClassRecord[]>;
  /**
   * Writes the transition, and appends it to the class's transition log, only if the class is still at
   * `expectedRevision`; false if it moved on (nothing written).
   */
  updateClassRun(id: string, expectedRevision: number, update: ClassRunUpdate, now: number): Promise<boolean>;
  /** Classes running or paused: the timers to re-arm after a restart. */
  listActiveClasses(): Promise<ClassRecord[]>;

  /** Adds the participant with this token hash to the class, or finds them; returns their id. */
  upsertParticipant(classId: string, tokenHash: string, now: number): Promise<{ id: string; isNew: boolean }>;
  countParticipants(classId: string): Promise<number>;

  /** Stores a flag once: false when a flag with its id already exists. */
  insertFlag(flag: NewFlag): Promise<boolean>;
  /** Sets a stored flag's region and strength; only its own participant may (false otherwise). */
  updateFlagDetail(flagId: string, participantId: string, detail: { region?: RegionId; strength?: number }): Promise<boolean>;
  /** Deletes the participant's own flag if it was stored at or after `storedSince`; false otherwise. */
  deleteFlag(flagId: string, participantId: string, storedSince: number): Promise<boolean>;
  /** Per cue of the class, tension and relief counts and how many participants they come from. */
  tallyFlags(classId: string): Promise<CueTally[]>;
  /** One cue's flags by region. */
  tallyRegions(classId: string, cueIndex: number): Promise<RegionTally>;
  /** The class's flags per second since `since` (epoch ms), oldest first, seconds without flags left out. */
  flagsPerSecond(classId: string, since: number): Promise<FlagSecond[]>;

  /** Stores an alert once: false when one with its id exists. */
  insertAlert(alert: { alertId: string; classId: string; createdAt: number }): Promise<boolean>;
  /** Marks an alert of this class acknowledged; false when there is no such open alert. */
  acknowledgeAlert(classId: string, alertId: string, now: number): Promise<boolean>;
  /** The class's alerts not yet acknowledged, oldest first. */
  openAlerts(classId: string): Promise<Alert[]>;

  // After class (issue 6): transitions log, feedback, summaries, history, trends, retention.
  /** The class's accepted transitions, oldest first: the summary's timeline. */
  listTransitions(classId: string): Promise<ClassTransition[]>;
  /** Stores a participant's feedback to a class, replacing their earlier answer there. */
  upsertFeedback(classId: string, participantId: string, answer: FeedbackAnswer): Promise<void>;
  /** The class's feedback answers, in no meaningful order. */
  listFeedback(classId: string): Promise<FeedbackAnswer[]>;
  /** What the class's flags add up to: from the raw flags, or from the aggregates once retention archived them. */
  flagFigures(classId: string): Promise<FlagFigures>;
  /** Per class and cue, the tallies of these classes, raw or archived alike. */
  tallyFlagsOfClasses(classIds: string[]): Promise<(CueTally & { classId: string })[]>;
  /** One page of the instructor's classes that have left the lobby, newest first, and how many there are. */
  listClassHistory(instructorId: string, page: { limit: number; offset: number }): Promise<{ items: ClassOverview[]; total: number }>;
  /** The newest `limit` classes of the instructor's that ran this sequence and left the lobby, oldest first. */
  listSequenceClasses(instructorId: string, sequenceId: string, limit: number): Promise<ClassOverview[]>;
  /** The instructor's summary settings; null when there is no such instructor. */
  getSummarySettings(instructorId: string): Promise<SummarySettings | null>;
  updateSummarySettings(instructorId: string, settings: SummarySettings): Promise<void>;
  /** Classes that have raw flags stored before `before` (epoch ms): what retention has to archive. */
  listClassesWithFlagsBefore(before: number): Promise<string[]>;
  /**
   * Retention for one class, in one transaction: the first time, writes what its raw flags add up to into the
   * aggregates (so `flagFigures` answers the same afterwards) and marks it archived; then deletes its raw flags.
   * Returns how many flags were deleted.
   */
  archiveFlags(classId: string, now: number): Promise<number>;
}

/** An account as the clinic lead's list shows it. */
export interface AccountRecord {
  id: string;
  email: string;
  role: Role;
  isActive: boolean;
  mustChangePassword: boolean;
  createdAt: number;
  lastSignInAt: number | null;
}

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
