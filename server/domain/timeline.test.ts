import { describe, expect, it } from 'vitest';
import { buildTimeline, type ClassTransition } from './timeline.js';

const T = 1_750_000_000_000;
let revision = 0;
const at = (seconds: number, status: ClassTransition['status'], cueIndex: number): ClassTransition => ({ revision: ++revision, status, cueIndex, at: T + seconds * 1000 });

describe('buildTimeline', () => {
  it('is empty in the lobby', () => {
    expect(buildTimeline([], T)).toEqual([]);
  });

  it('gives each shown cue its start and duration, a revisited cue twice, until the end', () => {
    const transitions = [at(0, 'running', 0), at(60, 'running', 1), at(90, 'running', 0), at(100, 'running', 2), at(160, 'ended', 2)];
    expect(buildTimeline(transitions, T + 999_000)).toEqual([
      { cueIndex: 0, startedAt: T, durationMs: 60_000, pausedMs: 0, isOngoing: false, flags: null },
      { cueIndex: 1, startedAt: T + 60_000, durationMs: 30_000, pausedMs: 0, isOngoing: false, flags: null },
      { cueIndex: 0, startedAt: T + 90_000, durationMs: 10_000, pausedMs: 0, isOngoing: false, flags: null },
      { cueIndex: 2, startedAt: T + 100_000, durationMs: 60_000, pausedMs: 0, isOngoing: false, flags: null },
    ]);
  });

  it('counts pauses within a cue, across a jump made while paused, and until the end', () => {
    const transitions = [
      at(0, 'running', 0),
      at(10, 'paused', 0),
      at(25, 'running', 0),
      at(30, 'paused', 0),
      at(40, 'paused', 1), // jump while paused
      at(50, 'running', 1),
      at(70, 'paused', 1),
      at(80, 'ended', 1),
    ];
    expect(buildTimeline(transitions, T)).toEqual([
      { cueIndex: 0, startedAt: T, durationMs: 40_000, pausedMs: 25_000, isOngoing: false, flags: null },
      { cueIndex: 1, startedAt: T + 40_000, durationMs: 40_000, pausedMs: 20_000, isOngoing: false, flags: null },
    ]);
  });

  it('runs the current cue up to now while the class goes on, and ignores the order the log came in', () => {
    const transitions = [at(0, 'running', 0), at(30, 'running', 1), at(40, 'paused', 1)];
    expect(buildTimeline([...transitions].reverse(), T + 50_000)).toEqual([
      { cueIndex: 0, startedAt: T, durationMs: 30_000, pausedMs: 0, isOngoing: false, flags: null },
      { cueIndex: 1, startedAt: T + 30_000, durationMs: 20_000, pausedMs: 10_000, isOngoing: true, flags: null },
    ]);
  });

  it('keeps one stretch when only the auto-advance switch changes', () => {
    const transitions = [at(0, 'running', 0), at(5, 'running', 0), at(20, 'ended', 0)];
    expect(buildTimeline(transitions, T)).toEqual([{ cueIndex: 0, startedAt: T, durationMs: 20_000, pausedMs: 0, isOngoing: false, flags: null }]);
  });
});
