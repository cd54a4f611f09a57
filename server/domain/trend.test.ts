import { describe, expect, it } from 'vitest';
import { buildTrend, type TrendClassInput } from './trend.js';

const week = 7 * 24 * 60 * 60_000;
const T = 1_750_000_000_000;

function classOf(i: number, overrides: Partial<TrendClassInput>): TrendClassInput {
  return {
    classId: `c${i}`,
    title: 'Shoulders',
    language: 'en',
    status: 'ended',
    createdAt: T + i * week,
    cues: [{ text: 'Shoulders down' }, { text: 'Jaw' }],
    participants: 4,
    feedbackAnswers: 4,
    feedbackRatingSum: 16,
    tallies: [],
    reachedCues: new Set([0, 1, 2]),
    ...overrides,
  };
}

describe('buildTrend', () => {
  it('gives per cue tension and relief per joined participant, class by class, withholding small answers', () => {
    const trend = buildTrend(
      'seq',
      [
        classOf(0, { tallies: [{ cueIndex: 0, tension: 8, relief: 2, participants: 4 }] }),
        classOf(1, { participants: 5, tallies: [{ cueIndex: 0, tension: 2, relief: 5, participants: 2 }] }),
        classOf(2, { cues: [{ text: 'Shoulders down' }, { text: 'Jaw, softly' }, { text: 'Breathe' }], feedbackAnswers: 2, feedbackRatingSum: 10 }),
      ],
      3,
    );
    expect(trend.title).toBe('Shoulders');
    expect(trend.classes.map((c) => [c.classId, c.feedbackScore, c.isFeedbackWithheld])).toEqual([
      ['c0', 4, false],
      ['c1', 4, false],
      ['c2', null, true],
    ]);
    // The newest class names the cues, and has one the older ones had not.
    expect(trend.cues.map((c) => c.text)).toEqual(['Shoulders down', 'Jaw, softly', 'Breathe']);
    expect(trend.cues[0]!.points).toEqual([
      { classId: 'c0', tension: 2, relief: 0.5, isWithheld: false, isReached: true },
      { classId: 'c1', tension: null, relief: null, isWithheld: true, isReached: true },
      { classId: 'c2', tension: 0, relief: 0, isWithheld: false, isReached: true },
    ]);
    expect(trend.cues[2]!.points[0]).toEqual({ classId: 'c0', tension: null, relief: null, isWithheld: false, isReached: false });
  });

  it('is empty without classes', () => {
    expect(buildTrend('seq', [], 3)).toMatchObject({ classes: [], cues: [] });
  });

  it('leaves a gap, not a 0, for a cue a class did not reach', () => {
    const trend = buildTrend(
      'seq',
      [classOf(0, { reachedCues: new Set([0]), tallies: [{ cueIndex: 0, tension: 4, relief: 0, participants: 4 }] }), classOf(1, {})],
      3,
    );
    expect(trend.cues[1]!.points.map((p) => [p.tension, p.isReached])).toEqual([
      [null, false],
      [0, true],
    ]);
  });
});
