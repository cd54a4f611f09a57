/**
 * Arms one timeout per class whose current cue will auto-advance, from the deadline stored with the class.
 * When it fires, `onDue` issues the timer's command at the revision it was armed for: if anything changed
 * meanwhile (or another process fired first), the revision check refuses it and nothing happens twice.
 */
import { autoAdvanceAt, type ClassRunState } from '../domain/class-rules.js';

/** Fires a little after the deadline, so the domain's "has the countdown run out?" check always agrees. */
const FIRE_MARGIN_MS = 10;

export function createClassTimers(onDue: (classId: string, revision: number) => void) {
  const timers = new Map<string, NodeJS.Timeout>();

  function cancel(classId: string): void {
    clearTimeout(timers.get(classId));
    timers.delete(classId);
  }

  return {
    /** Re-arms (or clears) the class's timer for its current state. */
    schedule(classId: string, state: ClassRunState, now: number): void {
      cancel(classId);
      const dueAt = autoAdvanceAt(state);
      if (dueAt === null) return;
      const timer = setTimeout(() => {
        timers.delete(classId);
        onDue(classId, state.revision);
      }, Math.max(0, dueAt - now) + FIRE_MARGIN_MS);
      timers.set(classId, timer);
    },
    stop(): void {
      for (const classId of [...timers.keys()]) cancel(classId);
    },
  };
}
