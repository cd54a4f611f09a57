/**
 * Every instructor socket sits in a room of its session and a room of its instructor's sessions, so the auth
 * flow can disconnect a session's sockets when it ends (sign-out), or all but one session's (a password
 * change), or every one of an account (the clinic lead deactivated it or reset its password).
 * `io.in(room).disconnectSockets()` reaches the sockets on every process through the adapter.
 */
import type { SessionSockets } from '../services/auth-service.js';
import type { AttuneServer, AttuneSocket } from './types.js';

export const sessionRoom = (sessionIdHash: string) => `session:${sessionIdHash}`;
export const instructorSessionsRoom = (instructorId: string) => `sessions-of:${instructorId}`;

export function joinSessionRooms(socket: AttuneSocket, sessionIdHash: string, instructorId: string): void {
  void socket.join([sessionRoom(sessionIdHash), instructorSessionsRoom(instructorId)]);
}

export function createSessionSockets(io: AttuneServer): SessionSockets {
  return {
    sessionEnded(idHash) {
      io.in(sessionRoom(idHash)).disconnectSockets(true);
    },
    otherSessionsEnded(instructorId, keepIdHash) {
      io.in(instructorSessionsRoom(instructorId)).except(sessionRoom(keepIdHash)).disconnectSockets(true);
    },
    accountEnded(instructorId) {
      io.in(instructorSessionsRoom(instructorId)).disconnectSockets(true);
    },
  };
}
