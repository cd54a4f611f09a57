/**
 * The summary of a class from what storage counted: per cue the counts, strengths and regions, the feedback
 * distribution and comments, the timeline. Pure. Every breakdown goes through `applyThreshold`; nothing here
 * sees, or could show, one participant's answers.
 */
import type { Feeling } from '../../shared/feedback.js';
import { feelings } from '../../shared/feedback.js';
import type { RegionId } from '../../shared/regions.js';
import type { ClassCue, ClassStatus } from '../../shared/schemas/class.js';
import type { CueTally, FlagKind, RegionTally } from '../../shared/schemas/flag.js';
import type { Language } from '../../shared/schemas/sequence.js';
import { SUMMARY_FORMAT, type ClassSummary, type CueSummary, type FeedbackFigures, type StrengthCounts } from '../../shared/schemas/summary.js';
import { applyThreshold } from './threshold.js';
import { buildTimeline, withVisitFlags, type ClassTransition, type CueFlagSecond } from './timeline.js';

/** A number of flags alike in cue, kind, region and strength: every breakdown of a summary is a sum of these. */
export interface FlagGroup {
  cueIndex: number;
  kind: FlagKind;
  region: RegionId | null;
  strength: number | null;
  flags: number;
}

/** What a class's flags add up to: per-cue tallies (with participants) and the flags grouped for breakdowns. */
export interface FlagFigures {
  cues: CueTally[];
  groups: FlagGroup[];
}

/** One participant's feedback, without who sent it or when. */
export interface FeedbackAnswer {
  feeling: Feeling;
  rating: number;
  comment: string | null;
}

/** What the summary needs to know of the class itself. */
export interface ClassFacts {
  id: string;
  sequenceId: string | null;
  code: string;
  title: string;
  language: Language;
  status: ClassStatus;
  cues: ClassCue[];
  createdAt: number;
  endedAt: number | null;
  feedbackClosesAt: number | null;
}

export interface SummaryInput {
  facts: ClassFacts;
  /** Everyone who joined. */
  participants: number;
  transitions: ClassTransition[];
  figures: FlagFigures;
  /** The flags by cue and second, for the timeline's figures per visit; null when no longer kept. */
  flagSeconds?: CueFlagSecond[] | null;
  feedback: FeedbackAnswer[];
  threshold: number;
  now: number;
}

export function summarizeClass(input: SummaryInput): ClassSummary {
  const { facts, transitions, threshold } = input;
  // Feedback is published in one batch when its window closes, so a polled summary cannot date an answer.
  const isFeedbackPending = !isFeedbackPublished(facts, input.now);
  const segments = buildTimeline(transitions, input.now);
  const reached = new Set(segments.map((s) => s.cueIndex));
  const cues = summarizeCues(facts.cues, input.figures, threshold, reached);
  return {
    format: SUMMARY_FORMAT,
    classId: facts.id,
    sequenceId: facts.sequenceId,
    code: facts.code,
    title: facts.title,
    language: facts.language,
    status: facts.status,
    createdAt: facts.createdAt,
    startedAt: transitions.find((t) => t.status !== 'lobby')?.at ?? null,
    endedAt: facts.endedAt,
    feedbackClosesAt: facts.feedbackClosesAt,
    participants: input.participants,
    threshold,
    timeline: withVisitFlags(segments, input.flagSeconds ?? null, (cueIndex) => cues[cueIndex]?.figures != null),
    cues,
    // The class id orders the comments: the same summary every time, unrelated to who wrote what or when.
    feedback: isFeedbackPending ? null : summarizeFeedback(input.feedback, threshold, facts.id),
    isFeedbackPending,
    feedbackSoFar: isFeedbackPending && facts.status === 'ended' ? feedbackInSteps(input.feedback.length, threshold) : null,
  };
}

/**
 * How many answers have come, counted in whole steps of K while the window is open: the ended tablet can say
 * "3 or more so far" without a count that moves with each answer and so dates it.
 */
export function feedbackInSteps(answers: number, threshold: number): number {
  const step = Math.max(1, threshold);
  return Math.floor(answers / step) * step;
}

/**
 * Whether a class's feedback is published at `now`: once its feedback window has closed. Until then answers
 * come in one by one, and a summary (or a history score) polled between them would date each answer and tie
 * its comment, rating and feeling together.
 */
export function isFeedbackPublished(state: { status: ClassStatus; feedbackClosesAt: number | null }, now: number): boolean {
  return state.status === 'ended' && state.feedbackClosesAt !== null && now >= state.feedbackClosesAt;
}

