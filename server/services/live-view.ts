/**
 * The live picture of running classes — state, tally, presence, alerts — built here and handed to the
 * broadcaster as finished payloads. Tallies and presence go out at once when the class is quiet and at most
 * ten a second under a burst, each made when sent (the tally from live-tallies.ts), so always exact when sent.
 * Alerts go out as changes (raised, resolved), batched the same way; the whole list only on connect.
 */
import type { Presence } from '../../shared/protocol.js';
import type { Alert } from '../../shared/schemas/alert.js';
import type { InstructorClassState, PublicClassState } from '../../shared/schemas/class.js';
import type { LiveTally } from '../../shared/schemas/flag.js';
import type { TallyChange } from '../domain/live-tally.js';
import { instructorState, publicState } from '../domain/projections.js';
import type { ClassRecord, Storage } from '../storage/storage.js';
import type { Broadcaster } from './broadcaster.js';
import { createCoalescer } from './coalescer.js';
import { heldTallies, storedTallies } from './live-tallies.js';

/** A class's tablet gets tally, presence and alert messages at once while quiet, and ten a second under a burst. */
export const LIVE_INTERVAL_MS = 100;
/**
 * A presence count that could not be made (another process died and has not been declared gone yet, so the
 * adapter's count across processes times out) is tried again this much later, so the tablet never keeps a stale count.
 */
export const PRESENCE_RETRY_MS = 1_000;
/**
 * Processes sharing a class (Redis) each send the tally they read after their own writes, and the adapter orders
 * nothing across processes: a tally read while another process was committing can reach the tablet after that
 * process's newer one. So each sends the class's tally once more when its writes have been quiet this long; those
 * last reads all see the same state, in whatever order they arrive.
 */
export const SETTLE_MS = 1_000;

export interface LiveViewDeps {
  storage: Storage;
  broadcaster: Broadcaster;
  now: () => number;
  /** Where a broadcast that failed (storage unreachable) is reported. */
  onError: (error: unknown) => void;
  /** No other process serves these classes (no Redis): the tallies are held in memory (live-tallies.ts). */
  isOnlyProcess: boolean;
}

/**
 * What a tablet gets when it (re)connects: everything, so it replaces what it shows; except presence, which comes
 * through the presence runs (`presenceChanged`) like every other count, so that a count made before the newest
 * connection can never arrive after the count that includes it.
 */
export interface InstructorSnapshot {
  state: InstructorClassState;
  /** Null once the class has ended: the summary, with its threshold, is the only after-class view. */
  tally: LiveTally | null;
  alerts: Alert[];
}

