/**
 * What the instructor reads after class: a class's summary, the list of past classes, a sequence's trend, and
 * the threshold setting they all go through. Loads from storage, hands the counting to the pure domain.
 * Only the instructor's own classes and sequences: anyone else's answers exactly like a missing one.
 */
import { AppError } from '../../shared/errors.js';
import type { ClassHistoryPage, ClassSummary, SequenceTrend, SummarySettings } from '../../shared/schemas/summary.js';
import { feedbackScore, summarizeClass } from '../domain/summary.js';
import { DEFAULT_THRESHOLD } from '../domain/threshold.js';
import { canReadClass, canUseSequence, type Viewer } from '../domain/clinic-rules.js';
import { buildTrend } from '../domain/trend.js';
import type { Storage } from '../storage/storage.js';

export const HISTORY_PAGE_SIZE = 20;

/** A trend covers the sequence's newest classes: a year of weekly classes and then some. */
export const TREND_MAX_CLASSES = 60;

export function createSummaryService(deps: { storage: Storage; now?: () => number }) {
  const { storage } = deps;
  const now = deps.now ?? Date.now;

  async function threshold(instructorId: string): Promise<number> {
    return (await storage.getSummarySettings(instructorId))?.summaryThreshold ?? DEFAULT_THRESHOLD;
  }

  return {
    /**
     * The summary of a class the viewer may read (their own; every class for the lead), as it stands now (a
     * running class's keeps changing), through the threshold of the instructor who ran it.
     */
    async summary(classId: string, viewer: Viewer): Promise<ClassSummary> {
      const record = await storage.getClass(classId);
      // Another instructor's class answers exactly like a missing one.
      if (!record || !canReadClass(record.instructorId, viewer)) throw new AppError('class/not_found', 'No such class.');
      const [participants, transitions, figures, feedback, k] = await Promise.all([
        storage.countParticipants(classId),
        storage.listTransitions(classId),
        storage.flagFigures(classId),
        storage.listFeedback(classId),
        threshold(record.instructorId),
      ]);
      return summarizeClass({ facts: record, participants, transitions, figures, feedback, threshold: k, now: now() });
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

    /**
     * The trend of a sequence across its classes (also of a since deleted sequence): the instructor's own
     * classes of it; for the lead, every instructor's classes of it and of the copies taken from it.
     */
    async trend(sequenceId: string, viewer: Viewer): Promise<SequenceTrend> {
      const overviews =
        viewer.role === 'lead'
          ? await storage.clinic.listSequenceFamilyClasses(sequenceId, {}, TREND_MAX_CLASSES)
          : await storage.listSequenceClasses(viewer.id, sequenceId, TREND_MAX_CLASSES);
      const found = overviews.length === 0 ? await storage.clinic.findSequence(sequenceId) : null;
      const sequence = found && (viewer.role === 'lead' || canUseSequence(found, viewer)) ? found : null;
      if (overviews.length === 0 && !sequence) throw new AppError('sequence/not_found', 'No such sequence.');
      const instructorIds = [...new Set([viewer.id, ...overviews.map((o) => o.record.instructorId)])];
      const [tallies, ks] = await Promise.all([storage.tallyFlagsOfClasses(overviews.map((o) => o.record.id)), Promise.all(instructorIds.map(threshold))]);
      // Across several instructors (the lead's view), the strictest of their K's and the clinic's.
      const k = Math.max(...ks, viewer.role === 'lead' ? await storage.clinic.getThreshold() : 0);
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
