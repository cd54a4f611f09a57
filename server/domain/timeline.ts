/** The class as a timeline: which cue was shown when and for how long, from its transition log. Pure. */
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { TimelineSegment } from '../../shared/schemas/summary.js';

/** One accepted transition of a class, as the transition log keeps it. */
export interface ClassTransition {
  revision: number;
  status: ClassStatus;
  cueIndex: number;
  at: number;
}

/**
 * The stretches of the class on one cue, in order: a new one starts whenever the cue changes (next, previous,
 * jump, auto-advance); pausing and resuming stay within it and are counted as its paused time. The last
 * stretch ends with the class, or runs up to `now` while the class is on it.
 */
export function buildTimeline(transitions: ClassTransition[], now: number): TimelineSegment[] {
  const segments: TimelineSegment[] = [];
  let pausedSince: number | null = null;

  const close = (at: number) => {
    const last = segments.at(-1);
    if (!last) return;
    last.durationMs = at - last.startedAt;
    if (pausedSince !== null) last.pausedMs += at - pausedSince;
    last.isOngoing = false;
  };

  for (const transition of [...transitions].sort((a, b) => a.revision - b.revision)) {
    if (transition.status === 'lobby') continue;
    if (transition.status === 'ended') {
      close(transition.at);
      return segments;
    }
    const last = segments.at(-1);
    if (!last || last.cueIndex !== transition.cueIndex) {
      close(transition.at);
      // A pause that goes on across a jump counts towards the new cue from here on.
      if (pausedSince !== null) pausedSince = transition.at;
      segments.push({ cueIndex: transition.cueIndex, startedAt: transition.at, durationMs: 0, pausedMs: 0, isOngoing: true });
    }
    if (transition.status === 'paused' && pausedSince === null) pausedSince = transition.at;
    if (transition.status === 'running' && pausedSince !== null) {
      segments.at(-1)!.pausedMs += transition.at - pausedSince;
      pausedSince = null;
    }
  }
  const last = segments.at(-1);
  if (last) {
    last.durationMs = Math.max(0, now - last.startedAt);
    if (pausedSince !== null) last.pausedMs += Math.max(0, now - pausedSince);
  }
  return segments;
}
