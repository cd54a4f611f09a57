/** Rules for flags beyond their schema. Pure. */

/**
 * How long after a flag is stored the server still accepts its undo. The phone offers Undo for 5 seconds
 * after the tap; a flag queued offline may reach the server long after it was tapped, so the server's window
 * is generous and counts from storage, not from the tap.
 */
export const UNDO_ACCEPT_MS = 60_000;

/** The earliest storage time of a flag that may still be undone at `now`. */
export function undoableSince(now: number): number {
  return now - UNDO_ACCEPT_MS;
}

/** The live view's trend covers this much of the recent past. */
export const TREND_WINDOW_MS = 30_000;

/**
 * The most flags one participant may send on one cue (undone ones included, so undo cannot refill it). A real
 * participant taps a handful; the cap keeps a scripted phone from filling storage or the tally.
 */
export const MAX_FLAGS_PER_PARTICIPANT_CUE = 20;

/** The most participants one class takes (see docs/reliability.md): a large hall, far beyond a group lesson. */
export const DEFAULT_MAX_PARTICIPANTS_PER_CLASS = 300;
