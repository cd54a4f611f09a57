/**
 * The instructor's taps in the bench: each `class:command` is made against the revision the last one
 * returned, as the tablet does, and a refusal stops the bench (a tap it did not get would skew the figures).
 */
import type { ClassCommand, InstructorClassState } from '../shared/schemas/class.js';
import { emitAck, type TestSocket } from '../tests/helpers/clients.js';

export type Tap = (type: ClassCommand['type']) => Promise<InstructorClassState>;

/** Taps on the class of `tablet`, starting from `revision` (0 for a class just opened). */
export function tapsOn(tablet: TestSocket, revision = 0): Tap {
  let current = revision;
  return async (type) => {
    const ack = await emitAck(tablet, 'class:command', { type, revision: current } as ClassCommand);
    if (!ack.ok) throw new Error(`class:command ${type}: ${ack.error.code} ${ack.error.message}`);
    current = ack.data.revision;
    return ack.data;
  };
}
