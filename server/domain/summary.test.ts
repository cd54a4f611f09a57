import { describe, expect, it } from 'vitest';
import { feedbackInSteps, feedbackScore, shuffled, summarizeClass, summarizeCues, summarizeFeedback, type FeedbackAnswer, type FlagFigures } from './summary.js';

const cues = [
  { text: 'Shoulders down', regions: ['shoulder-left' as const, 'shoulder-right' as const] },
  { text: 'Notice the jaw', regions: ['jaw' as const] },
  { text: 'Breathe', regions: [] },
];

/** Cue 0: three participants; cue 1: two; cue 2: nobody. */
const figures: FlagFigures = {
  cues: [
    { cueIndex: 0, tension: 4, relief: 2, participants: 3 },
    { cueIndex: 1, tension: 1, relief: 1, participants: 2 },
  ],
  groups: [
    { cueIndex: 0, kind: 'tension', region: 'neck', strength: 3, flags: 2 },
    { cueIndex: 0, kind: 'tension', region: 'neck', strength: null, flags: 1 },
    { cueIndex: 0, kind: 'tension', region: null, strength: 1, flags: 1 },
    { cueIndex: 0, kind: 'relief', region: 'shoulder-left', strength: 2, flags: 2 },
    { cueIndex: 1, kind: 'tension', region: 'jaw', strength: 2, flags: 1 },
    { cueIndex: 1, kind: 'relief', region: null, strength: null, flags: 1 },
  ],
};

describe('summarizeCues', () => {
  it('adds up counts, strengths and regions of a cue that at least K participants answered', () => {
    const [first] = summarizeCues(cues, figures, 3);
    expect(first).toEqual({
      cueIndex: 0,
      text: 'Shoulders down',
      focusRegions: ['shoulder-left', 'shoulder-right'],
      isReached: true,
      isAdded: false,
      isKept: false,
      figures: {
        participants: 3,
        tension: 4,
        relief: 2,
        strengths: { tension: { 1: 1, 2: 0, 3: 2, none: 1 }, relief: { 1: 0, 2: 2, 3: 0, none: 0 } },
        regions: { neck: { tension: 3, relief: 0 }, 'shoulder-left': { tension: 0, relief: 2 } },
      },
    });
  });

  it('withholds every breakdown of a cue fewer than K participants answered, and shows an unanswered cue as zeros', () => {
    const [, second, third] = summarizeCues(cues, figures, 3);
    expect(second).toEqual({ cueIndex: 1, text: 'Notice the jaw', focusRegions: ['jaw'], isReached: true, isAdded: false, isKept: false, figures: null });
    expect(third?.figures).toEqual({
      participants: 0,
      tension: 0,
      relief: 0,
      strengths: { tension: { 1: 0, 2: 0, 3: 0, none: 0 }, relief: { 1: 0, 2: 0, 3: 0, none: 0 } },
      regions: {},
    });
  });

  it('moves with K: below, at and above', () => {
    const shown = (k: number) => summarizeCues(cues, figures, k).map((c) => c.figures !== null);
    expect(shown(4)).toEqual([false, false, true]);
    expect(shown(3)).toEqual([true, false, true]);
    expect(shown(2)).toEqual([true, true, true]);
  });
});

const answers: FeedbackAnswer[] = [
  { feeling: 'better', rating: 5, comment: 'Krční páteř povolila, díky!' },
  { feeling: 'better', rating: 4, comment: null },
  { feeling: 'same', rating: 3, comment: 'Too fast, please.' },
  { feeling: 'worse', rating: 2, comment: 'Knee hurt' },
];

describe('summarizeFeedback', () => {
  it('counts feelings and ratings and gives the mean, with every comment', () => {
    const summary = summarizeFeedback(answers, 3, 'class-1')!;
    expect(summary).toMatchObject({
      answers: 4,
      feelings: { better: 2, same: 1, worse: 1 },
      ratings: { 1: 0, 2: 1, 3: 1, 4: 1, 5: 1 },
      meanRating: 3.5,
    });
    expect([...summary.comments].sort()).toEqual(['Knee hurt', 'Krční páteř povolila, díky!', 'Too fast, please.']);
  });

  it('orders comments the same way for the same class whatever order they were stored in, and not by it', () => {
    const once = summarizeFeedback(answers, 3, 'class-1')!.comments;
    expect(summarizeFeedback([...answers].reverse(), 3, 'class-1')!.comments).toEqual(once);
    const orders = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((seed) => summarizeFeedback(answers, 3, seed)!.comments.join('|')));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('withholds the feedback below K, shows it at K, and shows no answers as zeros', () => {
    expect(summarizeFeedback(answers.slice(0, 2), 3, 'x')).toBeNull();
    expect(summarizeFeedback(answers.slice(0, 3), 3, 'x')?.answers).toBe(3);
    expect(summarizeFeedback([], 3, 'x')).toMatchObject({ answers: 0, meanRating: null, comments: [] });
  });
});

describe('feedbackScore', () => {
  it('is the mean rating at or above K, withheld below, and absent without answers', () => {
    expect(feedbackScore(4, 14, 3)).toEqual({ feedbackScore: 3.5, isFeedbackWithheld: false });
    expect(feedbackScore(3, 12, 3)).toEqual({ feedbackScore: 4, isFeedbackWithheld: false });
    expect(feedbackScore(2, 10, 3)).toEqual({ feedbackScore: null, isFeedbackWithheld: true });
    expect(feedbackScore(0, 0, 3)).toEqual({ feedbackScore: null, isFeedbackWithheld: false });
  });
});

describe('shuffled', () => {
  it('keeps every item and is repeatable by seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    expect([...shuffled(items, 's')].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled(items, 's')).toEqual(shuffled(items, 's'));
    expect(shuffled(items, 's')).not.toEqual(items);
  });
});

