import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';

/** What the handshake established about a socket; never an IP or a user agent. */
export type SocketData =
  | { role: 'participant'; classId: string; participantId: string }
  | { role: 'instructor'; classId: string; instructorId: string };

export type AttuneServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AttuneSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
