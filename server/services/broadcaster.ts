/**
 * How services reach clients without knowing the transport: an emit-only port that carries finished payloads
 * to a class's participants or instructors. The Socket.IO implementation is `realtime/socket-broadcaster.ts`
 * (rooms, and the Redis adapter across processes); services call it only after the write has committed.
 */
import type { ServerToClientEvents } from '../../shared/protocol.js';

export type ServerEvent = keyof ServerToClientEvents;

export interface Broadcaster {
  /** To every phone of the class, on every process. */
  toParticipants<E extends ServerEvent>(classId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void;
  /** To every tablet of the class, on every process. */
  toInstructors<E extends ServerEvent>(classId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void;
  /**
   * Distinct participants with a live socket in the class, across processes: the one thing the transport knows
   * that storage does not (who is connected right now). Read-only.
   */
  connectedParticipants(classId: string): Promise<number>;
}
