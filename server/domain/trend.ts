/**
 * A sequence's trend: for each cue, tension and relief per participant across the sequence's classes, and
 * the feedback score over time. Pure; every point goes through the threshold.
 */
import type { CueTally } from '../../shared/schemas/flag.js';
import type { Cue } from '../../shared/schemas/sequence.js';
import type { CueTrend, SequenceTrend, TrendClass } from '../../shared/schemas/summary.js';
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { Language } from '../../shared/schemas/sequence.js';
import { feedbackScore } from './summary.js';
import { applyThreshold } from './threshold.js';

/** One class of the sequence with what the trend needs of it. */
export interface TrendClassInput {
  classId: string;
  title: string;
  language: Language;
  status: ClassStatus;
  createdAt: number;
  cues: Pick<Cue, 'text'>[];
  /** Everyone who joined: the "per participant" of the rates. */
  participants: number;
  feedbackAnswers: number;
  feedbackRatingSum: number;
  tallies: CueTally[];
  /** The cues the class ever showed. */
  reachedCues: ReadonlySet<number>;
}

/** The trend over `classes` (oldest first); the newest class names the cues and the sequence. */
export function buildTrend(sequenceId: string, classes: TrendClassInput[], threshold: number): Omit<SequenceTrend, 'insights'> {
  const newest = classes.at(-1);
  return {
    sequenceId,
    title: newest?.title ?? '',
    language: newest?.language ?? 'en',
    threshold,
    classes: classes.map((c): TrendClass => ({
      classId: c.classId,
      status: c.status,
      createdAt: c.createdAt,
      participants: c.participants,
      ...feedbackScore(c.feedbackAnswers, c.feedbackRatingSum, threshold),
    })),
    cues: (newest?.cues ?? []).map((cue, cueIndex) => cueTrend(cueIndex, cue.text, classes, threshold)),
  };
}

function cueTrend(cueIndex: number, text: string, classes: TrendClassInput[], threshold: number): CueTrend {
  return {
    cueIndex,
    text,
    points: classes.map((c) => {
      if (cueIndex >= c.cues.length || !c.reachedCues.has(cueIndex)) return { classId: c.classId, tension: null, relief: null, isWithheld: false, isReached: false };
      const tally = c.tallies.find((t) => t.cueIndex === cueIndex) ?? { cueIndex, tension: 0, relief: 0, participants: 0 };
      const perParticipant = (flags: number) => (c.participants === 0 ? 0 : flags / c.participants);
      const rates = applyThreshold(tally.participants, threshold, { tension: perParticipant(tally.tension), relief: perParticipant(tally.relief) });
      return rates === null
        ? { classId: c.classId, tension: null, relief: null, isWithheld: true, isReached: true }
        : { classId: c.classId, ...rates, isWithheld: false, isReached: true };
    }),
  };
}
