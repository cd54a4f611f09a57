/**
 * What the instructor reads after class: a class's summary, the list of past classes, a sequence's trend, and
 * the threshold setting they all go through. Loads from storage, hands the counting to the pure domain.
 * Only the instructor's own classes and sequences: anyone else's answers exactly like a missing one.
 */
import { AppError } from '../../shared/errors.js';
import type { ClassHistoryPage, ClassSummary, SequenceInsights, SequenceTrend, SummarySettings } from '../../shared/schemas/summary.js';
import { buildInsights, INSIGHT_MAX_CLASSES } from '../domain/insights.js';
import { feedbackScore, isFeedbackPublished, summarizeClass } from '../domain/summary.js';
import { DEFAULT_THRESHOLD } from '../domain/threshold.js';
import { buildTrend } from '../domain/trend.js';
import type { ClassOverview, Storage } from '../storage/storage.js';
import type { ClassService } from './class-service.js';

export const HISTORY_PAGE_SIZE = 20;

/** A trend covers the sequence's newest classes: a year of weekly classes and then some. */
export const TREND_MAX_CLASSES = 60;

export function createSummaryService(deps: { storage: Storage; classes: Pick<ClassService, 'ownClass'>; now?: () => number }) {
  const { storage, classes } = deps;
  const now = deps.now ?? Date.now;

  async function threshold(instructorId: string): Promise<number> {
    return (await storage.accounts.getSummarySettings(instructorId))?.summaryThreshold ?? DEFAULT_THRESHOLD;
  }

  /** The sequence's classes (newest `limit`, oldest first); a sequence never run must still be the instructor's. */
  async function sequenceClasses(sequenceId: string, instructorId: string, limit: number) {
    const overviews = await storage.classes.listOfSequence(instructorId, sequenceId, limit);
    const sequence = overviews.length === 0 ? await storage.sequences.get(sequenceId, instructorId) : null;
    if (overviews.length === 0 && !sequence) throw new AppError('sequence/not_found', 'No such sequence.');
    return { overviews, sequence };
  }

  /** The insights of these classes (oldest first): per class its flags, the cues it showed, who flagged what. */
  async function insightsOf(overviews: ClassOverview[], k: number): Promise<SequenceInsights> {
    const recent = overviews.slice(-INSIGHT_MAX_CLASSES);
    const ids = recent.map((o) => o.record.id);
    const [perClass, flaggers] = await Promise.all([
      Promise.all(recent.map((o) => Promise.all([storage.flags.figures(o.record.id), storage.classes.listTransitions(o.record.id)]))),
      storage.flags.flaggersOfClasses(ids),
    ]);
    const classes = recent.map(({ record, participants }, i) => ({
      classId: record.id,
      participants,
      cueCount: record.cues.length,
      shownCues: perClass[i]![1].filter((t) => t.status === 'running' || t.status === 'paused').map((t) => t.cueIndex),
      figures: perClass[i]![0],
      flaggers: flaggers.filter((f) => f.classId === record.id),
    }));
    return buildInsights(classes, (recent.at(-1)?.record.cues ?? []).map((c) => c.text), k);
  }

  return {
    /** The summary of one of the instructor's classes, as it stands now (a running class's keeps changing). */
    async summary(classId: string, instructorId: string): Promise<ClassSummary> {
      const record = await classes.ownClass(classId, instructorId);
      const [participants, transitions, figures, flagSeconds, feedback, k] = await Promise.all([
        storage.participants.count(classId),
        storage.classes.listTransitions(classId),
        storage.flags.figures(classId),
        storage.flags.secondsByCue(classId),
        storage.feedback.list(classId),
        threshold(instructorId),
      ]);
      // Feedback is published in one batch when its window closes (isFeedbackPublished).
      return summarizeClass({ facts: record, participants, transitions, figures, flagSeconds, feedback, threshold: k, now: now() });
    },

    /** One page (1-based) of the instructor's classes that have started, newest first. */
    async history(instructorId: string, page: number): Promise<ClassHistoryPage> {
      const [{ items, total }, k] = await Promise.all([
        storage.classes.listHistory(instructorId, { limit: HISTORY_PAGE_SIZE, offset: (page - 1) * HISTORY_PAGE_SIZE }),
        threshold(instructorId),
      ]);
      return {
        items: items.map(({ record, participants, feedbackAnswers, feedbackRatingSum }) => ({
          // The score appears with the summary's feedback, when the window closes: a poll cannot time an answer.
          classId: record.id,
          title: record.title,
          language: record.language,
          sequenceId: record.sequenceId,
          status: record.status,
          createdAt: record.createdAt,
          participants,
          ...(isFeedbackPublished(record, now()) ? feedbackScore(feedbackAnswers, feedbackRatingSum, k) : PENDING_SCORE),
        })),
        page,
        pageSize: HISTORY_PAGE_SIZE,
        total,
      };
    },

    /** The trend of one of the instructor's sequences across its classes (also of a since deleted sequence). */
    async trend(sequenceId: string, instructorId: string): Promise<SequenceTrend> {
      const { overviews, sequence } = await sequenceClasses(sequenceId, instructorId, TREND_MAX_CLASSES);
      const classIds = overviews.map((o) => o.record.id);
      const [tallies, reached, k] = await Promise.all([
        storage.flags.tallyOfClasses(classIds),
        storage.classes.reachedCuesOf(classIds),
        threshold(instructorId),
      ]);
      const trend = buildTrend(
        sequenceId,
        overviews.map(({ record, participants, feedbackAnswers, feedbackRatingSum }) => ({
          classId: record.id,
          title: record.title,
          language: record.language,
          status: record.status,
          createdAt: record.createdAt,
          cues: record.cues,
          participants,
          // Not counted before the class's feedback window closes (see the summary).
          ...(isFeedbackPublished(record, now()) ? { feedbackAnswers, feedbackRatingSum } : { feedbackAnswers: 0, feedbackRatingSum: 0 }),
          tallies: tallies.filter((t) => t.classId === record.id),
          reachedCues: new Set(reached.filter((r) => r.classId === record.id).map((r) => r.cueIndex)),
        })),
        k,
      );
      const insights = await insightsOf(overviews, k);
      // A sequence not yet run has no class to name it.
      return sequence ? { ...trend, title: sequence.title, language: sequence.language, insights } : { ...trend, insights };
    },

    /**
     * The insights alone, for the editor's line beside each cue (and, later, the clinic lead's overview of every
     * sequence: call it with the sequence owner's id). Only the newest classes are loaded.
     */
    async insights(sequenceId: string, instructorId: string): Promise<SequenceInsights> {
      const [{ overviews }, k] = await Promise.all([sequenceClasses(sequenceId, instructorId, INSIGHT_MAX_CLASSES), threshold(instructorId)]);
      return insightsOf(overviews, k);
    },

    async settings(instructorId: string): Promise<SummarySettings> {
      return { summaryThreshold: await threshold(instructorId) };
    },

    async updateSettings(instructorId: string, settings: SummarySettings): Promise<SummarySettings> {
      await storage.accounts.updateSummarySettings(instructorId, settings);
      return settings;
    },
  };
}

export type SummaryService = ReturnType<typeof createSummaryService>;

/** Before a class's feedback window closes its score is neither shown nor withheld: it is not out yet. */
const PENDING_SCORE = { feedbackScore: null, isFeedbackWithheld: false };
