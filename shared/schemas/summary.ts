/**
 * What the instructor reads after (and during) a class: the summary of one class, the list of past classes and
 * a sequence's trend. Every figure that could single out a participant has gone through the threshold on the
 * server: where fewer than `threshold` participants stand behind it, it is withheld (null) and the page says why.
 * The export formats are these shapes (docs/export-format.md).
 */
import { z } from 'zod';
import type { RegionId } from '../regions.js';
import type { ClassStatus } from './class.js';
import type { Feeling } from '../feedback.js';
import type { FlagKind, RegionTally } from './flag.js';
import { languageSchema, type Language } from './sequence.js';

/** The JSON export's format name; bumped on any incompatible change. */
export const SUMMARY_FORMAT = 'attune.summary/v1';

/** Flags by strength: 1-3 as the participant chose it, `none` for flags without one. */
export type StrengthCounts = Record<'1' | '2' | '3' | 'none', number>;

/** What one cue's flags add up to. */
export interface CueFigures {
  /** Distinct participants who flagged this cue. */
  participants: number;
  tension: number;
  relief: number;
  strengths: Record<FlagKind, StrengthCounts>;
  /** Flags that named a region; flags without one are only in the counts above. */
  regions: RegionTally;
}

export interface CueSummary {
  cueIndex: number;
  text: string;
  /** The regions the cue turns attention to (from the sequence), not where flags were. */
  focusRegions: RegionId[];
  /** Whether the class ever showed this cue. An unreached cue's zeros mean "not asked", not "nobody flagged". */
  isReached: boolean;
  /** The instructor added this cue during the class: it is not one of the sequence's. */
  isAdded: boolean;
  /** An added cue the instructor has since kept in the sequence (**Keep in the sequence**). */
  isKept: boolean;
  /** Null when withheld: more than none but fewer than `threshold` participants flagged this cue. */
  figures: CueFigures | null;
}

/** One stretch of the class on one cue: from when it was shown until the next cue (or the end). */
export interface TimelineSegment {
  cueIndex: number;
  startedAt: number;
  durationMs: number;
  /** Of `durationMs`, how long the class was paused on it. */
  pausedMs: number;
  /** The class is on this cue now: `durationMs` runs up to the moment the summary was made. */
  isOngoing: boolean;
  /**
   * The flags tapped on this cue during this stretch (a cue shown twice has its own on each). Null when the
   * cue's figures are withheld, or when retention has deleted the raw flags and their times with them.
   */
  flags: { tension: number; relief: number } | null;
}

/** The feedback form's answers, counted. Comments come in an order unrelated to when they were sent. */
export interface FeedbackFigures {
  answers: number;
  feelings: Record<Feeling, number>;
  ratings: Record<'1' | '2' | '3' | '4' | '5', number>;
  /** Mean rating, or null without answers. */
  meanRating: number | null;
  comments: string[];
}

/** The summary of one class. */
export interface ClassSummary {
  format: typeof SUMMARY_FORMAT;
  classId: string;
  /** The sequence the class ran (its trend); null if unknown. */
  sequenceId: string | null;
  code: string;
  title: string;
  language: Language;
  status: ClassStatus;
  createdAt: number;
  /** When the class left the lobby; null while it is still there. */
  startedAt: number | null;
  endedAt: number | null;
  /** Until when phones may still send feedback; null before the class ends. */
  feedbackClosesAt: number | null;
  /** Everyone who joined the class. */
  participants: number;
  /** The instructor's threshold the figures went through. */
  threshold: number;
  /**
   * Who ran the class, only where the clinic lead reads a colleague's class (its page and exports); absent from
   * an instructor's own. Participants are never named.
   */
  instructorEmail?: string;
  timeline: TimelineSegment[];
  cues: CueSummary[];
  /** Null when withheld: more than none but fewer than `threshold` participants answered the form. */
  feedback: FeedbackFigures | null;
  /**
   * True while the feedback window is open (a running class, or an ended one before `feedbackClosesAt`):
   * `feedback` is null then, and every answer is published at once when the window closes, so polling the
   * summary cannot time an answer and tie its comment, rating and feeling together. The page says so.
   */
  isFeedbackPending: boolean;
  /**
   * While an ended class's feedback is pending: how many answers came so far, rounded down to a multiple of
   * `threshold` (0, K, 2K…), so the count moves only once K more have come and cannot date one answer. Null
   * before the end and once the feedback is published (then `feedback.answers` is exact).
   */
  feedbackSoFar: number | null;
}

/**
 * Whether the reader may keep this class's added cues in its sequence (**Keep in the sequence**): `allowed` (the
 * class is theirs and has ended), `library` (it would be, but the class ran a clinic library sequence, which
 * changes only through the library: the page says so instead), `none` otherwise.
 */
export type KeepCues = 'allowed' | 'library' | 'none';

/** What the summary page reads: the summary, and what its reader may do with it. About the reader, so not exported. */
export interface ClassSummaryPage extends ClassSummary {
  keepCues: KeepCues;
}

