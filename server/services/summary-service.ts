/**
 * What the instructor reads after class: a class's summary, the list of past classes, a sequence's trend, and
 * the threshold setting they all go through. Loads from storage, hands the counting to the pure domain.
 * Only the instructor's own classes and sequences: anyone else's answers exactly like a missing one.
 */
import { AppError } from '../../shared/errors.js';
import type { ClassHistoryPage, ClassSummary, ClassSummaryPage, SequenceInsights, SequenceTrend, SummarySettings } from '../../shared/schemas/summary.js';
import { bySequencePosition, isSequenceCue, keepCuesOffer, mayKeepCues, sequencePositions } from '../domain/added-cues.js';
import { buildInsights, INSIGHT_MAX_CLASSES } from '../domain/insights.js';
import { isFeedbackPublished, publishedFeedbackScore, summarizeClass } from '../domain/summary.js';
import { canReadClass, canUseSequence, namesInstructor, type Viewer } from '../domain/clinic-rules.js';
import { buildTrend, familyVersions } from '../domain/trend.js';
import type { ClassOverview, ClassRecord, Storage } from '../storage/storage.js';
import { loadInsightClasses } from './insight-classes.js';
import { createThresholds } from './thresholds.js';

export const HISTORY_PAGE_SIZE = 20;

/** A trend covers the sequence's newest classes: a year of weekly classes and then some. */
export const TREND_MAX_CLASSES = 60;

export function createSummaryService(deps: { storage: Storage; now?: () => number }) {
  const { storage } = deps;
  const now = deps.now ?? Date.now;
  const thresholds = createThresholds(storage);
  const threshold = thresholds.of;

  /** The instructor's classes of a sequence (newest `limit`, oldest first); a sequence never run must be one they may use. */
  async function sequenceClasses(sequenceId: string, instructorId: string, limit: number) {
    const overviews = await storage.classes.listOfSequence(instructorId, sequenceId, limit);
    const found = overviews.length === 0 ? await storage.clinic.findSequence(sequenceId) : null;
    if (overviews.length === 0 && !(found && canUseSequence(found, { id: instructorId, role: 'instructor' }))) {
      throw new AppError('sequence/not_found', 'No such sequence.');
    }
    return overviews;
  }

  /** The insights of these classes (oldest first), named by the newest one's cues. */
  async function insightsOf(overviews: ClassOverview[], k: number): Promise<SequenceInsights> {
    const recent = overviews.slice(-INSIGHT_MAX_CLASSES);
    const newest = recent.at(-1)?.record.cues.filter(isSequenceCue) ?? [];
    return buildInsights(await loadInsightClasses(storage, recent), newest.map((c) => c.text), k);
  }

  async function readableClass(classId: string, viewer: Viewer): Promise<ClassRecord> {
    const record = await storage.classes.get(classId);
    // Another instructor's class answers exactly like a missing one.
    if (!record || !canReadClass(record.instructorId, viewer)) throw new AppError('class/not_found', 'No such class.');
    return record;
  }

  async function summaryOf(record: ClassRecord, viewer: Viewer): Promise<ClassSummary> {
    const classId = record.id;
    const [participants, transitions, figures, flagSeconds, feedback, k, instructor] = await Promise.all([
      storage.participants.count(classId),
      storage.classes.listTransitions(classId),
      storage.flags.figures(classId),
      storage.flags.secondsByCue(classId),
      storage.feedback.list(classId),
      threshold(record.instructorId),
      namesInstructor(record.instructorId, viewer) ? storage.accounts.findById(record.instructorId) : null,
    ]);
    // Feedback is published in one batch when its window closes (isFeedbackPublished).
    const summary = summarizeClass({ facts: record, participants, transitions, figures, flagSeconds, feedback, threshold: k, now: now() });
    return instructor ? { ...summary, instructorEmail: instructor.email } : summary;
  }

  return {
    /**
     * The summary of a class the viewer may read (their own; every class for the lead), as it stands now (a
     * running class's keeps changing), through the threshold of the instructor who ran it: what the exports hold.
     */
    async summary(classId: string, viewer: Viewer): Promise<ClassSummary> {
      return summaryOf(await readableClass(classId, viewer), viewer);
    },

    /** The summary as its page reads it: with whether the viewer may keep the class's added cues in its sequence. */
    async summaryPage(classId: string, viewer: Viewer): Promise<ClassSummaryPage> {
      const record = await readableClass(classId, viewer);
      const [summary, sequence] = await Promise.all([
        summaryOf(record, viewer),
        record.sequenceId && mayKeepCues(record, viewer.id) ? storage.clinic.findSequence(record.sequenceId) : null,
      ]);
      return { ...summary, keepCues: keepCuesOffer(record, sequence, viewer.id) };
    },

    /** One page (1-based) of the instructor's classes that have started, newest first. */
    async history(instructorId: string, page: number): Promise<ClassHistoryPage> {
      const [{ items, total }, k] = await Promise.all([
        storage.classes.listHistory(instructorId, { limit: HISTORY_PAGE_SIZE, offset: (page - 1) * HISTORY_PAGE_SIZE }),
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
          ...publishedFeedbackScore(record, now(), feedbackAnswers, feedbackRatingSum, k),
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
          : await storage.classes.listOfSequence(viewer.id, sequenceId, TREND_MAX_CLASSES);
      const found = overviews.length === 0 ? await storage.clinic.findSequence(sequenceId) : null;
      const sequence = found && (viewer.role === 'lead' || canUseSequence(found, viewer)) ? found : null;
      if (overviews.length === 0 && !sequence) throw new AppError('sequence/not_found', 'No such sequence.');
      const classIds = overviews.map((o) => o.record.id);
      const [tallies, reached, k] = await Promise.all([
        storage.flags.tallyOfClasses(classIds),
        storage.classes.reachedCuesOf(classIds),
        thresholds.across(overviews.map((o) => o.record.instructorId), viewer),
      ]);
      // The lead's trend spans the copies taken of a sequence, whose versions each count from 1.
      const sequenceCues = overviews.map((o) => o.record.cues.filter(isSequenceCue));
      const versions = viewer.role === 'lead' ? familyVersions(sequenceCues) : null;
      const trend = buildTrend(
        sequenceId,
        overviews.map(({ record, participants, feedbackAnswers, feedbackRatingSum }, i) => {
          // Cues added during a class are not the sequence's: left out, the others compared by their place in it.
          const positions = sequencePositions(record.cues);
          return {
            classId: record.id,
            title: record.title,
            language: record.language,
            status: record.status,
            createdAt: record.createdAt,
            cues: sequenceCues[i]!,
            sequenceVersion: versions ? versions[i]! : record.sequenceVersion,
            participants,
            // Not counted before the class's feedback window closes (see the summary).
            ...(isFeedbackPublished(record, now()) ? { feedbackAnswers, feedbackRatingSum } : { feedbackAnswers: 0, feedbackRatingSum: 0 }),
            tallies: bySequencePosition(
              tallies.filter((t) => t.classId === record.id),
              positions,
            ),
            reachedCues: new Set(bySequencePosition(reached.filter((r) => r.classId === record.id), positions).map((r) => r.cueIndex)),
          };
        }),
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
      const [overviews, k] = await Promise.all([sequenceClasses(sequenceId, instructorId, INSIGHT_MAX_CLASSES), threshold(instructorId)]);
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

