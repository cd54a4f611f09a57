/** The Broadcaster over Socket.IO rooms: state at once, tallies and presence coalesced. */
import type { Logger } from 'pino';
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

  const tallies = createCoalescer(COALESCE_MS, async (classId) => {
    io.to(instructorRoom(classId)).emit('tally:updated', await storage.tallyFlags(classId));
  }, onError);

  const presence = createCoalescer(COALESCE_MS, async (classId) => {
    io.to(instructorRoom(classId)).emit('presence:updated', await presenceOf(io, storage, classId));
  }, onError);

  const broadcaster: Broadcaster & { stop(): void } = {
    classChanged(record) {
      io.to(participantRoom(record.id)).emit('class:state', publicState(record));
      io.to(instructorRoom(record.id)).emit('class:instructor-state', instructorState(record));
    },
    flagsChanged: (classId) => tallies.request(classId),
    presenceChanged: (classId) => presence.request(classId),
    stop() {
      tallies.stop();
      presence.stop();
    },
  };
  return broadcaster;
}

/** Distinct participants with a live socket (across processes once an adapter is configured), and all who joined. */
export async function presenceOf(io: AttuneServer, storage: Storage, classId: string) {
  const sockets = await io.in(participantRoom(classId)).fetchSockets();
  const connected = new Set(sockets.map((s) => (s.data.role === 'participant' ? s.data.participantId : ''))).size;
  return { connected, joined: await storage.countParticipants(classId) };
}