/** Per cue of the class: its counts, strengths and regions, or null where the threshold withholds them. */
export function summarizeCues(
  cues: Pick<ClassCue, 'text' | 'regions' | 'isAdded' | 'isKept'>[],
  figures: FlagFigures,
  threshold: number,
  reached: ReadonlySet<number> = new Set(cues.map((_, i) => i)),
): CueSummary[] {
  return cues.map((cue, cueIndex) => {
    const tally = figures.cues.find((t) => t.cueIndex === cueIndex) ?? { cueIndex, tension: 0, relief: 0, participants: 0 };
    const groups = figures.groups.filter((g) => g.cueIndex === cueIndex);
    return {
      cueIndex,
      text: cue.text,
      focusRegions: cue.regions,
      isReached: reached.has(cueIndex),
      isAdded: cue.isAdded === true,
      isKept: cue.isKept === true,
      figures: applyThreshold(tally.participants, threshold, {
        participants: tally.participants,
        tension: tally.tension,
        relief: tally.relief,
        strengths: countStrengths(groups),
        regions: countRegions(groups),
      }),
    };
  });
}

function countStrengths(groups: FlagGroup[]): Record<FlagKind, StrengthCounts> {
  const strengths: Record<FlagKind, StrengthCounts> = {
    tension: { 1: 0, 2: 0, 3: 0, none: 0 },
    relief: { 1: 0, 2: 0, 3: 0, none: 0 },
  };
  for (const group of groups) {
    const key = group.strength === 1 || group.strength === 2 || group.strength === 3 ? (String(group.strength) as '1' | '2' | '3') : 'none';
    strengths[group.kind][key] += group.flags;
  }
  return strengths;
}

function countRegions(groups: FlagGroup[]): RegionTally {
  const regions: RegionTally = {};
  for (const group of groups) {
    if (group.region === null) continue;
    const region = (regions[group.region] ??= { tension: 0, relief: 0 });
    region[group.kind] += group.flags;
  }
  return regions;
}

/**
 * The feedback distribution, mean rating and comments, or null where the threshold withholds them. Comments
 * come in an order drawn from `seed`: stable for the same class, unrelated to who wrote them or when.
 */
export function summarizeFeedback(answers: FeedbackAnswer[], threshold: number, seed: string): FeedbackFigures | null {
  const feelingCounts = Object.fromEntries(feelings.map((f) => [f, 0])) as Record<Feeling, number>;
  const ratings: FeedbackFigures['ratings'] = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let ratingSum = 0;
  for (const answer of answers) {
    feelingCounts[answer.feeling] += 1;
    ratings[String(answer.rating) as keyof FeedbackFigures['ratings']] += 1;
    ratingSum += answer.rating;
  }
  const comments = answers.flatMap((a) => (a.comment ? [a.comment] : [])).sort();
  return applyThreshold(answers.length, threshold, {
    answers: answers.length,
    feelings: feelingCounts,
    ratings,
    meanRating: meanRating(answers.length, ratingSum),
    comments: shuffled(comments, seed),
  });
}

/**
 * A class's feedback score as a list of classes shows it: before its feedback window closes neither shown nor
 * withheld (not out yet), so a list polled during the window cannot time an answer; the summary publishes the
 * feedback in one batch likewise.
 */
export function publishedFeedbackScore(
  state: { status: ClassStatus; feedbackClosesAt: number | null },
  now: number,
  answers: number,
  ratingSum: number,
  threshold: number,
): { feedbackScore: number | null; isFeedbackWithheld: boolean } {
  return isFeedbackPublished(state, now) ? feedbackScore(answers, ratingSum, threshold) : { feedbackScore: null, isFeedbackWithheld: false };
}

/** A class's feedback score (the mean rating) as the history and trend show it. */
export function feedbackScore(answers: number, ratingSum: number, threshold: number): { feedbackScore: number | null; isFeedbackWithheld: boolean } {
  if (answers === 0) return { feedbackScore: null, isFeedbackWithheld: false };
  const shown = applyThreshold(answers, threshold, ratingSum / answers);
  return shown === null ? { feedbackScore: null, isFeedbackWithheld: true } : { feedbackScore: shown, isFeedbackWithheld: false };
}

function meanRating(answers: number, ratingSum: number): number | null {
  return answers === 0 ? null : ratingSum / answers;
}

/** A Fisher-Yates shuffle driven by a small PRNG (mulberry32) seeded from the string: the same seed, the same order. */
export function shuffled<T>(items: T[], seed: string): T[] {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619);
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
