/** The class as a timeline: which cue was shown when and for how long, from its transition log. Pure. */
import type { ClassStatus } from '../../shared/schemas/class.js';
import type { FlagKind } from '../../shared/schemas/flag.js';
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
      segments.push({ cueIndex: transition.cueIndex, startedAt: transition.at, durationMs: 0, pausedMs: 0, isOngoing: true, flags: null });
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

/** Flags of one cue and kind stored in one second (epoch seconds): what the timeline's figures per visit add up. */
export interface CueFlagSecond {
  cueIndex: number;
  kind: FlagKind;
  second: number;
  flags: number;
}

/**
 * Each stretch's own flags: a flag counts towards the latest stretch on its cue that had begun by the second it
 * was stored (a flag sent late from an offline phone still lands on its own cue, in the visit it was tapped in
 * or the last one before it arrived). `isShown(cueIndex)` says whose figures may be shown at all (the cue's
 * threshold); the rest, and every stretch when the times are no longer kept (`seconds` null), stay null.
 */
export function withVisitFlags(
  segments: TimelineSegment[],
  seconds: CueFlagSecond[] | null,
  isShown: (cueIndex: number) => boolean,
): TimelineSegment[] {
  const result = segments.map((s) => ({ ...s, flags: seconds !== null && isShown(s.cueIndex) ? { tension: 0, relief: 0 } : null }));
  if (seconds === null) return result;
  const visitsOf = new Map<number, number[]>();
  result.forEach((s, i) => visitsOf.set(s.cueIndex, [...(visitsOf.get(s.cueIndex) ?? []), i]));
  for (const entry of seconds) {
    const visits = visitsOf.get(entry.cueIndex);
    if (!visits) continue;
    const at = entry.second * 1000;
    // Stored within the second a stretch began counts towards it: the second is rounded down.
    const visit = [...visits].reverse().find((i) => Math.floor(result[i]!.startedAt / 1000) * 1000 <= at) ?? visits[0]!;
    const flags = result[visit]!.flags;
    if (flags) flags[entry.kind] += entry.flags;
  }
  return result;
}
