/**
 * A sequence's trend: for each cue, tension and relief per participant across the sequence's classes, and
 * the feedback score over time. Pure; every point goes through the threshold.
 *
 * A sequence changes between classes, and each class keeps the cues it ran: a class is read against its own
 * cues, matched to the grid's rows by their text (cue-match.ts), never by position. The rows are the newest
 * class's cues, then those only earlier versions had.
 */
import type { CueTally } from '../../shared/schemas/flag.js';
import type { Cue } from '../../shared/schemas/sequence.js';
import type { SequenceTrend, TrendClass, TrendPoint } from '../../shared/schemas/summary.js';
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { Language } from '../../shared/schemas/sequence.js';
import { cueIndexByKey, cueKeys, isSameCues } from './cue-match.js';
import { feedbackScore } from './summary.js';
import { applyThreshold } from './threshold.js';

/** One class of the sequence with what the trend needs of it. */
export interface TrendClassInput {
  classId: string;
  title: string;
  language: Language;
  status: ClassStatus;
  createdAt: number;
  /** The cues the class ran (its own snapshot). */
  cues: Pick<Cue, 'text'>[];
  /** The version of the sequence it ran; null when unknown. */
  sequenceVersion: number | null;
  /** Everyone who joined: the "per participant" of the rates. */
  participants: number;
  feedbackAnswers: number;
  feedbackRatingSum: number;
  tallies: CueTally[];
  /** The cues the class ever showed. */
  reachedCues: ReadonlySet<number>;
}

/** The trend over `classes` (oldest first); the newest class names the sequence and orders the cues. */
export function buildTrend(sequenceId: string, classes: TrendClassInput[], threshold: number): Omit<SequenceTrend, 'insights'> {
  const newest = classes.at(-1);
  const newestTexts = (newest?.cues ?? []).map((c) => c.text);
  const indexes = classes.map((c) => cueIndexByKey(c.cues.map((cue) => cue.text)));
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
      sequenceVersion: c.sequenceVersion,
      hasNewestCues: isSameCues(c.cues.map((cue) => cue.text), newestTexts),
    })),
    cues: rows(classes).map(({ key, text, cueIndex }) => ({
      cueIndex,
      text,
      points: classes.map((c, i) => point(c, indexes[i]!.get(key), threshold)),
    })),
  };
}

/** The grid's rows: the newest class's cues in order, then each earlier version's cues the newer ones lack. */
function rows(classes: TrendClassInput[]): { key: string; text: string; cueIndex: number | null }[] {
  const found = new Map<string, { key: string; text: string; cueIndex: number | null }>();
  [...classes].reverse().forEach((c, age) => {
    const texts = c.cues.map((cue) => cue.text);
    cueKeys(texts).forEach((key, i) => {
      if (!found.has(key)) found.set(key, { key, text: texts[i]!, cueIndex: age === 0 ? i : null });
    });
  });
  return [...found.values()];
}

/** One class's figures on one cue, at its own index there (`undefined`: that class's cues had no such cue). */
function point(c: TrendClassInput, cueIndex: number | undefined, threshold: number): TrendPoint {
  const absent = { classId: c.classId, tension: null, relief: null, isWithheld: false };
  if (cueIndex === undefined) return { ...absent, isInClass: false, isReached: false };
  if (!c.reachedCues.has(cueIndex)) return { ...absent, isInClass: true, isReached: false };
  const tally = c.tallies.find((t) => t.cueIndex === cueIndex) ?? { cueIndex, tension: 0, relief: 0, participants: 0 };
  const perParticipant = (flags: number) => (c.participants === 0 ? 0 : flags / c.participants);
  const rates = applyThreshold(tally.participants, threshold, { tension: perParticipant(tally.tension), relief: perParticipant(tally.relief) });
  return rates === null
    ? { classId: c.classId, tension: null, relief: null, isWithheld: true, isInClass: true, isReached: true }
    : { classId: c.classId, ...rates, isWithheld: false, isInClass: true, isReached: true };
}

/**
 * Version numbers for a trend across a family of sequences (the lead's: a library sequence and the copies
 * instructors took of it). Each copy counts its own versions from 1, so two classes of different cues would both
 * read "v1": instead, each distinct list of cues (matched as the grid's rows are, cue-match.ts) is numbered in
 * the order the classes (oldest first) first ran it, and classes that ran the same cues share a number.
 */
export function familyVersions(classCues: Pick<Cue, 'text'>[][]): number[] {
  const seen: string[][] = [];
  return classCues.map((cues) => {
    const texts = cues.map((c) => c.text);
    const known = seen.findIndex((earlier) => isSameCues(earlier, texts));
    if (known >= 0) return known + 1;
    seen.push(texts);
    return seen.length;
  });
}
