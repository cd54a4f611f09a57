/**
 * The summary as CSV rows (docs/export-format.md): one long table, `section,item,cue,cue_text,measure,value`,
 * so every row has the same columns and a spreadsheet can filter and pivot it. Withheld figures appear as one
 * `withheld` row, never as numbers. Pure.
 */
import { feelings } from '../../shared/feedback.js';
import { regionIds } from '../../shared/regions.js';
import type { ClassSummary, CueSummary } from '../../shared/schemas/summary.js';
import type { CsvCell } from './csv.js';

export const SUMMARY_CSV_HEADER = ['section', 'item', 'cue', 'cue_text', 'measure', 'value'];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const seconds = (ms: number) => Math.round(ms / 1000);

export function summaryCsvRows(summary: ClassSummary): CsvCell[][] {
  const withheld = `fewer than ${summary.threshold} participants`;
  const classRow = (measure: string, value: CsvCell): CsvCell[] => ['class', null, null, null, measure, value];
  const rows: CsvCell[][] = [
    SUMMARY_CSV_HEADER,
    classRow('format', summary.format),
    classRow('title', summary.title),
    // Only in the clinic lead's export of a colleague's class.
    ...(summary.instructorEmail === undefined ? [] : [classRow('instructor', summary.instructorEmail)]),
    classRow('class_id', summary.classId),
    classRow('sequence_id', summary.sequenceId),
    classRow('code', summary.code),
    classRow('language', summary.language),
    classRow('status', summary.status),
    classRow('created_at', iso(summary.createdAt)),
    classRow('started_at', iso(summary.startedAt)),
    classRow('ended_at', iso(summary.endedAt)),
    classRow('participants', summary.participants),
    classRow('threshold', summary.threshold),
  ];
  for (const cue of summary.cues) rows.push(...cueRows(cue, withheld));
  summary.timeline.forEach((segment, i) => {
    const text = summary.cues[segment.cueIndex]?.text ?? null;
    const row = (measure: string, value: CsvCell): CsvCell[] => ['timeline', i + 1, segment.cueIndex + 1, text, measure, value];
    if (summary.cues[segment.cueIndex]?.isAdded) rows.push(row('added_during_class', 1));
    rows.push(row('started_at', iso(segment.startedAt)), row('duration_seconds', seconds(segment.durationMs)), row('paused_seconds', seconds(segment.pausedMs)));
    // This visit's own flags, when they may be shown and are still known.
    if (segment.flags) rows.push(row('tension', segment.flags.tension), row('relief', segment.flags.relief));
  });
  const feedbackRow = (measure: string, value: CsvCell): CsvCell[] => ['feedback', null, null, null, measure, value];
  const { feedback } = summary;
  if (summary.isFeedbackPending) {
    // Published in one batch when the feedback window closes, so no answer can be timed.
    rows.push(feedbackRow('pending_until', summary.feedbackClosesAt === null ? null : iso(summary.feedbackClosesAt)));
  } else if (!feedback) {
    rows.push(feedbackRow('withheld', withheld));
  } else {
    rows.push(feedbackRow('answers', feedback.answers));
    for (const feeling of feelings) rows.push(feedbackRow(`feeling_${feeling}`, feedback.feelings[feeling]));
    for (const rating of ['1', '2', '3', '4', '5'] as const) rows.push(feedbackRow(`rating_${rating}`, feedback.ratings[rating]));
    rows.push(feedbackRow('mean_rating', feedback.meanRating === null ? null : Math.round(feedback.meanRating * 100) / 100));
    feedback.comments.forEach((comment, i) => rows.push(['comment', i + 1, null, null, 'comment', comment]));
  }
  return rows;
}

function cueRows(cue: CueSummary, withheld: string): CsvCell[][] {
  const row = (measure: string, value: CsvCell): CsvCell[] => ['cue', null, cue.cueIndex + 1, cue.text, measure, value];
  const { figures } = cue;
  // A cue added during the class says so first (and whether it was kept in the sequence since).
  const added = cue.isAdded ? [row('added_during_class', 1), row('kept_in_sequence', cue.isKept ? 1 : 0)] : [];
  return [...added, ...figureRows(cue, row, figures, withheld)];
}

function figureRows(cue: CueSummary, row: (measure: string, value: CsvCell) => CsvCell[], figures: CueSummary['figures'], withheld: string): CsvCell[][] {
  // A cue the class never came to has no figures: its zeros would read as "nobody flagged it".
  if (!cue.isReached) return [row('reached', 0)];
  if (!figures) return [row('reached', 1), row('withheld', withheld)];
  const rows = [row('reached', 1), row('participants', figures.participants), row('tension', figures.tension), row('relief', figures.relief)];
  for (const kind of ['tension', 'relief'] as const) {
    for (const strength of ['1', '2', '3', 'none'] as const) rows.push(row(`${kind}_strength_${strength}`, figures.strengths[kind][strength]));
  }
  for (const region of regionIds) {
    const counts = figures.regions[region];
    if (!counts) continue;
    rows.push(row(`region_${region}_tension`, counts.tension), row(`region_${region}_relief`, counts.relief));
  }
  return rows;
}
