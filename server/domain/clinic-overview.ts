/**
 * The lead's overview of the clinic: classes and participants per week, the feedback distribution over time,
 * and per sequence (across every instructor who ran it) the classes and the feedback. Pure; every feedback
 * figure goes through the threshold.
 */
import type { Feeling } from '../../shared/feedback.js';
import type { ClinicSequenceLine, ClinicWeek } from '../../shared/schemas/clinic.js';
import type { Language } from '../../shared/schemas/sequence.js';
import { summarizeFeedback } from './summary.js';

const WEEK_MS = 7 * 24 * 60 * 60_000;
/** 1970-01-05 was a Monday. */
const FIRST_MONDAY_MS = 4 * 24 * 60 * 60_000;

/** One class as the overview counts it. */
export interface OverviewClass {
  classId: string;
  instructorId: string;
  createdAt: number;
  participants: number;
  /** The sequence it counts towards: the library sequence it came from, else its own. Null if unknown. */
  family: { sequenceId: string; title: string; language: Language } | null;
}

export interface OverviewAnswer {
  classId: string;
  feeling: Feeling;
  rating: number;
}

/** The Monday (00:00 UTC) of the week `ms` falls in. */
export function weekStart(ms: number): number {
  return ms - ((((ms - FIRST_MONDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS);
}

export function buildClinicOverview(
  classes: OverviewClass[],
  answers: OverviewAnswer[],
  threshold: number,
): { weeks: ClinicWeek[]; sequences: Omit<ClinicSequenceLine, 'insights'>[] } {
  const answersOf = (group: OverviewClass[]) => {
    const ids = new Set(group.map((c) => c.classId));
    return answers.filter((a) => ids.has(a.classId)).map((a) => ({ feeling: a.feeling, rating: a.rating, comment: null }));
  };
  const feedbackOf = (group: OverviewClass[]) => {
    const groupAnswers = answersOf(group);
    return { feedback: summarizeFeedback(groupAnswers, threshold, ''), feedbackAnswers: groupAnswers.length };
  };

  const weeks = [...groupBy(classes, (c) => weekStart(c.createdAt))]
    .sort(([a], [b]) => a - b)
    .map(([start, group]): ClinicWeek => ({
      weekStart: start,
      classes: group.length,
      participants: sum(group.map((c) => c.participants)),
      ...feedbackOf(group),
    }));

  const sequences = [...groupBy(classes.filter((c) => c.family), (c) => c.family!.sequenceId)]
    .map(([sequenceId, group]): Omit<ClinicSequenceLine, 'insights'> => ({
      sequenceId,
      title: group.at(-1)!.family!.title,
      language: group.at(-1)!.family!.language,
      classes: group.length,
      instructors: new Set(group.map((c) => c.instructorId)).size,
      participants: sum(group.map((c) => c.participants)),
      ...feedbackOf(group),
    }))
    .sort((a, b) => b.classes - a.classes || a.title.localeCompare(b.title));

  return { weeks, sequences };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
