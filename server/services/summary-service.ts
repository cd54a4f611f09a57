/**
 * What the instructor reads after class: a class's summary, the list of past classes, a sequence's trend, and
 * the threshold setting they all go through. Loads from storage, hands the counting to the pure domain.
 * Only the instructor's own classes and sequences: anyone else's answers exactly like a missing one.
 */
import { AppError } from '../../shared/errors.js';
import type { ClassHistoryPage, ClassSummary, SequenceTrend, SummarySettings } from '../../shared/schemas/summary.js';
import { feedbackScore, summarizeClass } from '../domain/summary.js';
import { DEFAULT_THRESHOLD } from '../domain/threshold.js';
import { buildTrend } from '../domain/trend.js';
import type { Storage } from '../storage/storage.js';
import type { ClassService } from './class-service.js';

export const HISTORY_PAGE_SIZE = 20;

/** A trend covers the sequence's newest classes: a year of weekly classes and then some. */
export const TREND_MAX_CLASSES = 60;

export function createSummaryService(deps: { storage: Storage; classes: Pick<ClassService, 'ownClass'>; now?: () => number }) {
  const { storage, classes } = deps;
  const now = deps.now ?? Date.now;

  async function threshold(instructorId: string): Promise<number> {
    return (await storage.getSummarySettings(instructorId))?.summaryThreshold ?? DEFAULT_THRESHOLD;
  }

  return {
    /** The summary of one of the instructor's classes, as it stands now (a running class's keeps changing). */
    async summary(classId: string, instructorId: string): Promise<ClassSummary> {
      const record = await classes.ownClass(classId, instructorId);
      const [participants, transitions, figures, flagSeconds, feedback, k] = await Promise.all([
        storage.countParticipants(classId),
        storage.listTransitions(classId),
        storage.flagFigures(classId),
        storage.flagSecondsByCue(classId),
        storage.listFeedback(classId),
        threshold(instructorId),
      ]);
      return summarizeClass({ facts: record, participants, transitions, figures, flagSeconds, feedback, threshold: k, now: now() });
    },

    /** One page (1-based) of the instructor's classes that have started, newest first. */
    async history(instructorId: string, page: number): Promise<ClassHistoryPage> {
      const [{ items, total }, k] = await Promise.all([
        storage.listClassHistory(instructorId, { limit: HISTORY_PAGE_SIZE, offset: (page - 1) * HISTORY_PAGE_SIZE }),
        threshold(instructorId),
      ]);
      return {
        items: items.map(({ record, participants, feedbackAnswers, feedbackRatingSum }) => ({
          classId: record.id,
          title: record.title,
          language: record.language,
          sequenceId: record.sequenceId,
          status: record.status,
          createdAt: record.createdAt,
          participants,
          ...feedbackScore(feedbackAnswers, feedbackRatingSum, k),
        })),
        page,
        pageSize: HISTORY_PAGE_SIZE,
        total,
      };
    },

    /** The trend of one of the instructor's sequences across its classes (also of a since deleted sequence). */
    async trend(sequenceId: string, instructorId: string): Promise<SequenceTrend> {
      const overviews = await storage.listSequenceClasses(instructorId, sequenceId, TREND_MAX_CLASSES);
      const sequence = overviews.length === 0 ? await storage.getSequence(sequenceId, instructorId) : null;
      if (overviews.length === 0 && !sequence) throw new AppError('sequence/not_found', 'No such sequence.');
      const classIds = overviews.map((o) => o.record.id);
      const [tallies, reached, k] = await Promise.all([
        storage.tallyFlagsOfClasses(classIds),
        storage.reachedCuesOfClasses(classIds),
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
          feedbackAnswers,
          feedbackRatingSum,
          tallies: tallies.filter((t) => t.classId === record.id),
          reachedCues: new Set(reached.filter((r) => r.classId === record.id).map((r) => r.cueIndex)),
        })),
        k,
      );
      // A sequence not yet run has no class to name it.
      return sequence ? { ...trend, title: sequence.title, language: sequence.language } : trend;
    },

    async settings(instructorId: string): Promise<SummarySettings> {
      return { summaryThreshold: await threshold(instructorId) };
    },

    async updateSettings(instructorId: string, settings: SummarySettings): Promise<SummarySettings> {
      await storage.updateSummarySettings(instructorId, settings);
      return settings;
    },
  };
}

export type SummaryService = ReturnType<typeof createSummaryService>;
