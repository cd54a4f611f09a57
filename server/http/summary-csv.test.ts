import { describe, expect, it } from 'vitest';
import type { ClassSummary } from '../../shared/schemas/summary.js';
import { SEMICOLON_DIALECT, toCsv } from './csv.js';
import { summaryCsvRows } from './summary-csv.js';

const T = Date.UTC(2026, 10, 24, 17, 0, 0);
const summary: ClassSummary = {
  format: 'attune.summary/v1',
  classId: 'c1',
  sequenceId: 's1',
  code: 'K7M2QX',
  title: 'Ramena, uši a "krk"',
  language: 'cs',
  status: 'ended',
  createdAt: T,
  startedAt: T + 60_000,
  endedAt: T + 600_000,
  feedbackClosesAt: T + 2_400_000,
  isFeedbackPending: false,
  feedbackSoFar: null,
  participants: 5,
  threshold: 3,
  timeline: [{ cueIndex: 0, startedAt: T + 60_000, durationMs: 95_400, pausedMs: 10_000, isOngoing: false, flags: { tension: 2, relief: 0 } }],
  cues: [
    {
      cueIndex: 0,
      text: 'Uvolněte ramena',
      focusRegions: [],
      isReached: true, isAdded: false, isKept: false,
      figures: {
        participants: 3,
        tension: 2,
        relief: 1,
        strengths: { tension: { 1: 0, 2: 1, 3: 1, none: 0 }, relief: { 1: 0, 2: 0, 3: 0, none: 1 } },
        regions: { neck: { tension: 2, relief: 0 } },
      },
    },
    { cueIndex: 1, text: 'Čelist', focusRegions: ['jaw'], isReached: true, isAdded: false, isKept: false, figures: null },
  ],
  feedback: {
    answers: 3,
    feelings: { better: 2, same: 1, worse: 0 },
    ratings: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 },
    meanRating: 4,
    comments: ['@sum(A1)', 'Děkuji'],
  },
};

describe('summaryCsvRows', () => {
  it('names the instructor only when the summary does (the lead reading a colleague’s class)', () => {
    expect(toCsv(summaryCsvRows(summary))).not.toContain(',instructor,');
    const csv = toCsv(summaryCsvRows({ ...summary, instructorEmail: 'ana@clinic.test' })).slice(1).split('\r\n');
    expect(csv.slice(0, 5)).toEqual([
      'section,item,cue,cue_text,measure,value',
      'class,,,,format,attune.summary/v1',
      'class,,,,title,"Ramena, uši a ""krk"""',
      'class,,,,instructor,ana@clinic.test',
      'class,,,,class_id,c1',
    ]);
  });

  it('writes one long table: class, cues, timeline, feedback, comments', () => {
    const csv = toCsv(summaryCsvRows(summary)).slice(1).split('\r\n');
    expect(csv[0]).toBe('section,item,cue,cue_text,measure,value');
    expect(csv).toContain('class,,,,title,"Ramena, uši a ""krk"""');
    expect(csv).toContain('class,,,,started_at,2026-11-24T17:01:00.000Z');
    expect(csv).toContain('cue,,1,Uvolněte ramena,tension_strength_3,1');
    expect(csv).toContain('cue,,1,Uvolněte ramena,region_neck_tension,2');
    expect(csv).toContain('timeline,1,1,Uvolněte ramena,duration_seconds,95');
    expect(csv).toContain('timeline,1,1,Uvolněte ramena,paused_seconds,10');
    expect(csv).toContain('timeline,1,1,Uvolněte ramena,tension,2');
    expect(csv).toContain('cue,,1,Uvolněte ramena,reached,1');
    expect(csv).toContain('feedback,,,,feeling_better,2');
    expect(csv).toContain("comment,1,,,comment,'@sum(A1)");
    expect(csv).toContain('comment,2,,,comment,Děkuji');
    for (const line of csv.filter(Boolean)) expect(line.split(',').length).toBeGreaterThanOrEqual(6);
  });

  it('gives a withheld cue and withheld feedback one row each, and no numbers', () => {
    const rows = summaryCsvRows({ ...summary, feedback: null });
    expect(rows.filter((r) => r[0] === 'cue' && r[2] === 2)).toEqual([
      ['cue', null, 2, 'Čelist', 'reached', 1],
      ['cue', null, 2, 'Čelist', 'withheld', 'fewer than 3 participants'],
    ]);
    expect(rows.filter((r) => r[0] === 'feedback')).toEqual([['feedback', null, null, null, 'withheld', 'fewer than 3 participants']]);
    expect(rows.some((r) => r[0] === 'comment')).toBe(false);
  });

  it('gives a cue the class never reached one row saying so, and no zeros', () => {
    const first = summary.cues[0]!;
    const unreached = { ...first, isReached: false, figures: { ...first.figures!, participants: 0, tension: 0, relief: 0, regions: {} } };
    const rows = summaryCsvRows({ ...summary, cues: [unreached] });
    expect(rows.filter((r) => r[0] === 'cue')).toEqual([['cue', null, 1, 'Uvolněte ramena', 'reached', 0]]);
  });

  it('marks a cue added during the class, in its rows and on its timeline visit, and whether it was kept', () => {
    const added = { ...summary.cues[1]!, isAdded: true };
    const timeline = [...summary.timeline, { ...summary.timeline[0]!, cueIndex: 1, flags: null }];
    const rows = summaryCsvRows({ ...summary, cues: [summary.cues[0]!, added], timeline });
    expect(rows.filter((r) => r[0] === 'cue' && r[2] === 2).slice(0, 2)).toEqual([
      ['cue', null, 2, 'Čelist', 'added_during_class', 1],
      ['cue', null, 2, 'Čelist', 'kept_in_sequence', 0],
    ]);
    expect(rows).toContainEqual(['timeline', 2, 2, 'Čelist', 'added_during_class', 1]);
    expect(rows.filter((r) => r[4] === 'added_during_class' && r[2] === 1)).toEqual([]);
    const kept = summaryCsvRows({ ...summary, cues: [summary.cues[0]!, { ...added, isKept: true }] });
    expect(kept).toContainEqual(['cue', null, 2, 'Čelist', 'kept_in_sequence', 1]);
  });

  it('opens in a spreadsheet set to Czech: semicolons, decimal commas', () => {
    const feedback = { ...summary.feedback!, meanRating: 13 / 3 };
    const csv = toCsv(summaryCsvRows({ ...summary, feedback }), SEMICOLON_DIALECT).slice(1).split('\r\n');
    expect(csv[0]).toBe('section;item;cue;cue_text;measure;value');
    expect(csv).toContain('class;;;;title;"Ramena, uši a ""krk"""');
    expect(csv).toContain('feedback;;;;mean_rating;4,33');
  });
});
