/**
 * How services announce what they stored, without knowing the transport. The Socket.IO implementation is in
 * `realtime/socket-broadcaster.ts`; services call it only after the write has committed.
 */
import type { ClassRecord } from '../storage/storage.js';

export interface Broadcaster {
  /** The class's state changed: every phone and the tablet get the new state (and fresh counts for its cue). */
  classChanged(record: ClassRecord): void;
  /** A flag was stored, changed or undone: the tablet's counts are due (coalesced by the implementation). */
  flagsChanged(classId: string): void;
  /** Someone joined, connected or left: the tablet's presence figures are due (coalesced). */
  presenceChanged(classId: string): void;
  /** An alert was raised or acknowledged: the tablet's alert list, at once. */
  alertsChanged(classId: string): void;
  /** The instructor has seen these alerts: every phone of the class is told, and each knows its own id. */
  alertsSeen(classId: string, alertIds: string[]): void;
}
