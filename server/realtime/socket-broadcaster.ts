/** The Broadcaster port over Socket.IO rooms (and the Redis adapter across processes): it only carries payloads. */
import type { Broadcaster } from '../services/broadcaster.js';
import { instructorRoom, participantRoom } from './rooms.js';
import type { AttuneServer } from './types.js';

export function createSocketBroadcaster(io: AttuneServer): Broadcaster {
  return {
    toParticipants(classId, event, ...payload) {
      io.to(participantRoom(classId)).emit(event, ...payload);
    },
    toInstructors(classId, event, ...payload) {
      io.to(instructorRoom(classId)).emit(event, ...payload);
    },
    async connectedParticipants(classId) {
      const sockets = await io.in(participantRoom(classId)).fetchSockets();
      return new Set(sockets.map((s) => (s.data.role === 'participant' ? s.data.participantId : ''))).size;
    },
  };
}
