/** When a class takes feedback. Pure: time is an argument. */
import type { ClassStatus } from '../../shared/schemas/class.js';

/** How long after the end a class takes feedback, unless configured otherwise (FEEDBACK_WINDOW_MINUTES). */
export const DEFAULT_FEEDBACK_WINDOW_MS = 30 * 60_000;

/** Until when a class that ended at `endedAt` takes feedback. */
export function feedbackClosesAt(endedAt: number, windowMs: number): number {
  return endedAt + windowMs;
}

/** Whether feedback sent at `now` is taken: only after the class ended, and before its window closed. */
export function isFeedbackOpen(state: { status: ClassStatus; feedbackClosesAt: number | null }, now: number): boolean {
  return state.status === 'ended' && state.feedbackClosesAt !== null && now < state.feedbackClosesAt;
}
