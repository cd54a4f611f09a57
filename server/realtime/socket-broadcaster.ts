/** The Broadcaster over Socket.IO rooms: state and alerts at once, tallies and presence coalesced. */
import type { Logger } from 'pino';
import type { LiveTally } from '../../shared/schemas/flag.js';
import { TREND_WINDOW_MS } from '../domain/flag-rules.js';
import type { Broadcaster } from '../services/broadcaster.js';
import { instructorState, publicState } from '../services/class-service.js';
import type { Storage } from '../storage/storage.js';
import { createCoalescer } from './coalescer.js';
import { instructorRoom, participantRoom } from './rooms.js';
import type { AttuneServer } from './types.js';

/** At most ten tally or presence updates a second per class reach the tablet. */
const COALESCE_MS = 100;

export function createSocketBroadcaster(io: AttuneServer, storage: Storage, logger: Logger) {
  const onError = (err: unknown) => logger.error({ err }, 'broadcast failed');

  const tallies = createCoalescer(
    COALESCE_MS,
    async (classId) => {
      const tally = await liveTally(storage, classId, Date.now());
      if (tally) io.to(instructorRoom(classId)).emit('tally:updated', tally);
    },
    onError,
  );

  const presence = createCoalescer(
    COALESCE_MS,
    async (classId) => {
      io.to(instructorRoom(classId)).emit('presence:updated', await presenceOf(io, storage, classId));
    },
    onError,
  );

  let isStopped = false;
  const broadcaster: Broadcaster & { stop(): void } = {
    classChanged(record) {
      const now = Date.now();
      io.to(participantRoom(record.id)).emit('class:state', publicState(record, now));
      io.to(instructorRoom(record.id)).emit('class:instructor-state', instructorState(record, now));
      tallies.request(record.id);
    },
    flagsChanged: (classId) => tallies.request(classId),
    presenceChanged: (classId) => presence.request(classId),
    alertsChanged(classId) {
      if (isStopped) return;
      storage.openAlerts(classId).then((alerts) => io.to(instructorRoom(classId)).emit('alerts:updated', alerts), onError);
    },
    alertsSeen(classId, alertIds) {
      io.to(participantRoom(classId)).emit('alert:seen', { alertIds });
    },
    stop() {
      isStopped = true;
      tallies.stop();
      presence.stop();
    },
  };
  return broadcaster;
}

/** The live view's figures, counted from storage: exact whenever they are sent. */
export async function liveTally(storage: Storage, classId: string, now: number): Promise<LiveTally | null> {
  const record = await storage.getClass(classId);
  if (!record) return null;
  const [cues, regions, recent] = await Promise.all([
    storage.tallyFlags(classId),
    storage.tallyRegions(classId, record.cueIndex),
    storage.flagsPerSecond(classId, now - TREND_WINDOW_MS),
  ]);
  return { cues, cueIndex: record.cueIndex, regions, recent, serverNow: now };
}

/** Distinct participants with a live socket (across processes once an adapter is configured), and all who joined. */
export async function presenceOf(io: AttuneServer, storage: Storage, classId: string) {
  const sockets = await io.in(participantRoom(classId)).fetchSockets();
  const connected = new Set(sockets.map((s) => (s.data.role === 'participant' ? s.data.participantId : ''))).size;
  return { connected, joined: await storage.countParticipants(classId) };
}