describe('summarizeClass', () => {
  it('holds the feedback back while its window is open, and says so', () => {
    const T = 1_750_000_000_000;
    const input = {
      facts: { id: 'c1', sequenceId: 's1', code: 'K7M2QX', title: 'Ramena', language: 'cs' as const, status: 'ended' as const, cues, createdAt: T, endedAt: T + 90_000, feedbackClosesAt: T + 1_890_000 },
      participants: 5,
      transitions: [{ revision: 1, status: 'running' as const, cueIndex: 0, at: T + 10_000 }],
      figures,
      feedback: answers,
      threshold: 3,
    };
    expect(summarizeClass({ ...input, now: T + 1_889_999 })).toMatchObject({ feedback: null, isFeedbackPending: true, feedbackSoFar: 3 });
    expect(summarizeClass({ ...input, now: T + 1_890_000 })).toMatchObject({ feedback: { answers: answers.length }, isFeedbackPending: false, feedbackSoFar: null });
    expect(summarizeClass({ ...input, facts: { ...input.facts, status: 'running', feedbackClosesAt: null }, now: T })).toMatchObject({ feedback: null, isFeedbackPending: true, feedbackSoFar: null });
  });

  it('counts pending feedback only in whole steps of K', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => feedbackInSteps(n, 3))).toEqual([0, 0, 0, 3, 3, 3, 6, 6]);
    expect([0, 1, 2].map((n) => feedbackInSteps(n, 1))).toEqual([0, 1, 2]);
  });

  it('puts the class, its timeline, cues and feedback together', () => {
    const T = 1_750_000_000_000;
    const summary = summarizeClass({
      facts: { id: 'c1', sequenceId: 's1', code: 'K7M2QX', title: 'Ramena', language: 'cs', status: 'ended', cues, createdAt: T, endedAt: T + 90_000, feedbackClosesAt: T + 1_890_000 },
      participants: 5,
      transitions: [
        { revision: 1, status: 'running', cueIndex: 0, at: T + 10_000 },
        { revision: 2, status: 'running', cueIndex: 1, at: T + 40_000 },
        { revision: 3, status: 'ended', cueIndex: 1, at: T + 90_000 },
      ],
      figures,
      feedback: answers,
      threshold: 3,
      // After the feedback window closed: feedback is published then (isFeedbackPublished).
      now: T + 1_900_000,
    });
    expect(summary).toMatchObject({
      format: 'attune.summary/v1',
      classId: 'c1',
      startedAt: T + 10_000,
      endedAt: T + 90_000,
      participants: 5,
      threshold: 3,
      timeline: [
        { cueIndex: 0, durationMs: 30_000 },
        { cueIndex: 1, durationMs: 50_000 },
      ],
      feedback: { answers: 4 },
    });
    expect(summary.cues.map((c) => c.figures?.participants ?? 'withheld')).toEqual([3, 'withheld', 0]);
    // The third cue was never shown: its zeros are "not asked", and the summary says so.
    expect(summary.cues.map((c) => c.isReached)).toEqual([true, true, false]);
    // Without the flags' times (archived), no stretch has figures of its own.
    expect(summary.timeline.map((s) => s.flags)).toEqual([null, null]);
  });

  it('gives each visit of a cue its own flags, and none where the cue is withheld', () => {
    const T = 1_750_000_000_000;
    const summary = summarizeClass({
      facts: { id: 'c1', sequenceId: 's1', code: 'K7M2QX', title: 'Ramena', language: 'cs', status: 'ended', cues, createdAt: T, endedAt: T + 90_000, feedbackClosesAt: null },
      participants: 5,
      transitions: [
        { revision: 1, status: 'running', cueIndex: 0, at: T + 10_000 },
        { revision: 2, status: 'running', cueIndex: 1, at: T + 40_000 },
        { revision: 3, status: 'running', cueIndex: 0, at: T + 60_000 },
        { revision: 4, status: 'ended', cueIndex: 0, at: T + 90_000 },
      ],
      figures,
      flagSeconds: [
        { cueIndex: 0, kind: 'tension', second: (T + 12_000) / 1000, flags: 4 },
        { cueIndex: 0, kind: 'relief', second: (T + 20_000) / 1000, flags: 1 },
        { cueIndex: 0, kind: 'relief', second: (T + 61_000) / 1000, flags: 2 },
        { cueIndex: 1, kind: 'tension', second: (T + 41_000) / 1000, flags: 1 },
      ],
      feedback: answers,
      threshold: 3,
      now: T + 100_000,
    });
    expect(summary.timeline.map((s) => [s.cueIndex, s.flags])).toEqual([
      [0, { tension: 4, relief: 1 }],
      [1, null],
      [0, { tension: 0, relief: 2 }],
    ]);
  });
});
