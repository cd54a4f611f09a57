import { describe, expect, it } from 'vitest';
import { canUndo, countdownMs, formatCountdown, UNDO_WINDOW_MS } from './timing';

describe('the undo window', () => {
  it('is open for five seconds after the tap', () => {
    expect(UNDO_WINDOW_MS).toBe(5000);
    expect(canUndo(1000, 1000)).toBe(true);
    expect(canUndo(1000, 5999)).toBe(true);
    expect(canUndo(1000, 6000)).toBe(false);
  });
});

describe('countdowns from the server’s deadline', () => {
  it('ignore the device clock’s error', () => {
    // The server said "now is 10 000, the cue ends at 40 000"; the phone's clock read 500 (way off) on receipt.
    const state = { cueEndsAt: 40_000, pausedRemainingMs: null, serverNow: 10_000 };
    expect(countdownMs(state, 500, 500)).toBe(30_000);
    expect(countdownMs(state, 500, 10_500)).toBe(20_000);
    expect(countdownMs(state, 500, 99_999)).toBe(0);
  });
  it('show a paused countdown frozen, and none without a duration', () => {
    expect(countdownMs({ cueEndsAt: null, pausedRemainingMs: 12_000, serverNow: 0 }, 0, 50_000)).toBe(12_000);
    expect(countdownMs({ cueEndsAt: null, pausedRemainingMs: null, serverNow: 0 }, 0, 0)).toBeNull();
  });
  it('format as m:ss, rounding up', () => {
    expect(formatCountdown(90_000)).toBe('1:30');
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
  });
});
