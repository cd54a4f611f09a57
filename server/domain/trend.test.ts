import { describe, expect, it } from 'vitest';
import { buildTrend, familyVersions, type TrendClassInput } from './trend.js';

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
    sequenceVersion: 1,
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
    // The newest class names and orders the cues; 'Jaw' was reworded, so the older classes' 'Jaw' keeps a row of its own.
    expect(trend.cues.map((c) => [c.cueIndex, c.text])).toEqual([
      [0, 'Shoulders down'],
      [1, 'Jaw, softly'],
      [2, 'Breathe'],
      [null, 'Jaw'],
    ]);
    expect(trend.cues[0]!.points).toEqual([
      { classId: 'c0', tension: 2, relief: 0.5, isWithheld: false, isInClass: true, isReached: true },
      { classId: 'c1', tension: null, relief: null, isWithheld: true, isInClass: true, isReached: true },
      { classId: 'c2', tension: 0, relief: 0, isWithheld: false, isInClass: true, isReached: true },
    ]);
    expect(trend.cues[2]!.points[0]).toEqual({ classId: 'c0', tension: null, relief: null, isWithheld: false, isInClass: false, isReached: false });
  });

  it('shows a class of an earlier version against its own cues: a cue moved, added, removed and reworded', () => {
    // Version 1: A B C D. Version 2 moves D to the front, drops B, rewords C, adds E: D A C' E.
    const v1 = [{ text: 'A: shoulders' }, { text: 'B: jaw' }, { text: 'C: breathe' }, { text: 'D: neck' }];
    const v2 = [{ text: 'D: neck' }, { text: 'A: shoulders' }, { text: 'C: breathe out slowly' }, { text: 'E: hands' }];
    const tallies = (byIndex: number[]) => byIndex.map((tension, cueIndex) => ({ cueIndex, tension, relief: 0, participants: 4 }));
    const trend = buildTrend(
      'seq',
      [
        classOf(0, { cues: v1, sequenceVersion: 1, tallies: tallies([1, 2, 3, 4]), reachedCues: new Set([0, 1, 2, 3]) }),
        classOf(1, { cues: v2, sequenceVersion: 2, tallies: tallies([4, 1, 3, 2]), reachedCues: new Set([0, 1, 2, 3]) }),
      ],
      3,
    );
    expect(trend.classes.map((c) => [c.sequenceVersion, c.hasNewestCues])).toEqual([
      [1, false],
      [2, true],
    ]);
    const grid = trend.cues.map((c) => [c.cueIndex, c.text, ...c.points.map((p) => (p.isInClass ? p.tension : 'not in it'))]);
    expect(grid).toEqual([
      // D was the old class's fourth cue: its 4 flags of 4 participants stay with D, not with the cue now first.
      [0, 'D: neck', 1, 1],
      [1, 'A: shoulders', 0.25, 0.25],
      [2, 'C: breathe out slowly', 'not in it', 0.75],
      [3, 'E: hands', 'not in it', 0.5],
      [null, 'B: jaw', 0.5, 'not in it'],
      [null, 'C: breathe', 0.75, 'not in it'],
    ]);
  });

  it('tells a repeated cue apart by its occurrence, and ignores spacing differences', () => {
    const before = [{ text: 'Breathe out' }, { text: 'Neck' }, { text: 'Breathe out' }];
    const after = [{ text: 'Neck ' }, { text: 'Breathe  out' }, { text: 'Breathe out' }];
    const trend = buildTrend(
      'seq',
      [
        classOf(0, { cues: before, tallies: [{ cueIndex: 2, tension: 4, relief: 0, participants: 4 }], reachedCues: new Set([0, 1, 2]) }),
        classOf(1, { cues: after, sequenceVersion: 2, reachedCues: new Set([0, 1, 2]) }),
      ],
      3,
    );
    expect(trend.cues.map((c) => [c.cueIndex, c.points[0]!.tension])).toEqual([
      [0, 0],
      [1, 0],
      // The second "Breathe out" of the old class is the second one now.
      [2, 1],
    ]);
    expect(trend.classes.map((c) => c.hasNewestCues)).toEqual([false, true]);
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

describe('familyVersions', () => {
  it('numbers each distinct list of cues in the order it first ran; the same cues share a number', () => {
    const library = [{ text: 'Shoulders down' }, { text: 'Jaw' }];
    const copyEdited = [{ text: 'Shoulders down' }, { text: 'Jaw, softly' }];
    // Library v1, an unchanged copy (its own v1: the same cues), the copy edited (its v2), the library again
    // (spacing does not make a new version), then the library edited (its v2: other cues than the copy's v2).
    expect(familyVersions([library, [...library], copyEdited, [{ text: 'Shoulders  down' }, { text: 'Jaw' }], [{ text: 'Breathe' }]])).toEqual([1, 1, 2, 1, 3]);
    expect(familyVersions([])).toEqual([]);
  });
});
