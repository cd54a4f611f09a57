import { z } from 'zod';
import { cueSchema, sequenceLimits, type Cue, type Language } from './sequence.js';
import { storable } from './storable-text.js';

/**
 * The most cues a class holds: its sequence's (at most 100) and the cues added during the class. A cap, so a
 * hostile tablet cannot grow a class's snapshot without bound.
 */
export const MAX_CUES_PER_CLASS = sequenceLimits.cuesMax + 50;

/**
 * A cue of a class's snapshot: one of its sequence's, or one the instructor added during the class
 * (`isAdded`, and `addedAtRevision`: the class's revision the addition made, so a flag tapped on a phone that had
 * not seen it yet can be renumbered). `isKept`: an added cue the instructor later kept in the sequence from the summary.
 */
export type ClassCue = Cue & { isAdded?: true; addedAtRevision?: number; isKept?: true };

/** Where a class is in its life. */
export type ClassStatus = 'lobby' | 'running' | 'paused' | 'ended';

/** Opening a class from one of the instructor's sequences. */
export const classOpenSchema = z.object({ sequenceId: storable(z.string().min(1).max(64)) });
export type ClassOpen = z.infer<typeof classOpenSchema>;

/**
 * What the instructor's tablet asks of a class. `revision` is the revision the tablet saw: a command made
 * against an older one is refused with the current state, so double taps and two tablets are safe.
 */
export const classCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), revision: z.number().int().min(0) }),
  z.object({ type: z.literal('next'), revision: z.number().int().min(0) }),
  z.object({ type: z.literal('previous'), revision: z.number().int().min(0) }),
  z.object({ type: z.literal('pause'), revision: z.number().int().min(0) }),
  z.object({ type: z.literal('resume'), revision: z.number().int().min(0) }),
  z.object({ type: z.literal('end'), revision: z.number().int().min(0) }),
  z.object({ type: z.literal('jump'), revision: z.number().int().min(0), cueIndex: z.number().int().min(0).max(MAX_CUES_PER_CLASS - 1) }),
  /** Turns the per-class switch on or off: a cue whose countdown runs out moves on by itself. */
  z.object({ type: z.literal('auto-advance'), revision: z.number().int().min(0), isOn: z.boolean() }),
]);
export type ClassCommand = z.infer<typeof classCommandSchema>;

/**
 * A cue added during a running or paused class (typed, taken from one of the instructor's sequences, or the
 * current one repeated): it goes right after the current cue, shown at once (`now`) or as the next one
 * (`next`). Same limits as a sequence's cue; `revision` as in a command.
 */
export const cueAddSchema = z.object({
  revision: z.number().int().min(0),
  cue: cueSchema,
  at: z.enum(['now', 'next']),
});
export type CueAdd = z.infer<typeof cueAddSchema>;

/** The address of **Keep in the sequence**: `/api/classes/:classId/cues/:cueIndex/keep`. */
export const cueKeepParamsSchema = z.object({
  classId: storable(z.string().min(1).max(64)),
  cueIndex: z.coerce.number().int().min(0).max(MAX_CUES_PER_CLASS - 1),
});

/** What **Keep in the sequence** answers: where the cue went, and the sequence's new version. */
export interface CueKept {
  sequenceId: string;
  /** The cue's index in the sequence. */
  position: number;
  version: number;
}

/** What every phone may see of a class: never the private notes, never the group's counts. */
export interface PublicClassState {
  code: string;
  title: string;
  language: Language;
  status: ClassStatus;
  /** Index of the current cue; -1 in the lobby. */
  cueIndex: number;
  cueCount: number;
  /** The current cue without its private note; null in the lobby. */
  cue: Omit<Cue, 'note'> | null;
  revision: number;
  /** When the current cue's countdown reaches zero (server clock, epoch ms); null without a running countdown. */
  cueEndsAt: number | null;
  /** A paused cue's frozen countdown in ms; null when none. */
  pausedRemainingMs: number | null;
  isAutoAdvance: boolean;
  /**
   * Until when (server clock, epoch ms) the ended class takes feedback: a phone that reconnects before then
   * still shows the form. Null until the class ends.
   */
  feedbackClosesAt: number | null;
  /** The server's clock when this state was sent: clients show countdowns from the server's deadline, not their own clock. */
  serverNow: number;
}

/** What the instructor's tablet gets: the public state plus the whole snapshot with notes. */
export interface InstructorClassState extends PublicClassState {
  classId: string;
  cues: ClassCue[];
}

/** What `/api/classes/:id` answers: the state, the address phones join at, and its QR code as SVG markup. */
export interface ClassDetails {
  class: InstructorClassState;
  joinUrl: string;
  qrSvg: string;
}

/** One line of the instructor's class list. */
export interface ClassListItem {
  classId: string;
  code: string;
  title: string;
  status: ClassStatus;
  createdAt: number;
}