export function createLiveView({ storage, broadcaster, now, onError, isOnlyProcess }: LiveViewDeps) {
  const liveTallies = isOnlyProcess ? heldTallies(storage, now) : storedTallies(storage, now);

  async function presenceOf(classId: string): Promise<Presence> {
    const [connected, joined] = await Promise.all([broadcaster.connectedParticipants(classId), storage.participants.count(classId)]);
    return { connected, joined };
  }

  const tallies = createCoalescer(
    LIVE_INTERVAL_MS,
    async (classId) => {
      const tally: LiveTally | null = await liveTallies.tallyOf(classId);
      if (tally) broadcaster.toInstructors(classId, 'tally:updated', tally);
    },
    onError,
  );

  // One run at a time per class, each counting from its own start: the last to go out includes the newest change.
  const presence = createCoalescer(
    LIVE_INTERVAL_MS,
    async (classId) => {
      try {
        broadcaster.toInstructors(classId, 'presence:updated', await presenceOf(classId));
      } catch (error) {
        onError(error);
        retryPresence(classId);
      }
    },
    onError,
  );
  /** Classes whose presence count failed, with the timer that tries again (one per class, however many failed). */
  const presenceRetries = new Map<string, NodeJS.Timeout>();

  /** Per class this process wrote to lately (shared classes only): the timer of its settling tally. */
  const settles = new Map<string, NodeJS.Timeout>();

  function settleLater(classId: string): void {
    if (isOnlyProcess) return;
    const due = settles.get(classId);
    if (due) {
      due.refresh();
      return;
    }
    const settle = setTimeout(() => {
      settles.delete(classId);
      tallies.request(classId);
    }, SETTLE_MS);
    settles.set(classId, settle);
  }

  function retryPresence(classId: string): void {
    if (presenceRetries.has(classId)) return;
    const retry = setTimeout(() => {
      presenceRetries.delete(classId);
      presence.request(classId);
    }, PRESENCE_RETRY_MS);
    presenceRetries.set(classId, retry);
  }

  /** Alert changes not sent yet, per class: bounded by the participants (one open alert each). */
  const pendingAlerts = new Map<string, { raised: Alert[]; resolved: string[] }>();
  const alerts = createCoalescer(
    LIVE_INTERVAL_MS,
    async (classId) => {
      const changes = pendingAlerts.get(classId);
      pendingAlerts.delete(classId);
      if (!changes) return;
      if (changes.raised.length > 0) broadcaster.toInstructors(classId, 'alert:raised', changes.raised);
      if (changes.resolved.length > 0) {
        broadcaster.toInstructors(classId, 'alert:resolved', { alertIds: changes.resolved });
        broadcaster.toParticipants(classId, 'alert:seen', { alertIds: changes.resolved });
      }
    },
    onError,
  );

  function pendingOf(classId: string) {
    let changes = pendingAlerts.get(classId);
    if (!changes) pendingAlerts.set(classId, (changes = { raised: [], resolved: [] }));
    return changes;
  }

  return {
    /** The class's state changed: every phone and tablet get it now, and the tablet fresh counts for its cue. */
    classChanged(record: ClassRecord, change: { isCueAdded: boolean }): void {
      const at = now();
      broadcaster.toParticipants(record.id, 'class:state', publicState(record, at));
      broadcaster.toInstructors(record.id, 'class:instructor-state', instructorState(record, at));
      liveTallies.classChanged(record, change);
      if (record.status !== 'ended') {
        tallies.request(record.id);
        settleLater(record.id);
      }
    },
    /** The class's run state, for checking a flag against it (see LiveTallies.runOf). */
    runOf: (classId: string) => liveTallies.runOf(classId),
    /** Runs a write of one of the class's flags; the tablet gets the tally it changed (a change: not null). */
    async flagWrite<T>(classId: string, run: () => Promise<T>, changeOf: (result: T) => TallyChange | null): Promise<T> {
      const result = await liveTallies.write(classId, run, changeOf);
      if (changeOf(result)) {
        tallies.request(classId);
        settleLater(classId);
      }
      return result;
    },
    /** Someone joined, connected or left. */
    presenceChanged: (classId: string) => presence.request(classId),
    alertRaised(classId: string, alert: Alert): void {
      pendingOf(classId).raised.push(alert);
      alerts.request(classId);
    },
    alertsResolved(classId: string, alertIds: string[]): void {
      if (alertIds.length === 0) return;
      pendingOf(classId).resolved.push(...alertIds);
      alerts.request(classId);
    },

    /** What a phone gets on (re)connect; null when the class is gone. */
    async participantSnapshot(classId: string): Promise<PublicClassState | null> {
      const record = await storage.classes.get(classId);
      return record ? publicState(record, now()) : null;
    },

    async instructorSnapshot(classId: string): Promise<InstructorSnapshot | null> {
      const record = await storage.classes.get(classId);
      if (!record) return null;
      const [tally, open] = await Promise.all([liveTallies.tallyOf(classId), storage.alerts.listOpen(classId)]);
      return { state: instructorState(record, now()), tally, alerts: open };
    },

    stop(): void {
      tallies.stop();
      presence.stop();
      for (const retry of presenceRetries.values()) clearTimeout(retry);
      presenceRetries.clear();
      for (const settle of settles.values()) clearTimeout(settle);
      settles.clear();
      alerts.stop();
      pendingAlerts.clear();
    },
  };
}

export type LiveView = ReturnType<typeof createLiveView>;
