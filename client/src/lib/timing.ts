/** Time on the phone and the tablet: pure helpers, so they are tested with fixed clocks. */

/** The phone offers Undo for this long after a tap. */
export const UNDO_WINDOW_MS = 5_000;

export function canUndo(tappedAt: number, now: number): boolean {
  return now - tappedAt < UNDO_WINDOW_MS;
}

/**
 * Milliseconds left on a countdown, by the server's clock: `serverNow` came with the state, `receivedAt` is
 * the local time it arrived, so the device's own clock error drops out.
 */
export function countdownMs(
  state: { cueEndsAt: number | null; pausedRemainingMs: number | null; serverNow: number },
  receivedAt: number,
  now: number,
): number | null {
  if (state.pausedRemainingMs !== null) return state.pausedRemainingMs;
  if (state.cueEndsAt === null) return null;
  const serverNowEstimate = state.serverNow + (now - receivedAt);
  return Math.max(0, state.cueEndsAt - serverNowEstimate);
}

/** m:ss, rounding up, so "0:00" appears only when the time is really up. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
