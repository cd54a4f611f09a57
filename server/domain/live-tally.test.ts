import { describe, expect, it } from 'vitest';
import { TREND_WINDOW_MS } from './flag-rules.js';
import { applyChange, liveTallyOf, pictureOf, type TallyChange } from './live-tally.js';

const T = 1_750_000_000_000;
const empty = { cues: [], regions: [], recent: [] };

const counted = (change: Partial<Extract<TallyChange, { type: 'counted' }>> = {}): TallyChange => ({
  type: 'counted',
  cueIndex: 0,
  kind: 'tension',
  region: null,
  createdAt: T,
  isFirstOfParticipant: true,
  ...change,
});

describe('the held live tally', () => {
  it('starts from the stored tallies and reads like storage: counted cues in order, the cue’s regions, the window’s seconds', () => {
    const picture = pictureOf({
      cues: [
        { cueIndex: 2, tension: 0, relief: 1, participants: 1 },
        { cueIndex: 0, tension: 3, relief: 1, participants: 2 },
      ],
      regions: [
        { cueIndex: 2, region: 'jaw', tension: 0, relief: 1 },
        { cueIndex: 0, region: 'neck', tension: 2, relief: 0 },
      ],
      recent: [{ second: Math.floor(T / 1000) - 3, tension: 1, relief: 0 }],
    });
    expect(liveTallyOf(picture, 2, T)).toEqual({
      cues: [
        { cueIndex: 0, tension: 3, relief: 1, participants: 2 },
        { cueIndex: 2, tension: 0, relief: 1, participants: 1 },
      ],
      cueIndex: 2,
      regions: { jaw: { tension: 0, relief: 1 } },
      recent: [{ second: Math.floor(T / 1000) - 3, tension: 1, relief: 0 }],
      serverNow: T,
    });
  });

  it('counts a flag on its cue, its region and its second, and a participant once per cue', () => {
    const picture = pictureOf(empty);
    applyChange(picture, counted({ region: 'neck' }));
    applyChange(picture, counted({ kind: 'relief', isFirstOfParticipant: false, createdAt: T + 1500 }));
    applyChange(picture, counted({ cueIndex: 1, region: 'jaw' }));
    const tally = liveTallyOf(picture, 0, T + 2000);
    expect(tally.cues).toEqual([
      { cueIndex: 0, tension: 1, relief: 1, participants: 1 },
      { cueIndex: 1, tension: 1, relief: 0, participants: 1 },
    ]);
    expect(tally.regions).toEqual({ neck: { tension: 1, relief: 0 } });
    expect(tally.recent).toEqual([
      { second: T / 1000, tension: 2, relief: 0 },
      { second: T / 1000 + 1, tension: 0, relief: 1 },
    ]);
  });

  it('takes an undone flag off everywhere it was counted, leaving out what drops to nothing', () => {
    const picture = pictureOf(empty);
    applyChange(picture, counted({ region: 'neck' }));
    applyChange(picture, { type: 'undone', cueIndex: 0, kind: 'tension', region: 'neck', createdAt: T, wasLastOfParticipant: true });
    expect(liveTallyOf(picture, 0, T + 1000)).toMatchObject({ cues: [], regions: {}, recent: [] });
  });

  it('moves a flag between regions with its detail; a detail without a new region changes nothing', () => {
    const picture = pictureOf(empty);
    applyChange(picture, counted({ kind: 'relief' }));
    applyChange(picture, { type: 'moved', cueIndex: 0, kind: 'relief', from: null, to: 'neck' });
    applyChange(picture, { type: 'moved', cueIndex: 0, kind: 'relief', from: 'neck', to: 'jaw' });
    applyChange(picture, { type: 'moved', cueIndex: 0, kind: 'relief', from: 'jaw', to: 'jaw' });
    const tally = liveTallyOf(picture, 0, T);
    expect(tally.regions).toEqual({ jaw: { tension: 0, relief: 1 } });
    expect(tally.cues).toEqual([{ cueIndex: 0, tension: 0, relief: 1, participants: 1 }]);
  });

  it('forgets seconds older than the trend window, so the picture stays bounded however long the class runs', () => {
    const picture = pictureOf(empty);
    for (let i = 0; i < 600; i++) applyChange(picture, counted({ createdAt: T + i * 1000, isFirstOfParticipant: i === 0 }));
    expect(picture.seconds.size).toBeLessThanOrEqual(TREND_WINDOW_MS / 1000 + 1);
    const now = T + 600 * 1000;
    const tally = liveTallyOf(picture, 0, now);
    expect(tally.recent).toHaveLength(TREND_WINDOW_MS / 1000);
    expect(tally.recent[0]!.second).toBe(Math.floor((now - TREND_WINDOW_MS) / 1000));
    expect(picture.seconds.size).toBe(TREND_WINDOW_MS / 1000);
    expect(tally.cues).toEqual([{ cueIndex: 0, tension: 600, relief: 0, participants: 1 }]);
  });
});