/** One line of the list of past classes. */
export interface ClassHistoryItem {
  classId: string;
  title: string;
  language: Language;
  /** The sequence the class ran (its trend page); null if the class came from nowhere known. */
  sequenceId: string | null;
  status: ClassStatus;
  createdAt: number;
  participants: number;
  /** Mean feedback rating (1-5); null without answers or when withheld. */
  feedbackScore: number | null;
  isFeedbackWithheld: boolean;
}

/** One page of the list of past classes, newest first. */
export interface ClassHistoryPage {
  items: ClassHistoryItem[];
  /** 1-based. */
  page: number;
  pageSize: number;
  total: number;
}

/**
 * The CSV export's options: `delimiter` picks `comma` (decimal point) or `semicolon` (decimal comma, what a
 * spreadsheet set to Czech reads); without it `lang`, the language the export is made in, decides (cs → semicolon).
 */
export const csvQuerySchema = z.object({
  delimiter: z.enum(['comma', 'semicolon']).optional(),
  lang: languageSchema.optional(),
});

/** The page query of the list of past classes. */
export const historyQuerySchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

/** One class of a sequence's trend. */
export interface TrendClass extends Omit<ClassHistoryItem, 'title' | 'language' | 'sequenceId'> {
  /**
   * The version of its sequence the class ran (each edit counts one); null for a class from before versions were
   * kept. In the lead's trend, which spans the copies taken of a sequence, the cues' version across them: each
   * distinct list of cues numbered in the order it first ran (server/domain/trend.ts, familyVersions).
   */
  sequenceVersion: number | null;
  /** Whether it ran the same cues as the newest class; false: an earlier (or another) version, shown against its own cues. */
  hasNewestCues: boolean;
}

/** One cue in one class of the trend: flags per participant who joined that class. */
export interface TrendPoint {
  classId: string;
  /** Null when withheld, when that class's version had no such cue, or when the class did not reach it. */
  tension: number | null;
  relief: number | null;
  isWithheld: boolean;
  /** Whether that class's cues had this cue (matched by its text, server/domain/cue-match.ts): false for another version's. */
  isInClass: boolean;
  /** Whether that class showed this cue at all: false for a cue it never came to (or did not have). */
  isReached: boolean;
}

/**
 * One cue of the trend's grid. The rows are the newest class's cues in its order, then the cues only earlier
 * versions had (newest first): every class is read against its own cues, matched by their text.
 */
export interface CueTrend {
  /** Its position in the newest class; null for a cue only earlier versions had. */
  cueIndex: number | null;
  /** The cue's text, as the newest class that had it said it. */
  text: string;
  /** One per class of the trend, in the same order. */
  points: TrendPoint[];
}

/** A sequence's figures across its classes, oldest class first. */
export interface SequenceTrend {
  sequenceId: string;
  title: string;
  language: Language;
  threshold: number;
  classes: TrendClass[];
  cues: CueTrend[];
  /** What its recent classes say about its cues (server/domain/insights.ts). */
  insights: SequenceInsights;
}

/**
 * One cue that stood out, for tension or for relief, across a sequence's recent classes. A class counts for the
 * cue when at least `threshold` participants flagged the cue there; the cue stands out in a class when the
 * lower bound of the 95% Wilson interval of its share (participants who flagged this kind / participants who
 * joined) is above that class's average share over the cues it showed.
 */
export interface CueInsight {
  cueIndex: number;
  /** The cue's text in the newest class. */
  text: string;
  kind: FlagKind;
  /** Classes in which it stood out. */
  classes: number;
  /** Of the classes considered, those that counted for this cue (at least `threshold` participants flagged it). */
  countedClasses: number;
  /** In the classes where it stood out, together: participants who flagged this kind on it, of those who joined. */
  flaggedBy: number;
  joined: number;
  /** In those classes, the mean of each class's average share over its cues (0-1): what the cue beat. */
  classAverage: number;
  /** Where most (more than half) of its flags of this kind in those classes were, with their numbers; else null. */
  region: { region: RegionId; flags: number; of: number } | null;
}

/** Insights into a sequence's cues over its recent classes; empty lists when nothing stands out (or too few answered). */
export interface SequenceInsights {
  /** The instructor's threshold K, also the minimum of participants behind a cue in a class that counts. */
  threshold: number;
  /** The rule's constants: the newest classes considered, and in how many of them a cue must stand out. */
  maxClasses: number;
  minClasses: number;
  /** Classes considered: the newest (up to `maxClasses`) that have started. */
  consideredClasses: number;
  /** The most classes that counted for any one cue: below `minClasses`, no cue can be named yet. */
  mostCountedClasses: number;
  /** Cues that raised tension, most classes first. */
  tension: CueInsight[];
  /** Cues that reliably brought relief, most classes first. */
  relief: CueInsight[];
}

/** The smallest and largest threshold an instructor may choose; below 2 nothing would be protected. */
export const THRESHOLD_MIN = 2;
export const THRESHOLD_MAX = 20;

/**
 * The instructor's own settings for summaries: `summaryThreshold` is the K below which breakdowns are withheld.
 */
export const summarySettingsSchema = z.object({
  summaryThreshold: z.number().int().min(THRESHOLD_MIN).max(THRESHOLD_MAX),
});
export type SummarySettings = z.infer<typeof summarySettingsSchema>;
