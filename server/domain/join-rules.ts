/** Who may join a class, and how long its join code leads to it. Pure: time is an argument. */
import type { ClassStatus } from '../../shared/schemas/class.js';

/**
 * Whether a join code still leads to its class at `now`: until the class's feedback window closes. After
 * that an ended class is not findable by its code at all (page 404, handshake `class/not_found`), so a guessed
 * code shows nothing of it.
 */
export function isCodeOpen(state: { status: ClassStatus; feedbackClosesAt: number | null }, now: number): boolean {
  return state.status !== 'ended' || (state.feedbackClosesAt !== null && now < state.feedbackClosesAt);
}

/**
 * Whether a phone the class has not seen may become a participant: not once the class ended. A participant who
 * joined before the end may reconnect (to send feedback); nobody else can join to add answers.
 */
export function mayJoinAsNew(state: { status: ClassStatus }): boolean {
  return state.status !== 'ended';
}
