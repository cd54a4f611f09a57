/**
 * The clinic: what the lead sends to manage accounts and the shared library, and what the lead's pages read.
 * Instructors are named (by e-mail) to the lead; participants stay anonymous tokens per class.
 */
import { z } from 'zod';
import type { Sequence } from './sequence.js';
import type { ClassHistoryItem, FeedbackFigures, SequenceInsights } from './summary.js';

export const roleSchema = z.enum(['lead', 'instructor'], { error: 'must be "lead" or "instructor"' });
export type Role = z.infer<typeof roleSchema>;

/** Adding a colleague: their e-mail; the server makes the one-time password and shows it once. */
export const colleagueNewSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254)),
});
export type ColleagueNew = z.infer<typeof colleagueNewSchema>;

/** Sharing one of one's own sequences to the clinic's library. */
export const librarySharingSchema = z.object({ sequenceId: z.string().uuid() });

/** A change to one account: its role, or whether it may sign in. */
export const accountChangeSchema = z.union([z.strictObject({ role: roleSchema }), z.strictObject({ isActive: z.boolean() })]);
export type AccountChangeInput = z.infer<typeof accountChangeSchema>;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .transform((value) => Date.parse(`${value}T00:00:00Z`))
  .refine((ms) => Number.isFinite(ms), 'must be a date YYYY-MM-DD');

/** Which classes a lead's view covers: one instructor or all, and a period of whole days (UTC). */
export const clinicQuerySchema = z.object({
  instructorId: z.string().uuid().optional(),
  from: day.optional(),
  /** Inclusive: the whole day. */
  to: day.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type ClinicQuery = z.infer<typeof clinicQuerySchema>;

/** One account as the lead's list shows it. */
export interface AccountView {
  id: string;
  email: string;
  role: Role;
  isActive: boolean;
  /** Still on the one-time password it was given. */
  mustChangePassword: boolean;
  createdAt: number;
  lastSignInAt: number | null;
}

/** What adding a colleague or resetting a password answers: the one-time password, shown once. */
export interface OneTimePassword {
  id: string;
  email: string;
  oneTimePassword: string;
}

/** A sequence of the clinic's shared library. */
export interface LibrarySequence extends Sequence {
  version: number;
  /** Who put it there (the lead for the starter library). */
  sharedBy: string;
  /** The viewer may edit it in place (the lead). */
  canEdit: boolean;
  /** The viewer may take it out (the lead retires, the sharer withdraws). */
  canRetire: boolean;
}

/** One line of the lead's list of every instructor's classes. */
export interface ClinicClassItem extends ClassHistoryItem {
  instructorEmail: string;
}

export interface ClinicClassPage {
  items: ClinicClassItem[];
  page: number;
  pageSize: number;
  total: number;
}

/** One week (Monday, UTC) of the clinic. */
export interface ClinicWeek {
  weekStart: number;
  classes: number;
  participants: number;
  /** Null when withheld (fewer answers than the threshold) or without answers. */
  feedback: FeedbackFigures | null;
  feedbackAnswers: number;
}

/** One sequence across every instructor who ran it (the library sequence and the copies taken of it). */
export interface ClinicSequenceLine {
  sequenceId: string;
  title: string;
  language: Sequence['language'];
  classes: number;
  instructors: number;
  participants: number;
  feedback: FeedbackFigures | null;
  feedbackAnswers: number;
  /** What its newest classes in the view say about its cues, by the trend page's rule and threshold. */
  insights: SequenceInsights;
}

/** The lead's overview of the clinic in a period. */
export interface ClinicOverview {
  threshold: number;
  instructors: AccountView[];
  weeks: ClinicWeek[];
  sequences: ClinicSequenceLine[];
}

/** The clinic's settings: its K, where new accounts' K starts and the floor of the lead's views across instructors. */
export interface ClinicSettings {
  summaryThreshold: number;
}
